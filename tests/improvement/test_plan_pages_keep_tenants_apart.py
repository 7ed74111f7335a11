"""The lead edits the plan; facilitators and viewers read it; another LA's plan answers 404."""

import datetime

import pytest
from django.urls import reverse

from improvement import services
from improvement.models import Kpi, KpiKind, MonitoringUpdate, NextStep, Plan, Recommendation


@pytest.fixture
def things(action, risk, kpi, lead, term, plan):
    step = services.next_step_add(action=action, text="Agree the audit sample")
    recommendation = Recommendation.objects.create(
        plan=plan, ref="1", theme=term("theme", "WORKFORCE_CAPACITY"), text="Share training."
    )
    update = services.update_freeze(
        plan=plan, title="April update", as_of=datetime.date(2027, 4, 30), highlights="", by=lead
    )
    return {
        "plan": plan,
        "action": action,
        "risk": risk,
        "kpi": kpi,
        "step": step,
        "recommendation": recommendation,
        "update": update,
        "workstream": action.focus_area.workstream,
        "focus_area": action.focus_area,
    }


def reading_pages(t):
    return [
        reverse("plan_detail", args=[t["plan"].pk]),
        reverse("action_detail", args=[t["action"].pk]),
        reverse("action_history_download", args=[t["action"].pk, "csv"]),
        reverse("recommendation_list", args=[t["plan"].pk]),
        reverse("risk_list", args=[t["plan"].pk]),
        reverse("kpi_list", args=[t["plan"].pk]),
        reverse("kpi_detail", args=[t["kpi"].pk]),
        reverse("update_list", args=[t["plan"].pk]),
        reverse("update_detail", args=[t["update"].pk]),
        reverse("update_docx", args=[t["update"].pk]),
    ]


def editing_pages(t):
    return [
        reverse("plan_edit", args=[t["plan"].pk]),
        reverse("workstream_create", args=[t["plan"].pk]),
        reverse("workstream_edit", args=[t["plan"].pk, t["workstream"].pk]),
        reverse("focus_area_create", args=[t["workstream"].pk]),
        reverse("focus_area_edit", args=[t["workstream"].pk, t["focus_area"].pk]),
        reverse("action_edit", args=[t["action"].pk]),
        reverse("recommendation_decide", args=[t["recommendation"].pk]),
        reverse("risk_create", args=[t["plan"].pk]),
        reverse("risk_edit", args=[t["plan"].pk, t["risk"].pk]),
        reverse("kpi_create", args=[t["plan"].pk]),
        reverse("kpi_edit", args=[t["plan"].pk, t["kpi"].pk]),
        reverse("kpi_import", args=[t["plan"].pk]),
        reverse("update_create", args=[t["plan"].pk]),
    ]


def test_the_lead_reads_and_edits(things, lead, client_for):
    client = client_for(lead)
    for url in reading_pages(things) + editing_pages(things):
        assert client.get(url).status_code == 200, url


def test_facilitators_and_viewers_read_but_do_not_edit(things, viewer, facilitator, client_for):
    for person in (viewer, facilitator):
        client = client_for(person)
        for url in reading_pages(things):
            assert client.get(url).status_code == 200, url
        for url in editing_pages(things):
            assert client.get(url).status_code == 403, url
        for url in (
            reverse("progress_note_add", args=[things["action"].pk]),
            reverse("next_step_toggle", args=[things["step"].pk]),
        ):
            assert client.post(url, {"date": "2027-01-01", "text": "x"}).status_code == 403, url
    assert not NextStep.objects.get(pk=things["step"].pk).done


def test_another_las_lead_gets_404_everywhere_and_changes_nothing(things, outsider, client_for):
    client = client_for(outsider)
    for url in reading_pages(things) + editing_pages(things):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "Hacked", "name": "Hacked"}).status_code in (404, 405), url
    assert Plan.objects.get(pk=things["plan"].pk).title == "SEND improvement programme 2026–28"
    assert MonitoringUpdate.objects.count() == 1 and Kpi.objects.count() == 1


def test_an_action_cannot_be_put_in_another_las_focus_area(focus_area, their_plan, lead, client_for):
    theirs = their_plan.workstreams.get().focus_areas.get()
    response = client_for(lead).post(
        reverse("action_create"),
        {
            "focus_area": theirs.pk,
            "title": "Sneaky",
            "owner": "Head of SEND",
            "due": "2027-01-01",
            "status": "not_started",
            "rag": "green",
            "version": 0,
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not theirs.actions.exists()


def test_another_las_theme_cannot_be_cited(focus_area, lead, client_for, other_organisation):
    from casereview.models import VocabularyTerm

    their_theme = VocabularyTerm.objects.get(organisation=other_organisation, kind="theme", code="WORKFORCE_CAPACITY")
    assert (
        client_for(lead).get(reverse("action_create") + f"?theme={their_theme.code}").status_code == 200
    )  # their code = our code
    response = client_for(lead).post(
        reverse("action_create"),
        {
            "focus_area": focus_area.pk,
            "title": "Sneaky",
            "owner": "Head of SEND",
            "due": "2027-01-01",
            "status": "not_started",
            "rag": "green",
            "version": 0,
            "themes": [their_theme.pk],
        },
    )
    assert response.status_code == 200 and not focus_area.actions.exists()


def test_a_kpi_of_another_plan_is_not_reachable_through_this_plans_address(plan, their_plan, lead, client_for):
    theirs = Kpi.objects.create(plan=their_plan, name="Theirs", kind=KpiKind.HOW_MUCH)
    assert client_for(lead).get(reverse("kpi_edit", args=[plan.pk, theirs.pk])).status_code == 404
