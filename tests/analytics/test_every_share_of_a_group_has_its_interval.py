"""Every share of a group has its 95% Wilson interval (docs/design.md, “Report definitions”): the
outcome, each provision, each breakdown, each area and each theme (as a barrier and as an enabler,
each over its own base). The reference is the Wilson formula written out here, not the library's."""

import math

import pytest

from analytics.reports import build_report
from analytics.scopes import Scope
from tests.fixtures import make_case
from workshops.models import CaseAllocation
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def wilson(successes, n, z=1.959964):
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 4), round(centre + half, 4)]


@pytest.fixture
def figures(organisation, term, workshop, room, facilitator):
    """Seven reviews in MSS (2 ideal) and three in mainstream (2 ideal); parental confidence named
    in 4 of the 6 non-ideal and 1 of the 4 ideal."""
    plan = (
        [("MSS", True, ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"])]
        + [("MSS", True, ["WORKFORCE_CAPACITY"])]
        + [("MSS", False, ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"])] * 4
        + [("MSS", False, ["WORKFORCE_CAPACITY"])]
        + [("MAINSTREAM", True, ["WORKFORCE_CAPACITY"])] * 2
        + [("MAINSTREAM", False, ["WORKFORCE_CAPACITY"])]
    )
    for n, (provision, ideal, themes) in enumerate(plan):
        allocation = CaseAllocation.objects.create(
            workshop=workshop, room=room, case=make_case(organisation, term, f"C-{n}", provision)
        )
        areas = (
            [term("non_ideal_area", "TYPE_OF_PROVISION")]
            if not ideal and n % 2
            else [term("non_ideal_area", "TIMING_OF_SUPPORT")]
        )
        answer = ReviewAnswer(
            True,
            ideal,
            [] if ideal else areas,
            None if ideal else term("provision", "MAINSTREAM"),
            [term("theme", code) for code in themes],
        )
        review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)
    return build_report(organisation, Scope())


def by_code(rows, key="code"):
    return {row[key]: row for row in rows}


def test_the_outcome_and_each_provision_have_their_interval(figures):
    assert figures["outcome"]["ci95"] == wilson(6, 10) and figures["outcome"]["ci95_of"] == "non_ideal_share"
    assert figures["outcome"]["ideal_ci95"] == wilson(4, 10)
    provision = by_code(figures["provision"])
    assert (provision["MSS"]["ci95"], provision["MSS"]["ci95_of"]) == (wilson(2, 7), "ideal_share")
    assert provision["MAINSTREAM"]["ci95"] == wilson(2, 3)


def test_each_breakdown_row_has_the_interval_of_its_share_not_ideal(figures):
    by_provision = by_code(figures["breakdowns"]["provision"], "key")
    assert (by_provision["MSS"]["ci95"], by_provision["MSS"]["ci95_of"]) == (wilson(5, 7), "non_ideal_share")
    assert figures["breakdowns"]["workshop"][0]["ci95"] == wilson(6, 10)


def test_areas_have_the_interval_of_their_share_of_non_ideal_reviews(figures):
    areas = by_code(figures["non_ideal_areas"])
    named = areas["TYPE_OF_PROVISION"]["count"]
    assert areas["TYPE_OF_PROVISION"]["ci95"] == wilson(named, 6)
    assert areas["TRANSITION"]["ci95"] == wilson(0, 6)


def test_themes_are_split_into_barriers_and_enablers_each_over_its_own_base(figures):
    parental = by_code(figures["themes"])["PARENTAL_CONFIDENCE_IN_MAINSTREAM"]
    assert (parental["count"], parental["share"], parental["ci95"]) == (
        5,
        0.5,
        wilson(5, 10),
    )  # over every analysed review, as before
    assert (parental["barrier_count"], parental["barrier_n"], parental["barrier_share"]) == (4, 6, 0.6667)
    assert parental["barrier_ci95"] == wilson(4, 6)
    assert (parental["enabler_count"], parental["enabler_n"], parental["enabler_share"]) == (1, 4, 0.25)
    assert (
        parental["enabler_ci95"] == wilson(1, 4)
        and parental["enabler_small"] is True
        and parental["barrier_small"] is False
    )


def test_the_dbv_summary_gives_each_provision_with_its_interval_and_where_the_others_would_be_better_supported(figures):
    summary = by_code(figures["dbv_summary"]["rows"])
    mss = summary["MSS"]
    assert (mss["reviewed"], mss["ideal"], mss["non_ideal"], mss["ideal_share"], mss["ci95"]) == (
        7,
        2,
        5,
        0.2857,
        wilson(2, 7),
    )
    assert mss["better"] == [{"code": "MAINSTREAM", "label": "Mainstream school or academy", "count": 5}]
    total = figures["dbv_summary"]["total"]
    assert (total["reviewed"], total["ideal"], total["non_ideal"], total["ci95"]) == (10, 4, 6, wilson(4, 10))


def test_the_dashboard_shows_the_dbv_summary_and_the_comparisons(figures, organisation, client_for, viewer):
    from analytics.snapshots import compute_snapshot

    compute_snapshot(organisation.pk, "all")
    page = client_for(viewer).get("/dashboards/").content.decode()
    assert 'id="table-dbv-summary"' in page and "Mainstream school or academy (5)" in page
    assert 'id="table-comparisons"' in page and "one in twenty would show p below 0.05" in page
    assert "a <strong>barrier</strong>" in page
