"""Recommendations are grouped by theme and each accepted (becoming an action that cites the theme),
deferred or declined with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from improvement import services
from improvement.models import Action, Recommendation


@pytest.fixture
def recommendation(plan, term):
    return Recommendation.objects.create(
        plan=plan,
        ref="4",
        theme=term("theme", "WORKFORCE_CAPACITY"),
        text="Create a shared SEND workforce development offer.",
    )


def test_accepting_creates_an_action_citing_the_theme(recommendation, focus_area, lead, client_for):
    response = client_for(lead).post(
        f"/plans/recommendations/{recommendation.pk}/decide/",
        {
            "decision": "accepted",
            "focus_area": focus_area.pk,
            "owner": "Workforce Development Lead",
            "due": "2027-06-30",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    action = recommendation.actions.get()
    assert recommendation.decision == "accepted" and action.focus_area == focus_area
    assert list(action.themes.all()) == [recommendation.theme] and action.title.startswith("Recommendation 4:")
    assert action.changes.count() == 1  # it has a history from its first save


def test_deferring_or_declining_needs_a_reason_and_changes_nothing_without(recommendation, lead):
    for decision in ("deferred", "declined"):
        with pytest.raises(ValidationError) as refused:
            services.recommendation_decide(recommendation=recommendation, decision=decision, reason="  ", by=lead)
        assert "reason" in refused.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.decision == "open" and not Action.objects.exists()
    services.recommendation_decide(
        recommendation=recommendation, decision="deferred", reason="After the People Plan refresh.", by=lead
    )
    assert Recommendation.objects.get(pk=recommendation.pk).decision == "deferred"


def test_accepting_needs_a_focus_area_of_the_same_plan(recommendation, their_plan, lead):
    theirs = their_plan.workstreams.get().focus_areas.get()
    with pytest.raises(ValidationError) as refused:
        services.recommendation_decide(
            recommendation=recommendation,
            decision="accepted",
            focus_area=theirs,
            owner="Head of SEND",
            due=datetime.date(2027, 1, 1),
            by=lead,
        )
    assert "focus_area" in refused.value.message_dict and not Action.objects.exists()


def test_the_list_groups_recommendations_by_theme(recommendation, plan, term, viewer, client_for):
    Recommendation.objects.create(
        plan=plan, ref="5", theme=term("theme", "TRANSITION_BETWEEN_SETTINGS"), text="One template."
    )
    page = client_for(viewer).get(f"/plans/{plan.pk}/recommendations/").content.decode()
    workforce, transition = (
        term("theme", "WORKFORCE_CAPACITY").label,
        term("theme", "TRANSITION_BETWEEN_SETTINGS").label,
    )
    assert (
        page.index(workforce)
        < page.index("shared SEND workforce")
        < page.index(transition)
        < page.index("One template.")
    )
    assert "Add a recommendation" not in page
