"""The demo LA gains a plan built from its own themes: RAG changes over time, two risks, three KPIs with a
year of values, follow-ups of some cases, two frozen updates; loading it again adds nothing."""

import os

import pytest
from django.core.management import call_command

from casereview.models import Organisation
from improvement.models import ActionChange, CaseFollowUp, Kpi, MonitoringUpdate, Plan


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open(os.devnull, "w"))
    return Organisation.objects.get(slug="demo")


def test_the_demo_plan_tells_a_years_story(demo):
    plan = Plan.objects.get(organisation=demo)
    assert [w.name for w in plan.workstreams.all()] == [
        "Culture",
        "Co-production",
        "Identify–assess–meet need",
        "Joint commissioning",
    ]
    rag_changes = [
        c
        for c in ActionChange.objects.filter(action__focus_area__workstream__plan=plan)
        if "RAG" in c.changes and c.version > 1
    ]
    assert len(rag_changes) >= 4
    assert plan.risks.count() == 2
    manual = plan.kpis.filter(source=Kpi.Source.MANUAL)
    # Seed 003's KPIs as LAs report them: monthly, termly and annual, one a trend only (issue 36).
    assert {kpi.frequency for kpi in manual} == {"monthly", "termly", "annual"}
    assert all(kpi.values.count() >= 3 and kpi.baseline is not None and kpi.focus_areas.exists() for kpi in manual)
    neutral = manual.get(direction=Kpi.Direction.NEUTRAL)
    assert neutral.name == "Number of requests for an EHC needs assessment" and neutral.values.count() == 12
    assert CaseFollowUp.objects.filter(review__allocation__workshop__organisation=demo).count() == 10
    september, november = MonitoringUpdate.objects.filter(plan=plan).order_by("as_of")
    rag = {u.pk: {w["name"]: w["rag"] for w in u.content["workstreams"]} for u in (september, november)}
    assert rag[september.pk]["Identify–assess–meet need"]["red"] == 0
    assert rag[november.pk]["Identify–assess–meet need"]["red"] == 1


def test_loading_the_demo_again_adds_nothing(demo, settings):
    counts = (
        Plan.objects.count(),
        ActionChange.objects.count(),
        CaseFollowUp.objects.count(),
        MonitoringUpdate.objects.count(),
    )
    call_command("demo", stdout=open(os.devnull, "w"))
    assert (
        Plan.objects.count(),
        ActionChange.objects.count(),
        CaseFollowUp.objects.count(),
        MonitoringUpdate.objects.count(),
    ) == counts
