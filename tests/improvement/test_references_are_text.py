"""References are text as plans write them ("1.1", "14–15", "2.A", "Task 2.A"), never a number
(issue 36, item 8), sorted naturally ("2" before "10", "1.1" before "1.10"), with a blank action
reference last; a child's identifier is refused in a reference as in any text."""

import datetime

import pytest
from django.urls import reverse

from improvement.models import Action, FocusArea, Recommendation, Workstream
from improvement.refs import sort_key

UPN = "H801200001001"
NHS_NUMBER = "9434765919"
REFS = ["1.1", "14–15", "2.A", "Task 2.A"]


@pytest.mark.parametrize("ref", REFS)
def test_a_focus_area_takes_a_reference_as_written(client_for, lead, focus_area, ref):
    workstream = focus_area.workstream
    response = client_for(lead).post(
        reverse("focus_area_create", args=[workstream.pk]),
        {"ref": ref, "statement": "Partners agree a set of values led behaviours."},
    )
    assert response.status_code == 302, response.content.decode()
    assert FocusArea.objects.get(workstream=workstream, ref=ref).statement.startswith("Partners agree")


@pytest.mark.parametrize("ref", REFS)
def test_a_recommendation_takes_a_reference_as_written(client_for, lead, plan, term, ref):
    response = client_for(lead).post(
        reverse("recommendation_list", args=[plan.pk]),
        {"ref": ref, "theme": term("theme", "WORKFORCE_CAPACITY").pk, "text": "Commission an EHCP review."},
    )
    assert response.status_code == 302, response.content.decode()
    assert Recommendation.objects.get(plan=plan, ref=ref).text == "Commission an EHCP review."


@pytest.mark.parametrize("identifier", [UPN, NHS_NUMBER])
def test_a_bare_identifier_is_refused_as_a_reference(client_for, lead, plan, focus_area, term, identifier):
    client = client_for(lead)
    response = client.post(
        reverse("focus_area_create", args=[focus_area.workstream.pk]), {"ref": identifier, "statement": "Values"}
    )
    assert response.status_code == 200 and "could identify a child" in response.content.decode()
    response = client.post(
        reverse("recommendation_list", args=[plan.pk]),
        {"ref": identifier, "theme": term("theme", "WORKFORCE_CAPACITY").pk, "text": "Commission a review."},
    )
    assert response.status_code == 200 and "could identify a child" in response.content.decode()
    assert list(FocusArea.objects.values_list("ref", flat=True)) == ["14"]
    assert not Recommendation.objects.exists()


def test_references_sort_naturally(plan):
    workstream = Workstream.objects.create(plan=plan, name="Identify, Assess, Meet Need")
    for ref in ["10", "14–15", "1.10", "2", "1.1", "Task 2.A", "1.B"]:
        FocusArea.objects.create(workstream=workstream, ref=ref, statement=f"Focus area {ref}")
    assert [area.ref for area in workstream.focus_areas.all()] == ["1.1", "1.10", "1.B", "2", "10", "14–15", "Task 2.A"]
    # Any dash between numbers reads as one: 14-15 and 14–15 are the same place.
    assert sort_key("14-15") == sort_key("14–15") == sort_key(" 14 – 15 ".replace(" ", ""))


def test_a_blank_action_reference_sorts_last(focus_area, lead):
    for ref, title in [("", "Survey schools"), ("10", "Recruit"), ("2", "Budget forecast")]:
        Action.objects.create(
            focus_area=focus_area, ref=ref, title=title, owner="Head of SEND", due=datetime.date(2026, 5, 20)
        )
    assert [(action.ref, action.title) for action in focus_area.actions.all()] == [
        ("2", "Budget forecast"),
        ("10", "Recruit"),
        ("", "Survey schools"),
    ]
