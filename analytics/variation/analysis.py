"""Variational analysis: which settings have a rate higher or lower than expected for their size.

A funnel plot (Spiegelhalter 2005, Statistics in Medicine 24:1185): the expected rate is the
overall rate of all settings. The analyst says what the measure is: a share of the base (each
counted pupil is one of the base, e.g. pupils with an EHCP among all pupils: binomial) or a rate
per base (events that one pupil can have several of, e.g. suspensions per pupil: Poisson); the
default comes from the column's name, never from how other settings' figures happen to fall.

A setting is flagged when the exact one-sided p-value of its count (scipy's binomial or Poisson
tail) is below the level: 0.025 for "beyond 95%", 0.001 for "beyond 99.8%". An exact p-value is
never below the level more often than the level by chance, so no label claims more than it
means. The mid-p option (half the probability of the observed count) is nearer the level on
average but can exceed it. The limits are drawn where the p-value crosses the level
(interpolated between whole counts as Spiegelhalter recommends), so flags and lines agree.

Over-dispersion: school figures usually vary more than chance alone would make them, so large
schools are over-flagged. φ is estimated from winsorised z-scores; when it is above 1 the analyst
may widen the limits by φ (multiplicative) or by a between-school variance τ² (additive). It
starts conversations; it is not a verdict.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import mstats
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
# One-sided levels: "beyond the 95% limit" on one side is a one-sided p-value below 0.025.
LEVELS = {"95": 0.025, "998": 0.001}
MODELS = {
    "binomial": "A share of the base (binomial)",
    "poisson": "A rate per base, can exceed it (Poisson)",
}
P_VALUES = {
    "exact": "Exact (a flag is never more likely by chance than its label)",
    "mid": "Mid-p (nearer the label on average, can exceed it)",
}
OVERDISPERSION = {
    "none": "Not widened",
    "multiplicative": "Widened by φ (multiplicative)",
    "additive": "Widened by τ² (additive, between settings)",
}
# Measures that count events one pupil can have several of: a rate per base by default.
# ("pupils_suspended", pupils with one or more suspensions, is a share: it has no such word.)
EVENT_WORDS = ("suspension", "fixed_period", "incident", "event", "absence", "session", "days")
WINSOR = 0.1  # Spiegelhalter 2005: the 10% most extreme z-scores each side are pulled in
# Below this many settings φ is not estimated (taken as 1: no widening): with four schools one of
# them would be a quarter of the estimate. From 5 on, at least one z-score each side is pulled in.
MIN_SETTINGS_FOR_PHI = 5


class AnalysisError(ValueError):
    """The analysis cannot be drawn; the message says why, for a person."""


@dataclass
class Funnel:
    measure: str
    base: str
    model: str  # "binomial" or "poisson"
    expected: float
    settings: pd.DataFrame  # one row per setting analysed, with rate, p-values, limits at its base and flag
    curve: pd.DataFrame  # base -> the four limits, for drawing
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (setting, why)
    groups: pd.DataFrame | None = None
    model_reason: str = ""
    p_value: str = "exact"
    overdispersion: str = "none"  # what the limits use: none, multiplicative or additive
    phi: float | None = None  # the estimated over-dispersion (1: as chance alone)
    tau2: float | None = None  # the estimated between-setting variance of the rate
    dispersion_note: str = ""  # what φ means for the flags, in words
    note: str = ""  # why nothing is flagged, when nothing can be


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "urn": r.urn,
                "name": r.name,
                "phase": r.phase or "Not given",
                "locality": r.locality or "Not given",
                "deprivation_decile": r.deprivation_decile,
                **{f"v_{k}": v for k, v in r.values.items()},
            }
            for r in rows
        ]
    )


def default_model(measure: str) -> str:
    return "poisson" if any(word in measure.lower() for word in EVENT_WORDS) else "binomial"


def _distribution(model: str, base: np.ndarray, expected: float):
    return stats.binom(np.round(base).astype(int), expected) if model == "binomial" else stats.poisson(base * expected)


def p_values(model: str, count, base, expected: float, mid: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One-sided p-values of each count: (P(a count this high or higher), P(this low or lower)).
    Mid-p counts only half the probability of the observed count itself."""
    distribution = _distribution(model, np.asarray(base, dtype=float), expected)
    count = np.asarray(count, dtype=float)
    if mid:
        half = 0.5 * distribution.pmf(count)
        return distribution.sf(count) + half, distribution.cdf(count - 1) + half
    return distribution.sf(count - 1), distribution.cdf(count)


def _crossing(model: str, base: np.ndarray, expected: float, level: float, side: str, mid: bool) -> np.ndarray:
    """The count (a real number) where the one-sided p-value crosses ``level``: whole counts
    beyond it are exactly the flagged ones. Between the last count not flagged and the first
    flagged, the point is interpolated linearly in the p-value (for the lower side this is
    Spiegelhalter's interpolation; the upper side is its mirror image)."""
    distribution = _distribution(model, base, expected)
    upper = side == "upper"
    start = distribution.ppf(1 - level if upper else level)
    # The threshold is within a count or two of the quantile; test a few candidates around it.
    candidates = np.stack([start + k for k in (-2, -1, 0, 1, 2, 3)])
    p = np.stack([p_values(model, c, base, expected, mid)[0 if upper else 1] for c in candidates])
    flagged = p < level
    columns = np.arange(len(base))
    if upper:
        # The first candidate flagged (p falls as the count grows). The lowest candidate never is:
        # two below the quantile, its p-value is above the level, so ``first - 1`` is a candidate.
        first = np.argmax(flagged, axis=0)
        before, p_before, p_at = candidates[first - 1, columns], p[first - 1, columns], p[first, columns]
        return before + (p_before - level) / (p_before - p_at)
    # The last candidate flagged (p grows with the count); none flagged: nothing below 0 to draw.
    last = np.where(flagged.any(axis=0), len(candidates) - 1 - np.argmax(flagged[::-1], axis=0), 0)
    at, p_at, p_after = candidates[last, columns], p[last, columns], p[last + 1, columns]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(p_after > p_at, (level - p_at) / (p_after - p_at), 0.0)
    return np.where(flagged.any(axis=0), at + step, 0.0)


def _variance(model: str, expected: float) -> float:
    """The variance of one unit of base: p(1 - p) for a share, p for a Poisson rate."""
    return expected * (1 - expected) if model == "binomial" else expected


def _limits(
    model: str, base, expected: float, mid: bool = False, widen: str = "none", phi: float = 1.0, tau2: float = 0.0
) -> dict[str, np.ndarray]:
    base = np.asarray(base, dtype=float)
    limits = {}
    for name, level in LEVELS.items():
        if widen == "none":
            limits[f"lower_{name}"] = np.clip(_crossing(model, base, expected, level, "lower", mid), 0, None) / base
            limits[f"upper_{name}"] = _crossing(model, base, expected, level, "upper", mid) / base
        else:
            spread = np.sqrt(_spread2(model, base, expected, widen, phi, tau2))
            z = stats.norm.isf(level)
            limits[f"lower_{name}"] = np.clip(expected - z * spread, 0, None)
            limits[f"upper_{name}"] = expected + z * spread
    return {name: limits[name] for name in ("lower_998", "lower_95", "upper_95", "upper_998")}


def _spread2(model, base, expected, widen, phi, tau2):
    """The variance of a setting's rate under the chosen over-dispersion."""
    variance = _variance(model, expected) / base
    if widen == "multiplicative":
        return phi * variance
    if widen == "additive":
        return variance + tau2
    return variance


def overdispersion(model: str, count, base, expected: float) -> tuple[float, float]:
    """(φ, τ²) from winsorised z-scores, as Spiegelhalter (2005) sets out.

    z = (rate - expected) / its standard error under chance alone; the 10% lowest and highest z
    (at least one each side) are set to the nearest value inside (scipy's winsorize); φ is the
    mean of the squared z, not estimated (1) below ``MIN_SETTINGS_FOR_PHI`` settings. The
    additive between-setting variance is τ² = (Iφ - (I - 1)) / (Σw - Σw²/Σw), w = 1/se², and 0
    when Iφ is below I - 1."""
    base = np.asarray(base, dtype=float)
    variance = _variance(model, expected) / base
    z = (np.asarray(count, dtype=float) / base - expected) / np.sqrt(variance)
    settings = len(z)
    if settings < MIN_SETTINGS_FOR_PHI:
        return 1.0, 0.0
    # The 10th and 90th percentiles, and at least one setting each side: scipy trims int(0.1·n),
    # which is none below 10 settings, so that one school would drive φ in a small LA.
    limit = max(1, int(WINSOR * settings)) / settings
    winsorised = np.asarray(mstats.winsorize(z, limits=(limit, limit)), dtype=float)
    phi = float(np.mean(winsorised**2))
    w = 1 / variance
    if settings * phi <= settings - 1:
        return phi, 0.0
    return phi, float((settings * phi - (settings - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def _model(data: pd.DataFrame, measure: str, base: str, chosen: str | None) -> tuple[str, str]:
    """The model and why, in words; a share that some settings exceed is refused with a reason."""
    over = data[data["count"] > data["base"]]
    if chosen not in (None, "", *MODELS):
        raise AnalysisError("Choose what the measure is from the list: a share of the base, or a rate per base.")
    model = chosen or default_model(measure)
    if model == "binomial" and not over.empty:
        example = over.iloc[0]
        settings_have = f"{len(over)} setting{'s have' if len(over) > 1 else ' has'}"
        if chosen:
            raise AnalysisError(
                f"{measure} cannot be a share of {base}: {settings_have} more {measure} than {base} "
                f"(for example {example['name']}: {example['count']:.0f} of {example['base']:.0f}). "
                f"Choose “a rate per base” instead."
            )
        return "poisson", (
            f"A rate per {base} (Poisson): {settings_have} more {measure} than {base}, "
            f"so {measure} cannot be a share of {base}."
        )
    if model == "binomial":
        how = "you chose it" if chosen else "the default for this column"
        return (
            model,
            f"A share of {base} (binomial; {how}): each of the {measure} is one of the {base}, "
            "so no setting can have more.",
        )
    how = (
        "you chose it" if chosen else f"the default: “{measure}” counts events, and one of the {base} can have several"
    )
    return model, f"A rate per {base} (Poisson; {how})."


def funnel(
    rows,
    measure: str,
    base: str,
    group: str | None = None,
    *,
    model: str | None = None,
    p_value: str = "exact",
    widen: str = "none",
) -> Funnel:
    if measure == base:
        raise AnalysisError("Choose a base that is not the measure itself.")
    if p_value not in P_VALUES:
        raise AnalysisError("Choose how p-values are counted from the list: exact or mid-p.")
    if widen not in OVERDISPERSION:
        raise AnalysisError("Choose whether to widen the limits from the list.")
    data = _frame(rows)
    for column in (measure, base):
        if f"v_{column}" not in data:
            raise AnalysisError(f"The dataset has no column “{column}”.")
    data["count"] = data[f"v_{measure}"].astype(float)
    data["base"] = data[f"v_{base}"].astype(float)
    left_out = [(r.name, f"no {base} given") for r in data.itertuples() if pd.isna(r.base)]
    left_out += [(r.name, f"{base} is 0, so there is no rate") for r in data.itertuples() if r.base == 0]
    left_out += [
        (r.name, f"no {measure} given")
        for r in data.itertuples()
        if pd.isna(r.count) and not pd.isna(r.base) and r.base > 0
    ]
    data = data[data["base"].notna() & (data["base"] > 0) & data["count"].notna()].copy()
    if len(data) < 2:
        raise AnalysisError(
            f"At least two settings need both {measure} and a {base} above 0; this dataset has {len(data)}."
        )
    # Counts of events are whole numbers, and so is a binomial base.
    data["count"] = data["count"].round()
    model, reason = _model(data, measure, base, model)
    if model == "binomial":
        data["base"] = data["base"].round()
    expected = data["count"].sum() / data["base"].sum()
    data["rate"] = data["count"] / data["base"]
    data["expected"] = expected
    result = Funnel(
        measure, base, model, float(expected), data, pd.DataFrame(), left_out, model_reason=reason, p_value=p_value
    )
    grid = np.geomspace(data["base"].min(), data["base"].max(), 200)
    grid = np.unique(grid.round() if model == "binomial" else grid.round(2))  # a binomial base is a whole number

    if expected == 0 or (model == "binomial" and expected == 1):
        # Every setting is exactly as expected: there is no variation to flag.
        everyone = (
            "none of the settings has any" if expected == 0 else f"every one of the {base} is counted in {measure}"
        )
        result.note = (
            f"No setting is flagged: {everyone}, "
            f"so every setting's rate is exactly the expected rate of {expected:.0%}."
        )
        for name in ("lower_998", "lower_95", "upper_95", "upper_998"):
            data[name] = expected
        data["p_upper"], data["p_lower"], data["z"], data["flag"] = 1.0, 1.0, 0.0, "within"
        result.curve = pd.DataFrame(
            {"base": grid, **{n: expected for n in ("lower_998", "lower_95", "upper_95", "upper_998")}}
        )
    else:
        result.phi, result.tau2 = overdispersion(model, data["count"], data["base"], expected)
        used = widen if result.phi > 1 else "none"
        result.overdispersion = used
        result.dispersion_note = _dispersion_note(result.phi, result.tau2, widen, used)
        mid = p_value == "mid"
        if used == "none":
            data["p_upper"], data["p_lower"] = p_values(model, data["count"], data["base"], expected, mid)
        else:
            # With over-dispersion there is no exact distribution: the normal approximation with the
            # widened variance, as in Spiegelhalter (2005).
            spread = np.sqrt(_spread2(model, data["base"].to_numpy(), expected, used, result.phi, result.tau2))
            z = (data["rate"].to_numpy() - expected) / spread
            data["p_upper"], data["p_lower"] = stats.norm.sf(z), stats.norm.cdf(z)
        data["z"] = (data["rate"] - expected) / np.sqrt(_variance(model, expected) / data["base"])
        for name, values in _limits(model, data["base"], expected, mid, used, result.phi, result.tau2).items():
            data[name] = values
        data["flag"] = np.select(
            [
                data.p_upper < LEVELS["998"],
                data.p_upper < LEVELS["95"],
                data.p_lower < LEVELS["998"],
                data.p_lower < LEVELS["95"],
            ],
            ["higher_998", "higher_95", "lower_998", "lower_95"],
            default="within",
        )
        result.curve = pd.DataFrame(
            {"base": grid, **_limits(model, grid, expected, mid, used, result.phi, result.tau2)}
        )
    result.settings = data.reset_index(drop=True)
    if group:
        if group not in GROUPS:
            raise AnalysisError("Choose a grouping from the list.")
        result.groups = compare_groups(data, group, model)
    return result


def _dispersion_note(phi: float, tau2: float, asked: str, used: str) -> str:
    if phi <= 1:
        return (
            f"φ = {phi:.2f}: the settings vary no more than chance alone would make them, "
            "so the limits need no widening" + (" and are not widened." if asked != "none" else ".")
        )
    said = (
        f"φ = {phi:.2f}: the settings vary about {phi:.1f} times as much as chance alone would make them "
        f"(τ² = {tau2:.2g})."
    )
    if used == "multiplicative":
        return (
            f"{said} The limits are widened by √φ, so a flag means a difference beyond what schools usually differ by, "
            "not only beyond chance."
        )
    if used == "additive":
        return (
            f"{said} The limits are widened by τ², the variance between settings, so a flag means a difference "
            "beyond what schools usually differ by; large settings gain most, as their own chance variation is "
            "smallest."
        )
    return (
        f"{said} With limits for chance alone, more settings are flagged than the labels suggest, large ones most; "
        "consider widening the limits."
    )


def compare_groups(data: pd.DataFrame, group: str, model: str) -> pd.DataFrame:
    """The rate of each group (all its settings together), with a 95% interval."""
    grouped = data.groupby(data[group].astype(str), sort=True).agg(
        settings=("urn", "count"),
        count=("count", "sum"),
        base=("base", "sum"),
        higher=("flag", lambda f: int(f.str.startswith("higher").sum())),
        lower=("flag", lambda f: int(f.str.startswith("lower").sum())),
    )
    grouped["rate"] = grouped["count"] / grouped["base"]
    if model == "binomial":
        low, high = proportion_confint(grouped["count"], grouped["base"], alpha=0.05, method="wilson")
    else:  # exact Poisson interval for a rate
        low = stats.chi2.ppf(0.025, 2 * grouped["count"]) / 2 / grouped["base"]
        high = stats.chi2.ppf(0.975, 2 * (grouped["count"] + 1)) / 2 / grouped["base"]
    grouped["low"], grouped["high"] = np.nan_to_num(np.asarray(low, dtype=float)), np.asarray(high, dtype=float)
    return grouped.reset_index().rename(columns={group: "group"})
