"""`manage.py plan_report` prints the plan as it stands now, as JSON of a fixed shape or as text."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from improvement import services
from improvement.models import Kpi, KpiKind, Plan
from improvement.services import ActionData


def _run(*args):
    out = io.StringIO()
    call_command("plan_report", *args, stdout=out)
    return out.getvalue()


def test_the_json_has_the_documented_shape_and_the_plans_figures(action, risk, kpi, lead, organisation, term):
    services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=1,
        data=ActionData(
            title=action.title,
            owner=action.owner,
            due=datetime.date(2020, 1, 31),
            rag="amber",
            issue="Late.",
            mitigation="Chase.",
            themes=[term("theme", "WORKFORCE_CAPACITY")],
        ),
    )
    services.kpi_value_set(kpi=kpi, period=datetime.date(2027, 1, 1), value=85, by=lead)
    report = json.loads(_run("--org", "northshire", "--format", "json"))
    assert set(report) == {"plan", "as_of", "workstreams", "overdue_actions", "risks", "kpis", "themes_without_action"}
    assert report["plan"] == "SEND improvement programme 2026–28"
    assert report["workstreams"] == [
        {
            "name": "Identify–assess–meet need",
            "focus_areas": 1,
            "actions": 1,
            "rag": {"red": 0, "amber": 1, "green": 0},
            "overdue": 1,
        }
    ]
    assert report["overdue_actions"] == [
        {"title": action.title, "owner": action.owner, "due": "2020-01-31", "rag": "amber"}
    ]
    assert report["risks"] == {"red": 1, "amber": 0, "green": 0}
    assert report["kpis"] == [
        {
            "name": kpi.name,
            "kind": "how_well",
            "unit": "%",
            "target": 90,
            "latest": {"period": "2027-01-01", "value": 85},
            "rag": "amber",
        }
    ]
    assert term("theme", "WORKFORCE_CAPACITY").label not in report["themes_without_action"]
    assert term("theme", "TRANSITION_BETWEEN_SETTINGS").label in report["themes_without_action"]


def test_the_text_says_the_same(action, risk, organisation):
    text = _run("--org", "northshire", "--plan", "send improvement programme 2026–28")
    assert "Identify–assess–meet need: 1 focus areas, 1 actions, 0 red / 0 amber / 1 green" in text
    assert "Open risks: 1 red, 0 amber, 0 green" in text


def test_bad_arguments_are_explained(plan, organisation):
    with pytest.raises(CommandError, match="no organisation with the slug 'nowhere'"):
        _run("--org", "nowhere")
    with pytest.raises(CommandError, match="no plan called 'Other'.*SEND improvement programme"):
        _run("--org", "northshire", "--plan", "Other")
    Plan.objects.create(organisation=organisation, title="Accelerated Progress Plan")
    with pytest.raises(CommandError, match="has 2 plans: say which with --plan"):
        _run("--org", "northshire")


def test_another_las_plan_is_not_found_by_its_title(their_plan, organisation):
    with pytest.raises(CommandError, match="has no plan"):
        _run("--org", "northshire", "--plan", "Southvale plan")


def test_a_kpi_without_values_has_no_latest_and_no_rag(plan, organisation):
    Kpi.objects.create(plan=plan, name="Annual reviews completed", kind=KpiKind.HOW_MUCH, target=100)
    report = json.loads(_run("--org", "northshire", "--format", "json"))
    assert report["kpis"][0]["latest"] is None and report["kpis"][0]["rag"] is None
