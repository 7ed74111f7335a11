"""A funnel flag means the exact one-sided p-value is beyond its level, so with no real difference
a flag is no more likely than its label says. References are computed here, not by scipy."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from analytics.variation.analysis import funnel, p_values

DRAWS = 20_000
# Three standard errors of a simulated rate at the level: the margin for simulation error.
MARGIN = {level: 3 * math.sqrt(level * (1 - level) / DRAWS) for level in (0.025, 0.001)}


def binomial_tail(k, n, p):
    """P(X >= k), X ~ Binomial(n, p), from the definition with exact integer coefficients."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(max(k, 0), n + 1))


def poisson_lower(k, mu):
    """P(X <= k), X ~ Poisson(mu), from the definition."""
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(0, k + 1))


def schools(counts, bases, measure="excluded"):
    return [
        SimpleNamespace(
            urn=str(100000 + i),
            name=f"School {i}",
            phase="",
            locality="",
            deprivation_decile=None,
            values={measure: int(c), "ehcp": int(b)},
        )
        for i, (c, b) in enumerate(zip(counts, bases))
    ]


@pytest.mark.parametrize(
    "count,n,p", [(1, 10, 0.02), (2, 10, 0.02), (3, 50, 0.02), (0, 500, 0.02), (17, 500, 0.02), (4, 10, 0.1)]
)
def test_the_exact_binomial_tails_match_the_definition(count, n, p):
    upper, lower = p_values("binomial", [count], [n], p)
    assert upper[0] == pytest.approx(binomial_tail(count, n, p), rel=1e-12)
    assert lower[0] == pytest.approx(1 - binomial_tail(count + 1, n, p), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("count,base,rate", [(0, 10, 0.3), (5, 10, 0.2), (40, 100, 0.3), (12, 20, 0.3)])
def test_the_exact_poisson_tails_match_the_definition(count, base, rate):
    upper, lower = p_values("poisson", [count], [base], rate)
    assert lower[0] == pytest.approx(poisson_lower(count, base * rate), rel=1e-12)
    assert upper[0] == pytest.approx(1 - poisson_lower(count - 1, base * rate), rel=1e-9, abs=1e-15)


def test_mid_p_counts_half_of_the_observed_count():
    n, p, count = 10, 0.1, 3
    exactly = math.comb(n, count) * p**count * (1 - p) ** (n - count)
    upper, lower = p_values("binomial", [count], [n], p, mid=True)
    assert upper[0] == pytest.approx(binomial_tail(count + 1, n, p) + exactly / 2)
    assert lower[0] == pytest.approx(1 - binomial_tail(count, n, p) + exactly / 2)


def test_one_suspension_among_ten_pupils_at_an_overall_two_percent_is_not_flagged():
    # P(1 or more of 10) = 1 - 0.98^10 = 0.183: far from a 2.5% tail.
    rows = schools([20] * 20 + [1], [1000] * 20 + [10])
    result = funnel(rows, "excluded", "ehcp")
    small = result.settings.set_index("urn").loc["100020"]
    assert small.flag == "within"
    assert small.p_upper == pytest.approx(1 - (1 - result.expected) ** 10, rel=1e-9)


def simulated_flags(model, n, p, mid=False):
    """Many settings of the same base with no real difference; the funnel flags them."""
    rng = np.random.default_rng(20260518)
    counts = rng.binomial(n, p, DRAWS) if model == "binomial" else rng.poisson(n * p, DRAWS)
    result = funnel(
        schools(counts, [n] * DRAWS, "excluded" if model == "binomial" else "suspensions"),
        "excluded" if model == "binomial" else "suspensions",
        "ehcp",
        model=model,
        p_value="mid" if mid else "exact",
    )
    return result.settings.flag.value_counts(normalize=True)


@pytest.mark.parametrize(
    "model,n,p",
    [
        ("binomial", 10, 0.02),
        ("binomial", 50, 0.02),
        ("binomial", 500, 0.02),
        ("binomial", 10, 0.1),
        ("binomial", 50, 0.3),
        ("poisson", 10, 0.2),
        ("poisson", 50, 0.05),
        ("poisson", 500, 0.1),
    ],
)
def test_the_chance_of_each_flag_with_no_real_difference_is_at_most_its_label(model, n, p):
    rates = simulated_flags(model, n, p)
    beyond_95_high = rates.get("higher_95", 0) + rates.get("higher_998", 0)
    beyond_95_low = rates.get("lower_95", 0) + rates.get("lower_998", 0)
    assert beyond_95_high <= 0.025 + MARGIN[0.025]
    assert beyond_95_low <= 0.025 + MARGIN[0.025]
    assert rates.get("higher_998", 0) <= 0.001 + MARGIN[0.001]
    assert rates.get("lower_998", 0) <= 0.001 + MARGIN[0.001]


def test_the_simulation_would_notice_an_over_eager_flag():
    """The same draws, flagged the old way (rate above Spiegelhalter's interpolated 97.5% quantile):
    far above the label at n = 10, so the test above can fail."""
    from scipy import stats

    rng = np.random.default_rng(20260518)
    n, p = 10, 0.02
    counts = rng.binomial(n, p, DRAWS)
    r = stats.binom(n, p).ppf(0.975)
    below, at = stats.binom(n, p).cdf(r - 1), stats.binom(n, p).cdf(r)
    old_limit = r - (at - 0.975) / (at - below)
    assert np.mean(counts > old_limit) > 0.15


def test_mid_p_flags_more_often_than_exact_and_the_page_can_say_so():
    exact, mid = simulated_flags("binomial", 50, 0.1), simulated_flags("binomial", 50, 0.1, mid=True)

    def high(rates):
        return rates.get("higher_95", 0) + rates.get("higher_998", 0)

    assert high(mid) > high(exact)


def test_the_drawn_limits_agree_with_every_flag():
    rng = np.random.default_rng(7)
    bases = rng.integers(5, 400, 300)
    counts = rng.binomial(bases, rng.uniform(0.02, 0.3, 300))
    for model, measure in (("binomial", "excluded"), ("poisson", "suspensions")):
        for mid in (False, True):
            result = funnel(
                schools(counts, bases, measure), measure, "ehcp", model=model, p_value="mid" if mid else "exact"
            )
            for row in result.settings.itertuples():
                assert row.flag.startswith("higher") == (row.rate > row.upper_95), row
                assert (row.flag == "higher_998") == (row.rate > row.upper_998), row
                assert row.flag.startswith("lower") == (row.rate < row.lower_95), row
                assert (row.flag == "lower_998") == (row.rate < row.lower_998), row


@pytest.mark.parametrize("rate", [0, 1])
def test_when_every_rate_is_0_or_100_percent_nothing_is_flagged_and_the_page_says_why(rate):
    result = funnel(schools([rate * b for b in (10, 50, 200)], (10, 50, 200)), "excluded", "ehcp")
    assert set(result.settings.flag) == {"within"}
    assert f"exactly the expected rate of {rate:.0%}" in result.note
