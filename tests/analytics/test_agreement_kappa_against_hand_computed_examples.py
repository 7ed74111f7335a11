"""κ and its interval, against examples computed by hand (analytics/agreement.py; docs/design.md,
“Report definitions”).

Cohen's κ = (p_o − p_e) / (1 − p_e): p_o the share of cases the two rooms agree on, p_e the
agreement chance alone gives from each room's own shares. Its 95% interval is κ ± 1.96·SE with
the large-sample variance of Fleiss, Cohen and Everitt (1969), as statsmodels computes it. κ
needs 10 cases at least (MIN_CASES): the hand-worked examples are repeated to reach it, which
leaves κ as it is and narrows the interval by the square root of the repeats."""

import math

import numpy as np
import pytest
from statsmodels.stats.inter_rater import fleiss_kappa

from analytics.agreement import OUTCOME_CATEGORIES, agreement_figures, fleiss_kappa_of_counts, reading

I, N, C = "ideal", "not_ideal", "no_consensus"  # noqa: E741 - the letters of the answers, as written by hand


def test_perfect_agreement_is_kappa_one_with_an_interval_that_does_not_collapse():
    figures = agreement_figures([[I, I], [N, N], [C, C], [N, N]] * 3, OUTCOME_CATEGORIES)
    # p_o = 1; p_e = (1/4)² + (2/4)² + (1/4)² = 6/16; κ = 1 and the asymptotic variance is 0. The
    # interval then comes from Wilson's for 12 agreed of 12: low = 12 / (12 + 1.96²) = 0.7575, and
    # κ's low = (0.7575 − 6/16) / (1 − 6/16) = 0.612.
    assert figures["method"] == "cohen" and figures["kappa"] == 1.0
    assert figures["ci95"] == pytest.approx([(12 / (12 + 1.959964**2) - 6 / 16) / (10 / 16), 1.0], abs=1e-4)
    assert figures["interval_method"] == "wilson"
    assert (figures["cases"], figures["agreed"], figures["percent"]) == (12, 12, 1.0)
    assert figures["reading"] == "almost perfect agreement beyond chance" and figures["reason"] is None


def test_agreement_at_chance_level_is_kappa_zero_with_its_interval():
    figures = agreement_figures([[I, I], [I, N], [N, I], [N, N]] * 3, OUTCOME_CATEGORIES)
    # p_o = 2/4, p_e = ½·½ + ½·½ = ½, κ = 0. Variance: term A = Σ p_ii (1 − (p_i. + p_.i)(1 − κ))² = 0;
    # term B = (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)² = 2 · ¼ · 1² = ½; term C = (κ − p_e(1 − κ))² = ¼;
    # var = (A + B − C) / (1 − p_e)² / n = ¼ / ¼ / 12 = 1/12, SE = 0.2887, so 0 ± 1.96 · 0.2887.
    assert figures["kappa"] == 0.0 and figures["percent"] == 0.5
    assert figures["ci95"] == pytest.approx([-0.5658, 0.5658], abs=1e-4)
    assert figures["reading"] == "slight agreement beyond chance"


def test_a_kappa_between_the_two_is_computed_as_by_hand():
    # 5 cases: first room N N N N I, second N N I N I. p_o = 4/5; first room: N 4/5, I 1/5; second: N 3/5, I 2/5.
    figures = agreement_figures([[N, N], [N, N], [N, I], [N, N], [I, I]] * 2, OUTCOME_CATEGORIES)
    p_o, p_e = 4 / 5, (4 / 5) * (3 / 5) + (1 / 5) * (2 / 5)
    assert figures["kappa"] == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-4)  # 0.5455
    assert figures["reading"] == "moderate agreement beyond chance"
    low, high = figures["ci95"]
    assert low < figures["kappa"] < high


def test_one_category_only_gives_no_kappa_but_says_why():
    figures = agreement_figures([[I, I]] * 12, OUTCOME_CATEGORIES)
    # p_e = 1: chance alone agrees every time, κ = 0/0.
    assert figures["kappa"] is None and figures["ci95"] is None and figures["percent"] == 1.0
    assert (
        figures["reason"]
        == "Every answer was the same (Ideal), so chance alone would agree every time: κ is not defined."
    )


def test_two_rooms_with_no_case_in_common_are_not_enough_cases():
    figures = agreement_figures([[I], [N]], OUTCOME_CATEGORIES)  # each case answered by one room only
    assert figures["cases"] == 0 and figures["percent"] is None
    assert figures["kappa"] is None and figures["ci95"] is None
    assert figures["reason"] == (
        "Too few cases to estimate agreement beyond chance: κ needs at least 10 cases that two or more rooms "
        "reviewed (there are 0)."
    )


def test_one_case_in_common_is_not_enough_either():
    figures = agreement_figures([[I, N]], OUTCOME_CATEGORIES)
    assert figures["kappa"] is None and "(there is 1)" in figures["reason"]


@pytest.mark.parametrize(
    "ratings",
    [
        [[I, N], [N, I]],  # the outsider's two cases, both disagreed: once "κ = 0.00 (0.00 to 0.00)"
        [[I, I], [N, N], [I, I]],  # three cases, all agreed: once "κ 1.00 (1.00 to 1.00)"
        [[I, I], [N, N], [I, N], [N, N], [I, I], [C, C], [N, I], [I, I], [N, N]],  # nine
    ],
)
def test_fewer_than_ten_cases_give_the_percent_agreement_and_no_kappa(ratings):
    figures = agreement_figures(ratings, OUTCOME_CATEGORIES)
    assert figures["kappa"] is None and figures["ci95"] is None and figures["reading"] == ""
    assert figures["percent"] is not None and figures["cases"] == len(ratings)
    assert figures["reason"].startswith("Too few cases to estimate agreement beyond chance")


def test_three_rooms_use_fleiss_kappa_as_by_hand():
    # Case 1: I I I (P₁ = 1); case 2: I N N (P₂ = (1 + 4 − 3) / (3·2) = 1/3); P̄ = 2/3.
    # p_I = 4/6, p_N = 2/6, P_e = 16/36 + 4/36 = 5/9; κ = (2/3 − 5/9) / (4/9) = 1/4.
    figures = agreement_figures([[I, I, I], [I, N, N]] * 5, OUTCOME_CATEGORIES)
    assert figures["method"] == "fleiss" and figures["kappa"] == 0.25
    assert (figures["agreed"], figures["cases"]) == (5, 10)
    assert figures["ci95"] is not None and figures["ci95"][0] <= 0.25 <= figures["ci95"][1]


def test_fleiss_kappa_with_different_numbers_of_rooms_as_by_hand():
    # A calibration case all three rooms reviewed (I I N: P = (4 + 1 − 3) / 6 = 1/3) beside two double
    # reviews (N N: P = 1; I N: P = 0). P̄ = 4/9; p_I = 3/7, p_N = 4/7, P_e = 25/49;
    # κ = (4/9 − 25/49) / (24/49) = (196 − 225) / 441 / (24/49) = −29/216.
    table = np.array([[2, 1], [0, 2], [1, 1]], dtype=float)
    assert fleiss_kappa_of_counts(table) == pytest.approx(-29 / 216)
    figures = agreement_figures([[I, I, N], [N, N], [I, N]] * 4, OUTCOME_CATEGORIES)
    assert figures["kappa"] == pytest.approx(-29 / 216, abs=1e-4)
    assert figures["reading"] == "less agreement than chance would give"


def test_with_the_same_number_of_rooms_everywhere_it_is_statsmodels_fleiss_kappa():
    table = np.array([[3, 0, 0], [1, 2, 0], [0, 1, 2], [0, 0, 3]], dtype=float)
    raters = table.sum(axis=1)
    by_hand = (((table * table).sum(axis=1) - raters) / (raters * (raters - 1))).mean() - (
        (table.sum(axis=0) / table.sum()) ** 2
    ).sum()
    by_hand /= 1 - ((table.sum(axis=0) / table.sum()) ** 2).sum()
    assert fleiss_kappa_of_counts(table) == pytest.approx(fleiss_kappa(table)) == pytest.approx(by_hand)


def test_the_fleiss_interval_is_the_same_every_time():
    ratings = [[I, I, I], [I, N, N], [N, N, N], [C, N, N], [I, I, N]] * 2
    assert (
        agreement_figures(ratings, OUTCOME_CATEGORIES)["ci95"] == agreement_figures(ratings, OUTCOME_CATEGORIES)["ci95"]
    )


@pytest.mark.parametrize(
    "kappa,words",
    [
        (-0.1, "less agreement than chance would give"),
        (0.1, "slight agreement beyond chance"),
        (0.3, "fair agreement beyond chance"),
        (0.5, "moderate agreement beyond chance"),
        (0.7, "substantial agreement beyond chance"),
        (0.9, "almost perfect agreement beyond chance"),
    ],
)
def test_kappa_is_read_in_plain_words(kappa, words):
    assert reading(kappa) == words


def test_the_interval_never_leaves_minus_one_to_one():
    figures = agreement_figures([[I, N], [N, I], [I, I]] * 4, OUTCOME_CATEGORIES)
    assert -1 <= figures["ci95"][0] <= figures["kappa"] <= figures["ci95"][1] <= 1
    assert not math.isnan(figures["kappa"])
