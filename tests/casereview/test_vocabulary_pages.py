"""The lead edits the LA's vocabularies; other members read them; other LAs never see them."""

import pytest
from django.urls import reverse

from casereview.models import VocabularyTerm


@pytest.fixture
def term(organisation):
    return VocabularyTerm.objects.get(organisation=organisation, kind="theme", code="WORKFORCE_CAPACITY")


# Access: owner (the lead), members of the same LA, an outsider, and nobody signed in.


def test_every_member_can_read_the_list_of_their_own_la(client_for, lead, facilitator, viewer, outsider, term):
    for user in (lead, facilitator, viewer):
        response = client_for(user).get(reverse("vocabulary"))
        assert response.status_code == 200
        assert "Workforce capacity" in response.content.decode()


def test_the_list_shows_an_outsider_only_their_own_la(client_for, outsider, term):
    term.label = "Northshire only label"
    term.save()
    response = client_for(outsider).get(reverse("vocabulary"))
    assert response.status_code == 200
    assert "Northshire only label" not in response.content.decode()


def test_only_the_lead_sees_edit_buttons(client_for, lead, viewer, term):
    edit_url = reverse("vocabulary_term_edit", args=[term.pk])
    assert edit_url in client_for(lead).get(reverse("vocabulary")).content.decode()
    assert edit_url not in client_for(viewer).get(reverse("vocabulary")).content.decode()


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_other_roles_of_the_same_la_cannot_edit_add_or_retire(request, client_for, term, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("vocabulary_term_edit", args=[term.pk])).status_code == 403
    assert (
        client.post(reverse("vocabulary_term_edit", args=[term.pk]), {"label": "X", "position": 1}).status_code == 403
    )
    assert client.post(reverse("vocabulary_term_add", args=["theme"]), {"label": "New"}).status_code == 403
    assert client.post(reverse("vocabulary_term_retire", args=[term.pk]), {"retired": "yes"}).status_code == 403
    term.refresh_from_db()
    assert term.label == "Workforce capacity" and not term.is_retired
    assert not VocabularyTerm.objects.filter(label="New").exists()


def test_a_lead_of_another_la_gets_404_and_changes_nothing(client_for, outsider, term):
    client = client_for(outsider)
    assert client.get(reverse("vocabulary_term_edit", args=[term.pk])).status_code == 404
    assert (
        client.post(reverse("vocabulary_term_edit", args=[term.pk]), {"label": "X", "position": 1}).status_code == 404
    )
    assert client.post(reverse("vocabulary_term_retire", args=[term.pk]), {"retired": "yes"}).status_code == 404
    term.refresh_from_db()
    assert term.label == "Workforce capacity" and not term.is_retired


@pytest.mark.parametrize("name", ["vocabulary", "vocabulary_term_edit", "vocabulary_term_add"])
def test_anonymous_visitors_are_sent_to_sign_in(client, term, name):
    args = {"vocabulary": [], "vocabulary_term_edit": [term.pk], "vocabulary_term_add": ["theme"]}[name]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# What the lead can do.


def test_the_lead_renames_a_term_and_its_code_stays(client_for, lead, term):
    response = client_for(lead).post(
        reverse("vocabulary_term_edit", args=[term.pk]), {"label": "Staffing", "position": 3}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.label, term.code, term.position) == ("Staffing", "WORKFORCE_CAPACITY", 3)


def test_a_label_holding_an_identifier_is_refused_and_nothing_changes(client_for, lead, term):
    response = client_for(lead).post(
        reverse("vocabulary_term_edit", args=[term.pk]), {"label": "Pupil 943 476 5919", "position": 1}
    )
    assert response.status_code == 200
    assert "an NHS number" in response.content.decode()
    term.refresh_from_db()
    assert term.label == "Workforce capacity"


def test_a_duplicate_label_is_refused(client_for, lead, term):
    response = client_for(lead).post(
        reverse("vocabulary_term_edit", args=[term.pk]), {"label": "transition between settings", "position": 1}
    )
    assert response.status_code == 200
    assert "already an entry with this name" in response.content.decode()


def test_the_lead_adds_a_theme(client_for, lead, organisation):
    response = client_for(lead).post(
        reverse("vocabulary_term_add", args=["theme"]), {"label": "No data-sharing framework"}
    )
    assert response.status_code == 302
    assert VocabularyTerm.objects.get(organisation=organisation, kind="theme", label="No data-sharing framework")


def test_adding_a_duplicate_theme_says_so(client_for, lead, organisation):
    response = client_for(lead).post(reverse("vocabulary_term_add", args=["theme"]), {"label": "Workforce Capacity"})
    assert response.status_code == 200
    assert "already an entry called" in response.content.decode()
    assert VocabularyTerm.objects.filter(organisation=organisation, kind="theme").count() == 8


def test_national_code_lists_cannot_be_added_to(client_for, lead, organisation):
    response = client_for(lead).post(reverse("vocabulary_term_add", args=["provision"]), {"label": "Made up"})
    assert response.status_code == 404
    assert not VocabularyTerm.objects.filter(label="Made up").exists()


def test_the_lead_retires_and_restores_a_term(client_for, lead, term):
    client = client_for(lead)
    client.post(reverse("vocabulary_term_retire", args=[term.pk]), {"retired": "yes"})
    term.refresh_from_db()
    assert term.is_retired
    assert "Retired" in client.get(reverse("vocabulary")).content.decode()
    client.post(reverse("vocabulary_term_retire", args=[term.pk]), {"retired": "no"})
    term.refresh_from_db()
    assert not term.is_retired


def test_retiring_needs_a_post(client_for, lead, term):
    assert client_for(lead).get(reverse("vocabulary_term_retire", args=[term.pk])).status_code == 405
