"""The lead's poll form shows only the fields of the chosen kind: a words poll no scale, a choice
poll its options. Without JavaScript a button brings the chosen kind's fields, keeping what was
typed; another kind's fields are neither checked nor saved."""

import re

import pytest
from django.urls import reverse

from workshops.models import Poll

SECTION = re.compile(r'<fieldset class="mb-3" data-kind="(\w+)"( hidden disabled)?>')


def shown_sections(page: str) -> list[str]:
    return [kind for kind, hidden in SECTION.findall(page) if not hidden]


def test_a_new_poll_shows_the_words_fields_only(client_for, lead, workshop):
    page = client_for(lead).get(reverse("poll_create", args=[workshop.pk])).content.decode()
    assert SECTION.findall(page) == [("words", ""), ("choice", " hidden disabled"), ("scale", " hidden disabled")]
    assert 'value="choose_kind"' in page and "Show the fields for this kind" in page  # the way without JavaScript
    assert "js/poll-form.js" in page  # and the live way with it


def test_without_javascript_the_kind_button_brings_that_kinds_fields_and_keeps_what_was_typed(
    client_for, lead, workshop
):
    client = client_for(lead)
    response = client.post(
        reverse("poll_create", args=[workshop.pk]),
        {"action": "choose_kind", "question": "How confident are you?", "kind": "scale", "ask_role": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and shown_sections(page) == ["scale"]
    assert 'value="How confident are you?"' in page and re.search(r'name="kind" value="scale"[^>]*checked>', page)
    assert re.search(r'name="ask_role"[^>]*checked>', page)
    assert "There is a problem" not in page and not Poll.objects.exists()  # nothing checked, nothing saved yet


def test_an_existing_choice_poll_shows_its_options(client_for, lead, choice_poll):
    page = client_for(lead).get(reverse("poll_edit", args=[choice_poll.workshop_id, choice_poll.pk])).content.decode()
    assert shown_sections(page) == ["choice"] and "Early years\nSecondary</textarea>" in page


def test_a_poll_reads_only_its_own_kinds_fields(client_for, lead, workshop):
    """As the browser sends it (another kind's fields disabled, so not sent), or with them sent anyway."""
    client = client_for(lead)
    words = {
        "question": "What does a good day look like?",
        "kind": "words",
        "words_per_attendee": 2,
        "approve_first": "on",
    }
    response = client.post(
        reverse("poll_create", args=[workshop.pk]), words | {"scale_max": "99", "options_text": "Only one"}
    )
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert (poll.kind, poll.words_per_attendee, poll.scale_max, poll.options) == ("words", 2, 5, [])


@pytest.mark.parametrize("kind,fields", [("choice", {"options_text": "Yes\nNo"}), ("scale", {"scale_max": "7"})])
def test_a_choice_or_scale_poll_keeps_approval_before_showing_for_a_later_change_to_words(
    client_for, lead, workshop, kind, fields
):
    """The words fields are not sent for a choice or a scale poll: the approval stays as it was (on)."""
    client = client_for(lead)
    assert (
        client.post(
            reverse("poll_create", args=[workshop.pk]), {"question": "Where first?", "kind": kind, **fields}
        ).status_code
        == 302
    )
    poll = Poll.objects.get()
    assert poll.kind == kind and poll.approve_first is True


def test_a_choice_poll_still_needs_two_options(client_for, lead, workshop):
    response = client_for(lead).post(
        reverse("poll_create", args=[workshop.pk]),
        {"question": "Where first?", "kind": "choice", "options_text": "One"},
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "A choice poll needs at least two options." in page
        and shown_sections(page) == ["choice"]
    )
    assert not Poll.objects.exists()
