"""Variational analysis: which settings have a rate higher or lower than expected for their size.

A funnel plot (Spiegelhalter 2005): the expected rate is the overall rate of all settings; the
control limits at 95% and 99.8% come from the exact binomial distribution (a share of the base,
e.g. pupils with EHCPs who were suspended) or, where a measure can exceed its base (e.g.
suspensions per pupil), the Poisson distribution, with scipy. A setting is flagged when its count
lies beyond a limit for its base, so the flags and the drawn limits always agree. It starts
conversations; it is not a verdict.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

WITHIN = "Within the expected range"
FLAGS = {
    "higher_998": "Higher than expected (beyond 99.8% limit)",
    "higher_95": "Higher than expected (beyond 95% limit)",
    "within": WITHIN,
    "lower_95": "Lower than expected (beyond 95% limit)",
    "lower_998": "Lower than expected (beyond 99.8% limit)",
}
GROUPS = {"locality": "Locality", "deprivation_decile": "Deprivation decile", "phase": "Phase"}


class AnalysisError(ValueError):
    """The analysis cannot be drawn; the message says why, for a person."""


@dataclass
class Funnel:
    measure: str
    base: str
    model: str  # "binomial" or "poisson"
    expected: float
    settings: pd.DataFrame  # one row per setting analysed, with rate, limits at its base and flag
    curve: pd.DataFrame  # base -> the four limits, for drawing
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (setting, why)
    groups: pd.DataFrame | None = None


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame([
        {"urn": r.urn, "name": r.name, "phase": r.phase or "Not given", "locality": r.locality or "Not given",
         "deprivation_decile": r.deprivation_decile, **{f"v_{k}": v for k, v in r.values.items()}}
        for r in rows
    ])


def _limit(model: str, q: float, base: np.ndarray, expected: float) -> np.ndarray:
    """The rate below which a share q of settings of this base would fall by chance alone.

    The exact quantile r of the count, interpolated between r - 1 and r as Spiegelhalter (2005,
    Statistics in Medicine 24:1185) recommends, so the limits are smooth curves, not steps."""
    distribution = (
        stats.binom(np.round(base).astype(int), expected) if model == "binomial" else stats.poisson(base * expected)
    )
    r = distribution.ppf(q)
    below, at = distribution.cdf(r - 1), distribution.cdf(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at > below, (at - q) / (at - below), 0.0)
    return np.clip(r - alpha, 0, None) / base


def _limits(model: str, base, expected: float) -> dict[str, np.ndarray]:
    base = np.asarray(base, dtype=float)
    return {name: _limit(model, q, base, expected)
            for name, q in (("lower_998", 0.001), ("lower_95", 0.025), ("upper_95", 0.975), ("upper_998", 0.999))}


def funnel(rows, measure: str, base: str, group: str | None = None) -> Funnel:
    if measure == base:
        raise AnalysisError("Choose a base that is not the measure itself.")
    data = _frame(rows)
    for column in (measure, base):
        if f"v_{column}" not in data:
            raise AnalysisError(f"The dataset has no column “{column}”.")
    data["count"] = data[f"v_{measure}"].astype(float)
    data["base"] = data[f"v_{base}"].astype(float)
    left_out = [(r.name, f"no {base} given") for r in data.itertuples() if pd.isna(r.base)]
    left_out += [(r.name, f"{base} is 0, so there is no rate") for r in data.itertuples() if r.base == 0]
    left_out += [(r.name, f"no {measure} given") for r in data.itertuples() if pd.isna(r.count) and not pd.isna(r.base) and r.base > 0]
    data = data[data["base"].notna() & (data["base"] > 0) & data["count"].notna()].copy()
    if len(data) < 2:
        raise AnalysisError(f"At least two settings need both {measure} and a {base} above 0; this dataset has {len(data)}.")
    # Counts of events are whole numbers; a measure that can exceed its base is a rate of events.
    data["count"] = data["count"].round()
    model = "poisson" if (data["count"] > data["base"]).any() else "binomial"
    expected = data["count"].sum() / data["base"].sum()
    data["rate"] = data["count"] / data["base"]
    data["expected"] = expected
    for name, values in _limits(model, data["base"], expected).items():
        data[name] = values
    data["flag"] = np.select(
        [data.rate > data.upper_998, data.rate > data.upper_95, data.rate < data.lower_998, data.rate < data.lower_95],
        ["higher_998", "higher_95", "lower_998", "lower_95"], default="within",
    )
    grid = np.geomspace(data["base"].min(), data["base"].max(), 200)
    grid = np.unique(grid.round() if model == "binomial" else grid.round(2))  # a binomial base is a whole number
    curve = pd.DataFrame({"base": grid, **_limits(model, grid, expected)})
    result = Funnel(measure, base, model, float(expected), data.reset_index(drop=True), curve, left_out)
    if group:
        if group not in GROUPS:
            raise AnalysisError("Choose a grouping from the list.")
        result.groups = compare_groups(data, group, model)
    return result


def compare_groups(data: pd.DataFrame, group: str, model: str) -> pd.DataFrame:
    """The rate of each group (all its settings together), with a 95% interval."""
    grouped = data.groupby(data[group].astype(str), sort=True).agg(
        settings=("urn", "count"), count=("count", "sum"), base=("base", "sum"),
        higher=("flag", lambda f: int(f.str.startswith("higher").sum())), lower=("flag", lambda f: int(f.str.startswith("lower").sum())),
    )
    grouped["rate"] = grouped["count"] / grouped["base"]
    if model == "binomial":
        low, high = proportion_confint(grouped["count"], grouped["base"], alpha=0.05, method="wilson")
    else:  # exact Poisson interval for a rate
        low = stats.chi2.ppf(0.025, 2 * grouped["count"]) / 2 / grouped["base"]
        high = stats.chi2.ppf(0.975, 2 * (grouped["count"] + 1)) / 2 / grouped["base"]
    grouped["low"], grouped["high"] = np.nan_to_num(np.asarray(low, dtype=float)), np.asarray(high, dtype=float)
    return grouped.reset_index().rename(columns={group: "group"})
