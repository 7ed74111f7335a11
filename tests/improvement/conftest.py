"""A plan of the LA (Northshire) with one workstream, one focus area and one action, for the
improvement tests; and a plan of another LA (Southvale) for the tenancy tests."""

import datetime

import pytest

from improvement import services
from improvement.models import FocusArea, Kpi, KpiKind, Plan, Risk, Workstream
from improvement.services import ActionData


@pytest.fixture
def plan(organisation):
    return Plan.objects.create(organisation=organisation, title="SEND improvement programme 2026–28")


@pytest.fixture
def focus_area(plan):
    workstream = Workstream.objects.create(plan=plan, name="Identify–assess–meet need", position=1)
    return FocusArea.objects.create(
        workstream=workstream, ref="14", statement="The graduated response is evidenced in every school."
    )


@pytest.fixture
def action(focus_area, lead):
    return services.action_save(
        focus_area=focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(
            title="Launch a graduated response toolkit",
            owner="SEND Quality Assurance Lead",
            due=datetime.date(2027, 3, 31),
            # Rated green by the lead (a new action is Not yet rated unless someone rates it).
            rag="green",
        ),
    )


@pytest.fixture
def risk(plan):
    return Risk.objects.create(
        plan=plan,
        title="Capacity for change",
        detail="Workloads rose.",
        rag="red",
        impact="Delays.",
        mitigation="Streamline processes.",
        owner="Director of Education",
        review_date=datetime.date(2027, 1, 15),
    )


@pytest.fixture
def kpi(plan):
    return Kpi.objects.create(
        plan=plan, name="Decisions to assess within 6 weeks", kind=KpiKind.HOW_WELL, unit="%", target=90
    )


@pytest.fixture
def their_plan(other_organisation):
    """Another LA's plan, with a focus area: never to be seen or touched from Northshire."""
    plan = Plan.objects.create(organisation=other_organisation, title="Southvale plan")
    workstream = Workstream.objects.create(plan=plan, name="Culture")
    FocusArea.objects.create(workstream=workstream, ref="1", statement="Their focus area")
    return plan
