"""Variational analysis: funnel limits, flags, groups, and the clear messages when it cannot be drawn."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from analytics.variation.analysis import AnalysisError, _limits, funnel, p_values


def setting(urn, count, base, locality="North", decile=5, **extra):
    return SimpleNamespace(
        urn=urn,
        name=f"School {urn}",
        phase="Secondary",
        locality=locality,
        deprivation_decile=decile,
        values={"excluded": count, "ehcp": base, **extra},
    )


def binomial_cdf(k, n, p):
    """Written out from the definition, independently of scipy."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(0, k + 1)) if k >= 0 else 0.0


def binomial_upper_p(k, n, p):
    return 1 - binomial_cdf(k - 1, n, p)


def limit_by_brute_force(side, level, n, p):
    """Where the exact one-sided p-value crosses the level, interpolated linearly between whole
    counts (Spiegelhalter's interpolation, and its mirror image above), by brute force."""
    if side == "lower":
        flagged = [k for k in range(n + 1) if binomial_cdf(k, n, p) < level]
        last = flagged[-1] if flagged else -1
        at, after = binomial_cdf(last, n, p), binomial_cdf(last + 1, n, p)
        return max(last + (level - at) / (after - at), 0) / n
    first = next(k for k in range(n + 2) if binomial_upper_p(k, n, p) < level)
    before, at = binomial_upper_p(first - 1, n, p), binomial_upper_p(first, n, p)
    return (first - 1 + (before - level) / (before - at)) / n


@pytest.mark.parametrize("n,p", [(20, 0.15), (50, 0.2), (100, 0.1), (7, 0.5), (10, 0.02)])
def test_binomial_limits_match_values_computed_independently(n, p):
    limits = _limits("binomial", np.array([n]), p)
    for name, side, level in (
        ("lower_998", "lower", 0.001),
        ("lower_95", "lower", 0.025),
        ("upper_95", "upper", 0.025),
        ("upper_998", "upper", 0.001),
    ):
        assert limits[name][0] == pytest.approx(limit_by_brute_force(side, level, n, p), abs=1e-9), name


def test_the_lower_limit_is_spiegelhalters_interpolated_quantile():
    n, p, q = 60, 0.2, 0.025
    r = next(k for k in range(n + 1) if binomial_cdf(k, n, p) >= q)
    below, at = binomial_cdf(r - 1, n, p), binomial_cdf(r, n, p)
    assert _limits("binomial", np.array([n]), p)["lower_95"][0] == pytest.approx(
        (r - (at - q) / (at - below)) / n, abs=1e-12
    )


def test_for_large_bases_the_limits_approach_the_normal_approximation():
    n, p = 20000, 0.1
    limits = _limits("binomial", np.array([n]), p)
    spread = math.sqrt(p * (1 - p) / n)
    assert limits["upper_95"][0] == pytest.approx(p + 1.959964 * spread, abs=3e-4)
    assert limits["lower_998"][0] == pytest.approx(p - 3.090232 * spread, abs=2e-4)


def test_limits_narrow_as_the_base_grows():
    limits = _limits("binomial", np.array([10, 100, 1000]), 0.2)
    assert list(limits["upper_95"]) == sorted(limits["upper_95"], reverse=True)
    assert list(limits["lower_95"]) == sorted(limits["lower_95"])


def test_settings_beyond_the_limits_are_flagged_and_a_setting_on_the_line_is_not():
    rows = [setting(f"10000{i}", 10, 50) for i in range(8)]  # 20% each
    rows += [setting("200001", 30, 50), setting("200002", 0, 60), setting("200003", 12, 60)]
    result = funnel(rows, "excluded", "ehcp")
    flags = dict(zip(result.settings.urn, result.settings.flag))
    assert result.model == "binomial"
    assert result.expected == pytest.approx(122 / 570)  # (8 x 10 + 30 + 0 + 12) / (8 x 50 + 50 + 60 + 60)
    assert flags["200001"] == "higher_998" and flags["200002"] == "lower_998"
    on_the_line = funnel([setting("1", 10, 50), setting("2", 20, 100)], "excluded", "ehcp")
    assert on_the_line.expected == 0.2 and set(on_the_line.settings.flag) == {"within"}


def test_the_flags_agree_with_the_drawn_limits():
    rows = [
        setting(str(100000 + i), count, base)
        for i, (count, base) in enumerate([(3, 20), (9, 20), (15, 60), (1, 60), (30, 90), (5, 40)])
    ]
    result = funnel(rows, "excluded", "ehcp")
    for row in result.settings.itertuples():
        above, below = row.rate > row.upper_95, row.rate < row.lower_95
        assert row.flag.startswith("higher") == above and row.flag.startswith("lower") == below


def test_a_share_that_some_setting_exceeds_is_a_rate_and_the_page_says_why():
    rows = [setting("1", 30, 20), setting("2", 10, 40), setting("3", 12, 40)]
    result = funnel(rows, "excluded", "ehcp")
    assert result.model == "poisson"
    assert "1 setting has more excluded than ehcp, so excluded cannot be a share of ehcp" in result.model_reason


def test_zero_and_missing_bases_and_missing_values_are_left_out_with_a_reason():
    rows = [setting("1", 5, 0), setting("2", 4, None), setting("3", None, 30), setting("4", 6, 30), setting("5", 7, 40)]
    result = funnel(rows, "excluded", "ehcp")
    assert sorted(result.left_out) == [
        ("School 1", "ehcp is 0, so there is no rate"),
        ("School 2", "no ehcp given"),
        ("School 3", "no excluded given"),
    ]
    assert list(result.settings.urn) == ["4", "5"]


def test_too_few_settings_or_a_base_equal_to_the_measure_is_a_clear_message():
    with pytest.raises(
        AnalysisError, match="At least two settings need both excluded and a ehcp above 0; this dataset has 1"
    ):
        funnel([setting("1", 5, 10), setting("2", 5, 0)], "excluded", "ehcp")
    with pytest.raises(AnalysisError, match="not the measure itself"):
        funnel([setting("1", 5, 10)], "ehcp", "ehcp")
    with pytest.raises(AnalysisError, match="no column “pupils”"):
        funnel([setting("1", 5, 10)], "excluded", "pupils")


def test_groups_are_compared_with_their_rate_and_interval():
    rows = [setting("1", 10, 50, "East"), setting("2", 20, 50, "East"), setting("3", 5, 100, "West")]
    groups = funnel(rows, "excluded", "ehcp", "locality").groups.set_index("group")
    assert groups.loc["East", "rate"] == pytest.approx(0.3) and groups.loc["East", "settings"] == 2
    assert groups.loc["West", "low"] < 0.05 < groups.loc["West", "high"]


def test_3500_settings_are_analysed_in_one_go():
    rng = np.random.default_rng(1)
    rows = [
        setting(str(100000 + i), int(c), int(b), locality=f"L{i % 9}")
        for i, (c, b) in enumerate(zip(rng.binomial(40, 0.15, 3500), np.full(3500, 40)))
    ]
    result = funnel(rows, "excluded", "ehcp", "locality")
    assert len(result.settings) == 3500 and len(result.groups) == 9


def test_a_measure_of_events_defaults_to_a_rate_per_base_whatever_the_figures():
    rows = [
        SimpleNamespace(
            urn=str(i),
            name=f"School {i}",
            phase="",
            locality="",
            deprivation_decile=None,
            values={"suspensions": count, "pupils": 100},
        )
        for i, count in enumerate([3, 5, 8])
    ]
    result = funnel(rows, "suspensions", "pupils")
    assert result.model == "poisson" and "counts events" in result.model_reason


def test_a_share_chosen_by_the_analyst_that_a_setting_exceeds_is_refused_with_the_reason():
    with pytest.raises(
        AnalysisError, match="excluded cannot be a share of ehcp: 1 setting has more excluded than ehcp"
    ):
        funnel([setting("1", 30, 20), setting("2", 10, 40)], "excluded", "ehcp", model="binomial")


def test_one_setting_above_its_base_does_not_change_the_other_settings_flags_once_the_model_is_chosen():
    rows = [setting(str(100000 + i), count, 40) for i, count in enumerate([4, 6, 8, 10, 2, 14, 5, 7])]
    before = funnel(rows, "excluded", "ehcp", model="poisson").settings.set_index("urn")
    with_one_more = funnel(rows + [setting("200000", 45, 40)], "excluded", "ehcp", model="poisson").settings.set_index(
        "urn"
    )
    expected_before, expected_after = before.expected.iloc[0], with_one_more.expected.iloc[0]
    # Only the expected rate moves (the new school adds its events); the model and the rule do not.
    for urn in before.index:
        p_upper, _ = p_values("poisson", [before.loc[urn, "count"]], [40], expected_after)
        assert with_one_more.loc[urn, "p_upper"] == pytest.approx(p_upper[0])
    assert expected_after > expected_before
