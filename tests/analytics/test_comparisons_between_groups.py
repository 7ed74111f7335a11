"""Whether workshops, rooms or provisions differ in the share not ideal: Fisher's exact test for two
groups, χ² for more, against references worked out here, with the p-value in words."""

import itertools
import math

import pytest

from analytics.reports import build_report, compare
from analytics.scopes import Scope
from tests.fixtures import make_case
from workshops.models import CaseAllocation, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def rows(*groups):
    return [
        {"key": i, "label": f"Group {i}", "analysed": ideal + non_ideal, "ideal": ideal, "non_ideal": non_ideal}
        for i, (ideal, non_ideal) in enumerate(groups)
    ]


def fisher_two_sided(a, b, c, d):
    """Sum of the hypergeometric probabilities of every table with the same margins that is no
    more likely than the one observed."""
    row1, column1, n = a + b, a + c, a + b + c + d

    def probability(x):
        return math.comb(column1, x) * math.comb(n - column1, row1 - x) / math.comb(n, row1)

    observed = probability(a)
    return sum(
        probability(x)
        for x in range(max(0, row1 + column1 - n), min(row1, column1) + 1)
        if probability(x) <= observed * (1 + 1e-7)
    )


def test_two_groups_are_compared_with_fishers_exact_test():
    result = compare(rows((5, 10), (9, 2)), "workshop")
    assert result["test"] == "fisher_exact" and result["groups"] == 2 and result["analysed"] == 26
    assert result["p_value"] == pytest.approx(fisher_two_sided(5, 10, 9, 2), rel=1e-9)
    assert result["p_value"] < 0.05
    assert result["words"].startswith(
        f"Fisher's exact test, p = {result['p_value']:.3f}: if the workshops did not really differ"
    )
    assert result["words"].endswith("unlikely to be chance alone.")


def test_three_groups_are_compared_with_chi_squared():
    groups = ((10, 10), (12, 8), (5, 15))
    result = compare(rows(*groups), "room")
    # Expected counts from the margins: 27 ideal and 33 not ideal of 60, 20 in each group.
    expected_ideal, expected_not = 20 * 27 / 60, 20 * 33 / 60
    statistic = sum(
        (i - expected_ideal) ** 2 / expected_ideal + (n - expected_not) ** 2 / expected_not for i, n in groups
    )
    assert result["test"] == "chi_squared" and result["dof"] == 2
    assert result["statistic"] == pytest.approx(statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(math.exp(-statistic / 2), rel=1e-9)  # χ² with 2 degrees of freedom
    assert "it could well be chance" in result["words"] and "about 7 times in 100" in result["words"]
    assert result["small_expected"] is False


def exact_permutation_p_value(groups):
    """Every table with the same margins (ideal counts per group, summing to the total ideal), each
    with its multivariate hypergeometric probability: the share of them whose χ² is at least the
    observed one. Exact, by enumeration; only for small tables."""
    sizes = [ideal + not_ideal for ideal, not_ideal in groups]
    total, ideal_total = sum(sizes), sum(ideal for ideal, _ in groups)

    def chi2(ideals):
        value = 0.0
        for size, ideal in zip(sizes, ideals):
            expected = size * ideal_total / total
            value += (ideal - expected) ** 2 / expected + ((size - ideal) - (size - expected)) ** 2 / (size - expected)
        return value

    observed = chi2([ideal for ideal, _ in groups])
    p = 0.0
    for ideals in itertools.product(*(range(size + 1) for size in sizes)):
        if sum(ideals) == ideal_total and chi2(ideals) >= observed - 1e-9:
            ways = math.prod(math.comb(size, ideal) for size, ideal in zip(sizes, ideals))
            p += ways / math.comb(total, ideal_total)
    return p


def test_few_reviews_per_group_give_a_permutation_p_value_said_as_such():
    groups = ((1, 2), (2, 1), (0, 3))
    result = compare(rows(*groups), "provision")
    assert result["small_expected"] is True and result["small_expected_share"] == 1.0
    assert result["test"] == "chi_squared_permutation" and result["draws"] >= 10_000
    assert result["p_value"] == pytest.approx(exact_permutation_p_value(groups), abs=0.01)
    assert result["asymptotic_p_value"] == pytest.approx(0.2231, abs=1e-3)  # scipy's χ², kept beside it
    assert "permutation test (20,000 random reshufflings" in result["words"]
    assert "approximation is rough" not in result["words"]
    assert compare(rows(*groups), "provision")["p_value"] == result["p_value"]  # seeded: the same every time


def test_seven_rooms_with_tiny_expected_counts_are_tested_by_permutation():
    groups = ((2, 1), (1, 2), (3, 1), (0, 2), (2, 2), (1, 1), (2, 0))
    result = compare(rows(*groups), "room")
    assert result["test"] == "chi_squared_permutation"
    assert result["p_value"] == pytest.approx(exact_permutation_p_value(groups), abs=0.012)


def test_a_few_small_expected_counts_keep_the_chi_squared_distribution_with_a_warning():
    # 1 cell of 8 (12.5%) expected under 5: Cochran's rule allows the χ² distribution.
    result = compare(rows((20, 20), (20, 20), (20, 20), (1, 9)), "provision")
    assert result["test"] == "chi_squared" and result["small_expected_share"] == 0.125
    assert "the χ² approximation is rough" in result["words"]


def test_nothing_to_compare_is_said_plainly():
    assert (
        compare(rows((3, 4)), "workshop")["words"]
        == "Fewer than two workshops have analysed reviews: there is nothing to compare."
    )
    assert (
        compare(rows((3, 0), (4, 0)), "room")["words"]
        == "Every analysed review was ideal: there is no difference between rooms to test."
    )
    assert compare(rows((3, 4), (0, 0)), "room")["test"] is None  # a room without analysed reviews is not a group


def test_the_report_compares_workshops_rooms_and_provisions_and_warns_about_many_tests(
    organisation, term, workshop, room, facilitator
):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=workshop.date)
    for n, (where, ideal) in enumerate(
        [(workshop, True)] * 6 + [(workshop, False)] + [(later, False)] * 6 + [(later, True)]
    ):
        allocation = CaseAllocation.objects.create(
            workshop=where, case=make_case(organisation, term, f"C-{n}"), room=room if where == workshop else None
        )
        answer = ReviewAnswer(
            True,
            ideal,
            [] if ideal else [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            None if ideal else term("provision", "MAINSTREAM"),
            [term("theme", "WORKFORCE_CAPACITY")],
        )
        review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)
    figures = build_report(organisation, Scope())
    by = {c["by"]: c for c in figures["comparisons"]}
    assert set(by) == {"workshop", "room", "provision"}
    assert by["workshop"]["p_value"] == pytest.approx(fisher_two_sided(6, 1, 1, 6), rel=1e-9)
    assert by["room"]["test"] is None  # one room has reviews
    assert "one in twenty would show p below 0.05 by chance alone" in figures["comparisons_warning"]
