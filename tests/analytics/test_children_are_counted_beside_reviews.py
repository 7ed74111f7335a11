"""A child reviewed in two workshops is two reviews of one child: every count of reviews has the
count of distinct children beside it."""

from analytics.reports import build_report
from analytics.scopes import Scope
from analytics.snapshots import compute_snapshot
from tests.fixtures import make_case
from workshops.models import CaseAllocation, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def review(organisation, term, workshop, case, ideal, room=None, facilitator=None):
    allocation = CaseAllocation.objects.create(workshop=workshop, case=case, room=room)
    answer = ReviewAnswer(
        True,
        ideal,
        [] if ideal else [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        None if ideal else term("provision", "MAINSTREAM"),
        [term("theme", "WORKFORCE_CAPACITY")],
    )
    return review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)


def test_a_child_reviewed_in_two_workshops_is_two_reviews_of_one_child(organisation, term, workshop, facilitator):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=workshop.date)
    returning = make_case(organisation, term, "C-001")
    review(organisation, term, workshop, returning, ideal=False, facilitator=facilitator)
    review(organisation, term, later, returning, ideal=False, facilitator=facilitator)
    for n in (2, 3, 4):
        review(
            organisation,
            term,
            workshop,
            make_case(organisation, term, f"C-00{n}"),
            ideal=n != 4,
            facilitator=facilitator,
        )
    figures = build_report(organisation, Scope())
    assert (figures["reviewed"], figures["children"]) == (5, 4)
    assert (figures["outcome"]["n"], figures["outcome"]["children"]) == (5, 4)
    mss = next(row for row in figures["provision"] if row["code"] == "MSS")
    assert (mss["reviewed"], mss["children"]) == (5, 4)
    timing = next(row for row in figures["non_ideal_areas"] if row["code"] == "TIMING_OF_SUPPORT")
    assert (timing["count"], timing["children"]) == (3, 2)
    assert next(row for row in figures["themes"] if row["code"] == "WORKFORCE_CAPACITY")["children"] == 4
    by_phase = figures["breakdowns"]["phase"][0]
    assert (by_phase["analysed"], by_phase["children"]) == (5, 4)
    # Each workshop alone holds the child once.
    assert sorted((w["analysed"], w["children"]) for w in figures["breakdowns"]["workshop"]) == [(1, 1), (4, 4)]
    assert figures["dbv_summary"]["total"]["children"] == 4


def test_the_dashboard_headline_says_reviews_and_children(
    organisation, term, workshop, facilitator, client_for, viewer
):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=workshop.date)
    returning = make_case(organisation, term, "C-001")
    review(organisation, term, workshop, returning, ideal=False, facilitator=facilitator)
    review(organisation, term, later, returning, ideal=True, facilitator=facilitator)
    compute_snapshot(organisation.pk, "all")
    page = client_for(viewer).get("/dashboards/").content.decode()
    assert "Of 2 reviews of 1 child the rooms agreed on" in page
