"""Computed KPIs quote the report's own figures (the snapshot the dashboard shows), never a count of their own."""

import datetime
from decimal import Decimal

from analytics.reports import build_report
from analytics.scopes import Scope
from analytics.snapshots import compute_snapshot
from improvement import services
from improvement.models import Kpi, KpiKind
from improvement.selectors import kpi_series
from tests.fixtures import make_case
from workshops.models import BreakoutRoom, CaseAllocation, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def _reviews(organisation, term, facilitator):
    """Two workshops in different months: 3 reviews (2 not ideal, 1 no consensus) and 2 (1 not ideal)."""
    theme = term("theme", "WORKFORCE_CAPACITY")
    not_ideal = ReviewAnswer(
        True, False, [term("non_ideal_area", "TIMING_OF_SUPPORT")], term("provision", "MAINSTREAM"), [theme]
    )
    ideal = ReviewAnswer(True, True, themes=[theme])
    plan = {
        ("March reviews", datetime.date(2027, 3, 10)): [not_ideal, not_ideal, ReviewAnswer(False)],
        ("May reviews", datetime.date(2027, 5, 12)): [not_ideal, ideal],
    }
    n = 0
    for (title, day), answers in plan.items():
        workshop = Workshop.objects.create(organisation=organisation, title=title, date=day)
        room = BreakoutRoom.objects.create(workshop=workshop, name="Room 1")
        for answer in answers:
            n += 1
            allocation = CaseAllocation.objects.create(
                workshop=workshop, room=room, case=make_case(organisation, term, f"K-{n:03}")
            )
            review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)


def test_reviews_per_month_and_share_not_ideal_are_the_report_figures(plan, organisation, term, facilitator):
    _reviews(organisation, term, facilitator)
    compute_snapshot(organisation.pk, "all")
    report = build_report(organisation, Scope())
    per_workshop = {row["label"]: row for row in report["breakdowns"]["workshop"]}

    held = Kpi.objects.create(
        plan=plan, name="Case reviews held", kind=KpiKind.HOW_MUCH, source=Kpi.Source.REVIEWS_PER_MONTH
    )
    assert kpi_series(held) == [
        (datetime.date(2027, 3, 1), Decimal(per_workshop["March reviews"]["reviewed"])),
        (datetime.date(2027, 5, 1), Decimal(per_workshop["May reviews"]["reviewed"])),
    ]
    assert [value for _, value in kpi_series(held)] == [3, 2]

    share = Kpi.objects.create(
        plan=plan, name="Share not ideal", kind=KpiKind.DIFFERENCE, unit="%", source=Kpi.Source.NON_IDEAL_SHARE
    )
    assert kpi_series(share) == [
        (datetime.date(2027, 3, 10), Decimal(str(per_workshop["March reviews"]["non_ideal_share"])) * 100),
        (datetime.date(2027, 5, 12), Decimal(str(per_workshop["May reviews"]["non_ideal_share"])) * 100),
    ]
    assert [float(value) for _, value in kpi_series(share)] == [100.0, 50.0]  # no consensus stays out of the share


def test_follow_ups_done_count_per_month(plan, organisation, term, facilitator, lead):
    _reviews(organisation, term, facilitator)
    from workshops.models import CaseReview

    reviews = CaseReview.objects.filter(consensus_reached=True, ideal_outcome=False).order_by("pk")
    for review, day in zip(reviews, [datetime.date(2027, 6, 3), datetime.date(2027, 6, 20), datetime.date(2027, 7, 1)]):
        services.follow_up_add(review=review, date=day, outcome="moved", note="", by=lead)
    done = Kpi.objects.create(
        plan=plan, name="Follow-ups done", kind=KpiKind.HOW_MUCH, source=Kpi.Source.FOLLOW_UPS_DONE
    )
    assert kpi_series(done) == [(datetime.date(2027, 6, 1), 2), (datetime.date(2027, 7, 1), 1)]


def test_a_computed_kpi_takes_no_entered_value(plan, lead):
    import pytest
    from django.core.exceptions import ValidationError

    held = Kpi.objects.create(
        plan=plan, name="Case reviews held", kind=KpiKind.HOW_MUCH, source=Kpi.Source.REVIEWS_PER_MONTH
    )
    with pytest.raises(ValidationError):
        services.kpi_value_set(kpi=held, period=datetime.date(2027, 1, 1), value=Decimal(3), by=lead)
