"""Variational analysis: funnel limits, flags, groups, and the clear messages when it cannot be drawn."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from analytics.variation import AnalysisError, _limits, funnel


def setting(urn, count, base, locality="North", decile=5, **extra):
    return SimpleNamespace(urn=urn, name=f"School {urn}", phase="Secondary", locality=locality, deprivation_decile=decile,
                           values={"suspended": count, "ehcp": base, **extra})


def binomial_cdf(k, n, p):
    """Written out from the definition, independently of scipy."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(0, k + 1)) if k >= 0 else 0.0


def interpolated_limit(q, n, p):
    """Spiegelhalter's interpolated exact limit, computed by brute force."""
    r = next(k for k in range(n + 1) if binomial_cdf(k, n, p) >= q)
    below, at = binomial_cdf(r - 1, n, p), binomial_cdf(r, n, p)
    alpha = (at - q) / (at - below) if at > below else 0.0
    return max(r - alpha, 0) / n


@pytest.mark.parametrize("n,p", [(20, 0.15), (50, 0.2), (100, 0.1), (7, 0.5)])
def test_binomial_limits_match_values_computed_independently(n, p):
    limits = _limits("binomial", np.array([n]), p)
    for name, q in (("lower_998", 0.001), ("lower_95", 0.025), ("upper_95", 0.975), ("upper_998", 0.999)):
        assert limits[name][0] == pytest.approx(interpolated_limit(q, n, p), abs=1e-9), name


def test_for_large_bases_the_limits_approach_the_normal_approximation():
    n, p = 20000, 0.1
    limits = _limits("binomial", np.array([n]), p)
    spread = math.sqrt(p * (1 - p) / n)
    assert limits["upper_95"][0] == pytest.approx(p + 1.959964 * spread, abs=2e-4)
    assert limits["lower_998"][0] == pytest.approx(p - 3.090232 * spread, abs=2e-4)


def test_limits_narrow_as_the_base_grows():
    limits = _limits("binomial", np.array([10, 100, 1000]), 0.2)
    assert list(limits["upper_95"]) == sorted(limits["upper_95"], reverse=True)
    assert list(limits["lower_95"]) == sorted(limits["lower_95"])


def test_settings_beyond_the_limits_are_flagged_and_a_setting_on_the_line_is_not():
    rows = [setting(f"10000{i}", 10, 50) for i in range(8)]  # 20% each
    rows += [setting("200001", 30, 50), setting("200002", 0, 60), setting("200003", 12, 60)]
    result = funnel(rows, "suspended", "ehcp")
    flags = dict(zip(result.settings.urn, result.settings.flag))
    assert result.model == "binomial"
    assert result.expected == pytest.approx(122 / 570)  # (8 x 10 + 30 + 0 + 12) / (8 x 50 + 50 + 60 + 60)
    assert flags["200001"] == "higher_998" and flags["200002"] == "lower_998"
    on_the_line = funnel([setting("1", 10, 50), setting("2", 20, 100)], "suspended", "ehcp")
    assert on_the_line.expected == 0.2 and set(on_the_line.settings.flag) == {"within"}


def test_the_flags_agree_with_the_drawn_limits():
    rows = [setting(str(100000 + i), count, base) for i, (count, base) in enumerate([(3, 20), (9, 20), (15, 60), (1, 60), (30, 90), (5, 40)])]
    result = funnel(rows, "suspended", "ehcp")
    for row in result.settings.itertuples():
        above, below = row.rate > row.upper_95, row.rate < row.lower_95
        assert row.flag.startswith("higher") == above and row.flag.startswith("lower") == below


def test_a_measure_that_can_exceed_its_base_uses_the_poisson_model():
    rows = [setting("1", 30, 20), setting("2", 10, 40), setting("3", 12, 40)]
    assert funnel(rows, "suspended", "ehcp").model == "poisson"


def test_zero_and_missing_bases_and_missing_values_are_left_out_with_a_reason():
    rows = [setting("1", 5, 0), setting("2", 4, None), setting("3", None, 30), setting("4", 6, 30), setting("5", 7, 40)]
    result = funnel(rows, "suspended", "ehcp")
    assert sorted(result.left_out) == [("School 1", "ehcp is 0, so there is no rate"), ("School 2", "no ehcp given"), ("School 3", "no suspended given")]
    assert list(result.settings.urn) == ["4", "5"]


def test_too_few_settings_or_a_base_equal_to_the_measure_is_a_clear_message():
    with pytest.raises(AnalysisError, match="At least two settings need both suspended and a ehcp above 0; this dataset has 1"):
        funnel([setting("1", 5, 10), setting("2", 5, 0)], "suspended", "ehcp")
    with pytest.raises(AnalysisError, match="not the measure itself"):
        funnel([setting("1", 5, 10)], "ehcp", "ehcp")
    with pytest.raises(AnalysisError, match="no column “pupils”"):
        funnel([setting("1", 5, 10)], "suspended", "pupils")


def test_groups_are_compared_with_their_rate_and_interval():
    rows = [setting("1", 10, 50, "East"), setting("2", 20, 50, "East"), setting("3", 5, 100, "West")]
    groups = funnel(rows, "suspended", "ehcp", "locality").groups.set_index("group")
    assert groups.loc["East", "rate"] == pytest.approx(0.3) and groups.loc["East", "settings"] == 2
    assert groups.loc["West", "low"] < 0.05 < groups.loc["West", "high"]


def test_3500_settings_are_analysed_in_one_go():
    rng = np.random.default_rng(1)
    rows = [setting(str(100000 + i), int(c), int(b), locality=f"L{i % 9}") for i, (c, b) in
            enumerate(zip(rng.binomial(40, 0.15, 3500), np.full(3500, 40)))]
    result = funnel(rows, "suspended", "ehcp", "locality")
    assert len(result.settings) == 3500 and len(result.groups) == 9
