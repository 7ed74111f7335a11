"""A theme's scope (issue 36): a strategic review's themes are for plans only and never crowd a review
room's buttons; a room's own theme stays out of the plan's forms; dashboards count every theme a
review used, whatever its scope. The lead sets the scope on the vocabulary page."""

import re

import pytest
from django.urls import reverse

from analytics.reports import build_report
from analytics.scopes import Scope
from casereview import services
from casereview.models import TermScope, VocabularyTerm
from improvement.models import FocusArea, Plan, Workstream
from tests.fixtures import not_ideal_post
from workshops.models import CaseReview
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plans_only(organisation):
    return services.vocabulary_term_add(
        organisation=organisation, kind="theme", label="Preparation for adulthood", scope=TermScope.PLANS
    )


@pytest.fixture
def rooms_only(organisation):
    return services.vocabulary_term_add(
        organisation=organisation, kind="theme", label="Room chemistry", scope=TermScope.ROOMS
    )


@pytest.fixture
def plan(organisation):
    plan = Plan.objects.create(organisation=organisation, title="SEND improvement programme")
    workstream = Workstream.objects.create(plan=plan, name="Culture")
    FocusArea.objects.create(workstream=workstream, ref="1", statement="Every school knows the local offer.")
    return plan


def themes_offered(page: str, name: str = "themes") -> set[int]:
    return {int(pk) for pk in re.findall(rf'name="{name}" value="(\d+)"', page)}


def test_a_plans_only_theme_is_never_a_button_in_a_review_room(
    plans_only, rooms_only, room, allocations, facilitator, client_for, term
):
    client = client_for(facilitator)
    page = client.get(reverse("room_console_case", args=[room.pk, allocations[0].pk])).content.decode()
    offered = themes_offered(page)
    assert rooms_only.pk in offered and term("theme", "WORKFORCE_CAPACITY").pk in offered
    assert plans_only.pk not in offered and plans_only.label not in page
    # The next case's form, after a save, offers the same.
    page = client.post(
        reverse("review_save", args=[room.pk, allocations[0].pk]), not_ideal_post(term), **HTMX
    ).content.decode()
    assert "Case C-002" in page and plans_only.pk not in themes_offered(page) and rooms_only.pk in themes_offered(page)
    # And a room cannot send it anyway.
    response = client.post(
        reverse("review_save", args=[room.pk, allocations[1].pk]), not_ideal_post(term, themes=[plans_only.pk]), **HTMX
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CaseReview.objects.filter(allocation=allocations[1]).exists()


def test_a_plans_only_theme_is_offered_in_the_plans_forms_and_a_rooms_only_one_is_not(
    plans_only, rooms_only, plan, lead, client_for, term
):
    client = client_for(lead)
    recommendation_page = client.get(reverse("recommendation_list", args=[plan.pk])).content.decode()
    options = {int(pk) for pk in re.findall(r'<option value="(\d+)"', recommendation_page)}
    assert plans_only.pk in options and term("theme", "WORKFORCE_CAPACITY").pk in options
    assert rooms_only.pk not in options
    action_page = client.get(reverse("action_create")).content.decode()
    assert plans_only.pk in themes_offered(action_page) and rooms_only.pk not in themes_offered(action_page)
    workstream = plan.workstreams.get()
    area_page = client.get(reverse("focus_area_create", args=[workstream.pk])).content.decode()
    assert plans_only.pk in themes_offered(area_page) and rooms_only.pk not in themes_offered(area_page)


def test_a_review_keeps_a_theme_that_became_plans_only_and_the_dashboard_still_counts_it(
    organisation, room, allocations, facilitator, client_for, term
):
    theme = term("theme", "WORKFORCE_CAPACITY")
    review_save(
        allocation=allocations[0],
        answer=ReviewAnswer(True, True, [], None, [theme]),
        by=facilitator,
        expected_version=0,
    )
    theme.scope = TermScope.PLANS
    theme.save()
    counts = {row["code"]: row["count"] for row in build_report(organisation, Scope())["themes"]}
    assert counts["WORKFORCE_CAPACITY"] == 1
    # Editing that review keeps its theme (as a retired one is kept); a new case's form does not offer it.
    edit = client_for(facilitator).get(reverse("room_console_case", args=[room.pk, allocations[0].pk]))
    assert theme.pk in themes_offered(edit.content.decode())
    fresh = client_for(facilitator).get(reverse("room_console_case", args=[room.pk, allocations[1].pk]))
    assert theme.pk not in themes_offered(fresh.content.decode())


# --- the vocabulary page: the lead sets a theme's scope -----------------------------------------


def test_the_lead_sets_a_themes_scope_and_the_page_says_it(lead, client_for, term):
    theme = term("theme", "WORKFORCE_CAPACITY")
    client = client_for(lead)
    form = client.get(reverse("vocabulary_term_edit", args=[theme.pk])).content.decode()
    assert 'name="scope"' in form and "Plans only" in form
    response = client.post(
        reverse("vocabulary_term_edit", args=[theme.pk]),
        {"label": theme.label, "position": theme.position, "scope": "plans"},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.scope == TermScope.PLANS
    page = client.get(reverse("vocabulary")).content.decode()
    assert "Plans only (e.g. a strategic review&#x27;s themes)" in page


def test_a_bad_scope_is_explained_and_changes_nothing(lead, client_for, term):
    theme = term("theme", "WORKFORCE_CAPACITY")
    response = client_for(lead).post(
        reverse("vocabulary_term_edit", args=[theme.pk]),
        {"label": theme.label, "position": theme.position, "scope": "everywhere"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    theme.refresh_from_db()
    assert theme.scope == TermScope.BOTH


def test_only_themes_have_a_scope(lead, client_for, term):
    area = term("non_ideal_area", "TIMING_OF_SUPPORT")
    assert 'name="scope"' not in client_for(lead).get(reverse("vocabulary_term_edit", args=[area.pk])).content.decode()
    client_for(lead).post(
        reverse("vocabulary_term_edit", args=[area.pk]),
        {"label": area.label, "position": area.position, "scope": "plans"},
    )
    area.refresh_from_db()
    assert area.scope == TermScope.BOTH


def test_a_theme_added_for_plans_only_is_stored_so(organisation, lead, client_for):
    response = client_for(lead).post(
        reverse("vocabulary_term_add", args=["theme"]), {"label": "Joint commissioning", "scope": "plans"}
    )
    assert response.status_code == 302
    assert VocabularyTerm.objects.get(organisation=organisation, label="Joint commissioning").scope == TermScope.PLANS


def test_only_the_lead_of_the_la_sets_a_scope(facilitator, viewer, outsider, client_for, term):
    theme = term("theme", "WORKFORCE_CAPACITY")
    data = {"label": theme.label, "position": theme.position, "scope": "plans"}
    url = reverse("vocabulary_term_edit", args=[theme.pk])
    assert client_for(facilitator).post(url, data).status_code == 403
    assert client_for(viewer).post(url, data).status_code == 403
    assert client_for(outsider).post(url, data).status_code == 404
    theme.refresh_from_db()
    assert theme.scope == TermScope.BOTH
