"""Over-dispersion (Spiegelhalter 2005): φ from winsorised z-scores against a hand-worked example,
and what widening the limits does to the flags."""

from types import SimpleNamespace

import numpy as np
import pytest

from analytics.variation.analysis import funnel, overdispersion


def schools(counts, bases):
    return [
        SimpleNamespace(
            urn=str(100000 + i),
            name=f"School {i}",
            phase="",
            locality="",
            deprivation_decile=None,
            values={"excluded": int(c), "ehcp": int(b)},
        )
        for i, (c, b) in enumerate(zip(counts, bases))
    ]


# Ten schools of 100 pupils with 100 counted in all: expected 10%, standard error √(0.1 × 0.9 / 100) = 0.03,
# so z = (count - 10) / 3: -8/3, -5/3, -2/3, -1/3, 0, 0, 1/3, 2/3, 5/3, 8/3. Winsorised at 10% each side, the
# lowest becomes -5/3 and the highest 5/3. Squares × 9: 25 25 4 1 0 0 1 4 25 25 = 110, so φ = 110 / 90 = 11/9.
# τ²: w = 1 / 0.0009 for every school; Σw - Σw²/Σw = 10w - w = 9w = 10 000; τ² = (10 × 11/9 - 9) / 10 000 = 29/90 000.
COUNTS = [2, 5, 8, 9, 10, 10, 11, 12, 15, 18]


def test_phi_and_tau2_match_the_hand_worked_example():
    phi, tau2 = overdispersion("binomial", COUNTS, [100] * 10, 0.1)
    assert phi == pytest.approx(11 / 9, rel=1e-12)
    assert tau2 == pytest.approx(29 / 90_000, rel=1e-12)
    result = funnel(schools(COUNTS, [100] * 10), "excluded", "ehcp")
    assert result.phi == pytest.approx(11 / 9) and "1.22" in result.dispersion_note


def test_settings_that_vary_no_more_than_chance_are_not_widened_and_tau2_is_zero():
    phi, tau2 = overdispersion("binomial", [9, 10, 10, 10, 11, 10, 10, 9, 11, 10], [100] * 10, 0.1)
    assert phi < 1 and tau2 == 0
    result = funnel(
        schools([9, 10, 10, 10, 11, 10, 10, 9, 11, 10], [100] * 10), "excluded", "ehcp", widen="multiplicative"
    )
    assert result.overdispersion == "none" and "not widened" in result.dispersion_note


def over_dispersed():
    """Large schools whose true rates differ (a beta spread around 10%): over-dispersed."""
    rng = np.random.default_rng(3)
    bases = rng.integers(800, 1500, 60)
    return schools(rng.binomial(bases, rng.beta(20, 180, 60)), bases)


@pytest.mark.parametrize("widen", ["multiplicative", "additive"])
def test_widening_for_over_dispersion_flags_fewer_large_settings_and_says_what_it_means(widen):
    plain = funnel(over_dispersed(), "excluded", "ehcp")
    widened = funnel(over_dispersed(), "excluded", "ehcp", widen=widen)
    assert plain.phi > 1.5 and "more settings are flagged than the labels suggest" in plain.dispersion_note
    assert widened.overdispersion == widen and "schools usually differ by" in widened.dispersion_note
    assert (widened.settings.flag != "within").sum() < (plain.settings.flag != "within").sum()
    # Widened limits still agree with the flags.
    for row in widened.settings.itertuples():
        assert row.flag.startswith("higher") == (row.rate > row.upper_95)
        assert row.flag.startswith("lower") == (row.rate < row.lower_95)


def test_multiplicative_limits_are_sqrt_phi_times_as_far_from_the_expected_rate():
    result = funnel(over_dispersed(), "excluded", "ehcp", widen="multiplicative")
    row = result.settings.iloc[0]
    se = np.sqrt(result.expected * (1 - result.expected) / row.base)
    assert row.upper_95 == pytest.approx(result.expected + 1.959964 * np.sqrt(result.phi) * se, rel=1e-6)


def test_below_ten_schools_one_extreme_school_each_side_is_still_pulled_in():
    # Six schools of 100, expected 10%: z = (count - 10) / 3 = -8/3, -1/3, 0, 0, 1/3, 8/3. scipy's own
    # 10% trims int(0.6) = none, so the two extremes would make φ = (64 + 1 + 0 + 0 + 1 + 64) / 9 / 6.
    # Winsorised one each side: -1/3 and 1/3 at the ends, φ = (1 + 1 + 0 + 0 + 1 + 1) / 9 / 6 = 4/54.
    phi, _ = overdispersion("binomial", [2, 9, 10, 10, 11, 18], [100] * 6, 0.1)
    assert phi == pytest.approx(4 / 54, rel=1e-12)


def test_below_five_schools_phi_is_not_estimated():
    assert overdispersion("binomial", [2, 10, 10, 18], [100] * 4, 0.1) == (1.0, 0.0)
