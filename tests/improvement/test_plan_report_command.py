"""`manage.py plan_report` prints the plan as it stands now, or as at a date (--as-of), as JSON of a fixed
shape or as text; every action with its rating and the previous update's."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from improvement import services
from improvement.models import Action, ActionChange, ActionStatus, Kpi, KpiKind, Plan
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
    assert set(report) == {
        "plan",
        "as_of",
        "workstreams",
        "overdue_actions",
        "actions",
        "risks",
        "kpis",
        "themes_without_action",
    }
    assert report["plan"] == "SEND improvement programme 2026–28"
    assert report["workstreams"] == [
        {
            "name": "Identify–assess–meet need",
            "focus_areas": 1,
            "actions": 1,
            "rag": {"red": 0, "amber": 1, "green": 0},
            "ratings": {"red": 0, "amber": 1, "green": 0, "blue": 0, "not_rated": 0},
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


# --- --as-of and every action ------------------------------------------------------------------------


def _at(action, when: datetime.datetime):
    """Date the action's last save (and, for its first, its creation) as if it happened ``when``."""
    change = action.changes.order_by("-version").first()
    ActionChange.objects.filter(pk=change.pk).update(changed_at=when)
    if change.version == 1:
        Action.objects.filter(pk=action.pk).update(created_at=when)


def _day(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 12))


def _save(action, lead, **changes):
    data = {"title": action.title, "owner": action.owner, "due": action.due, "status": action.status}
    data.update(changes)
    return services.action_save(
        focus_area=action.focus_area, action=action, by=lead, expected_version=action.version, data=ActionData(**data)
    )


def test_every_action_is_listed_as_at_a_date_with_the_previous_updates_rating(action, lead, organisation):
    plan = action.focus_area.workstream.plan
    _at(action, _day(2027, 1, 10))  # created 10 January, green
    action = _save(Action.objects.get(pk=action.pk), lead, rag="amber", issue="Late.", mitigation="Chase.")
    _at(action, _day(2027, 2, 10))  # amber from 10 February
    update = services.update_freeze(
        plan=plan, title="February", as_of=datetime.date(2027, 2, 28), highlights="", by=lead
    )
    assert update.content["workstreams"][0]["focus_areas"][0]["actions"][0]["rating"] == "amber"
    action = _save(Action.objects.get(pk=action.pk), lead, rag="green", status=ActionStatus.DONE)
    _at(action, _day(2027, 4, 15))  # complete from 15 April
    later = Action.objects.create(
        focus_area=action.focus_area, ref="1.B", title="Train SENCOs", owner="", due=datetime.date(2027, 5, 1)
    )
    Action.objects.filter(pk=later.pk).update(created_at=_day(2027, 5, 1))

    def report(as_of):
        return json.loads(_run("--org", "northshire", "--format", "json", "--as-of", as_of))

    january = report("2027-01-31")
    assert january["as_of"] == "2027-01-31"
    assert january["actions"] == [
        {
            "ref": "",
            "title": "Launch a graduated response toolkit",
            "workstream": "Identify–assess–meet need",
            "focus_area_ref": "14",
            "owner": "SEND Quality Assurance Lead",
            "due_date": "2027-03-31",
            "status": "not_started",
            "rag": "green",
            "previous_rag": None,
            "overdue": False,
        }
    ]
    assert january["workstreams"][0]["rag"] == {"red": 0, "amber": 0, "green": 1}
    assert january["workstreams"][0]["actions"] == 1

    april = report("01/04/2027")  # after the due date, before it was completed: overdue and amber
    (row,) = april["actions"]
    assert (row["rag"], row["previous_rag"], row["status"], row["overdue"]) == ("amber", "amber", "not_started", True)
    assert april["overdue_actions"] == [
        {"title": action.title, "owner": action.owner, "due": "2027-03-31", "rag": "amber"}
    ]
    assert april["workstreams"][0]["rag"] == {"red": 0, "amber": 1, "green": 0}

    may = report("2027-05-02")
    assert [(a["ref"], a["rag"], a["previous_rag"], a["status"], a["overdue"]) for a in may["actions"]] == [
        ("1.B", "", None, "not_started", True),
        ("", "blue", "amber", "done", False),
    ]
    assert may["actions"][0]["owner"] == "" and may["actions"][0]["focus_area_ref"] == "14"
    assert may["overdue_actions"] == [{"title": "Train SENCOs", "owner": "", "due": "2027-05-01", "rag": ""}]

    text = _run("--org", "northshire", "--as-of", "2027-05-02")
    assert "As at 2027-05-02" in text
    assert "Identify–assess–meet need / 14: 1.B Train SENCOs (no owner, due 2027-05-01, not_started, overdue)" in text


def test_the_default_as_of_is_today(action, organisation):
    report = json.loads(_run("--org", "northshire", "--format", "json"))
    assert report["as_of"] == timezone.localdate().isoformat()
    assert [a["title"] for a in report["actions"]] == [action.title]


def test_a_bad_as_of_date_is_explained(plan, organisation):
    with pytest.raises(CommandError, match="--as-of 'next week' is not a date: write it as 2027-03-31"):
        _run("--org", "northshire", "--as-of", "next week")
