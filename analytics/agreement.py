"""Agreement between rooms (docs/design.md, “Report definitions”): where two or more rooms reviewed
the same case (a calibration case, a blind double review), how often they agreed, and Cohen's κ (two
rooms) or Fleiss' κ (more) with a 95% interval, on the outcome (ideal / not ideal / no consensus:
three categories) and on the better provision; and the disagreements, for moderation.

κ is the agreement beyond what chance alone would give: 1 is perfect, 0 is chance level. It is
left out (``kappa`` and ``ci95`` null, with a ``reason``) when there are too few cases, or when
every answer fell in one category (then chance alone would agree every time, and κ is 0/0)."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

from analytics import selectors
from analytics.scopes import Scope
from casereview.models import Organisation
from workshops.models import CaseAllocation

# κ and its interval need at least this many cases reviewed by two or more rooms. On two or three
# cases the statistics collapse (an outsider saw "κ = 0.00 (0.00 to 0.00)" for two cases and
# "1.00 (1.00 to 1.00)" for three): below it, the percent agreement is shown alone, with the reason.
MIN_CASES = 10
OUTCOME_CATEGORIES = ["ideal", "not_ideal", "no_consensus"]
OUTCOME_WORDS = {"ideal": "Ideal", "not_ideal": "Not ideal", "no_consensus": "No consensus"}
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20260520  # fixed: the same answers always give the same interval
NOT_ENOUGH = (
    "Too few cases to estimate agreement beyond chance: κ needs at least {minimum} cases that two or more "
    "rooms reviewed (there {verb} {cases})."
)
ONE_CATEGORY = "Every answer was the same ({category}), so chance alone would agree every time: κ is not defined."


def reading(kappa: float | None) -> str:
    """κ in plain words (Landis and Koch's bands, the ones most often quoted)."""
    if kappa is None:
        return ""
    if kappa < 0:
        return "less agreement than chance would give"
    for upper, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= upper:
            return f"{words} agreement beyond chance"
    return "almost perfect agreement beyond chance"


def _counts(ratings: list[list[str]], categories: list[str]) -> np.ndarray:
    """Cases × categories: how many rooms gave each answer to each case."""
    index = {category: i for i, category in enumerate(categories)}
    table = np.zeros((len(ratings), len(categories)))
    for row, answers in enumerate(ratings):
        for answer in answers:
            table[row, index[answer]] += 1
    return table


def fleiss_kappa_of_counts(table: np.ndarray) -> float:
    """Fleiss' κ, also when cases have different numbers of rooms (a calibration case that every
    room reviewed beside blind double reviews by two): each case's agreement is the share of its
    pairs of rooms that agree (Fleiss 1971, with n_i raters per case). With the same number of
    rooms everywhere this is statsmodels' ``fleiss_kappa``, which is used then."""
    raters = table.sum(axis=1)
    if np.all(raters == raters[0]):
        return float(fleiss_kappa(table, method="fleiss"))
    per_case = ((table * table).sum(axis=1) - raters) / (raters * (raters - 1))
    p_category = table.sum(axis=0) / table.sum()
    expected = float((p_category * p_category).sum())
    return (float(per_case.mean()) - expected) / (1 - expected)


def _fleiss_interval(table: np.ndarray) -> list[float] | None:
    """A 95% percentile bootstrap interval over cases (statsmodels gives no standard error for
    Fleiss' κ). Resamples where every answer is in one category (κ undefined) are left out."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    values = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        sample = table[rng.integers(0, len(table), len(table))]
        if np.count_nonzero(sample.sum(axis=0)) < 2:
            continue
        values.append(fleiss_kappa_of_counts(sample))
    if len(values) < BOOTSTRAP_RESAMPLES / 2:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(max(low, -1.0)), 4), round(float(min(high, 1.0)), 4)]


def agreement_figures(ratings: list[list[str]], categories: list[str]) -> dict:
    """Percent agreement and κ over ``ratings`` (one list of answers per case, the first room's
    first), with n, the method, a 95% interval and κ in words; or a reason why there is no κ."""
    ratings = [answers for answers in ratings if len(answers) >= 2]
    cases = len(ratings)
    agreed = sum(1 for answers in ratings if len(set(answers)) == 1)
    figures = {
        "cases": cases,
        "agreed": agreed,
        "percent": round(agreed / cases, 4) if cases else None,
        "method": None,
        "kappa": None,
        "ci95": None,
        "reading": "",
        "reason": None,
        "small": cases < 5,
    }
    if cases < MIN_CASES:
        figures["reason"] = NOT_ENOUGH.format(minimum=MIN_CASES, verb="is" if cases == 1 else "are", cases=cases)
        return figures
    used = sorted({answer for answers in ratings for answer in answers}, key=categories.index)
    if len(used) < 2:
        figures["reason"] = ONE_CATEGORY.format(category=OUTCOME_WORDS.get(used[0], used[0]))
        return figures
    if all(len(answers) == 2 for answers in ratings):
        # Two rooms per case: Cohen's κ, the first room against the other.
        index = {category: i for i, category in enumerate(used)}
        table = np.zeros((len(used), len(used)))
        for first, second in ratings:
            table[index[first], index[second]] += 1
        result = cohens_kappa(table)
        kappa = float(result.kappa)
        interval = [round(float(max(result.kappa_low, -1.0)), 4), round(float(min(result.kappa_upp, 1.0)), 4)]
        chance = float((table.sum(axis=0) * table.sum(axis=1)).sum() / table.sum() ** 2)
        figures["method"] = "cohen"
    else:
        table = _counts(ratings, used)
        kappa = fleiss_kappa_of_counts(table)
        interval = _fleiss_interval(table)
        shares = table.sum(axis=0) / table.sum()
        chance = float((shares * shares).sum())
        figures["method"] = "fleiss"
    if interval is None or interval[1] - interval[0] < 1e-9:
        interval = _interval_from_agreement(agreed, cases, chance)
        figures["interval_method"] = "wilson"
    figures.update(kappa=round(kappa, 4), ci95=interval, reading=reading(kappa))
    return figures


def _interval_from_agreement(agreed: int, cases: int, chance: float) -> list[float]:
    """κ's 95% interval when resampling cannot vary it (every case agreed, say: every resample
    agrees too, and the asymptotic standard error is 0): the Wilson interval of the share of cases
    that agreed, put through κ = (agreed share − chance) / (1 − chance) with chance agreement as
    observed. Like the Wilson interval it never collapses to a point: 10 cases out of 10 agreeing
    give an agreed share of 0.72 to 1, so κ's lower bound stays well below 1."""
    low, high = proportion_confint(agreed, cases, alpha=0.05, method="wilson")
    return [round(max((float(bound) - chance) / (1 - chance), -1.0), 4) for bound in (low, high)]


@dataclass
class Answer:
    room: str
    first: bool
    review: int
    outcome: str
    better: str | None
    better_label: str | None

    @property
    def in_words(self) -> str:
        if self.outcome == "not_ideal" and self.better_label:
            return f"Not ideal, better: {self.better_label}"
        return OUTCOME_WORDS[self.outcome]


def _outcome(consensus: bool, ideal: bool | None) -> str:
    if not consensus:
        return "no_consensus"
    return "ideal" if ideal else "not_ideal"


def agreement_report(organisation: Organisation, scope: Scope) -> dict:
    """The report's ``agreement`` key: figures over the scope's cases reviewed by two or more
    rooms, the disagreements (with every room's answer), and how many await moderation."""
    in_scope = selectors.all_reviews_in(organisation, scope)
    doubled = CaseAllocation.objects.filter(kind=CaseAllocation.Kind.OTHER_ROOM).values("first_allocation_id")
    rows = (
        in_scope.filter(Q(allocation__first_allocation_id__in=doubled) | Q(allocation_id__in=doubled))
        .values_list(
            "pk",
            "allocation_id",
            "allocation__first_allocation_id",
            "allocation__kind",
            "allocation__workshop_id",
            "allocation__workshop__title",
            "allocation__case__reference",
            "allocation__room__name",
            "consensus_reached",
            "ideal_outcome",
            "better_provision__code",
            "better_provision__label",
        )
        .order_by("allocation__case__reference", "pk")
    )
    groups: dict[int, dict] = {}
    for pk, allocation, first, kind, workshop_id, workshop, reference, room, consensus, ideal, better, label in rows:
        group = groups.setdefault(
            first or allocation,
            {"reference": reference, "workshop": workshop, "workshop_id": workshop_id}
            | {"answers": [], "moderated": None},
        )
        if kind == CaseAllocation.Kind.MODERATION:
            group["moderated"] = Answer("Moderated", False, pk, _outcome(consensus, ideal), better, label)
        else:
            group["answers"].append(
                Answer(
                    room or "No room",
                    kind == CaseAllocation.Kind.FIRST,
                    pk,
                    _outcome(consensus, ideal),
                    better,
                    label,
                )
            )
    cases = []
    for group in groups.values():
        group["answers"].sort(key=lambda answer: (not answer.first, answer.review))  # the first room's first
        if len(group["answers"]) >= 2:
            cases.append(group)
    outcome_ratings = [[answer.outcome for answer in group["answers"]] for group in cases]
    better_ratings = [
        [answer.better for answer in group["answers"] if answer.outcome == "not_ideal" and answer.better]
        for group in cases
    ]
    provision_codes = sorted({code for answers in better_ratings for code in answers})
    disagreements = []
    for group in cases:
        outcomes = {answer.outcome for answer in group["answers"]}
        betters = {answer.better for answer in group["answers"] if answer.outcome == "not_ideal"}
        if len(outcomes) > 1 or len(betters) > 1:
            moderated = group["moderated"]
            disagreements.append(
                {
                    "reference": group["reference"],
                    "workshop": group["workshop"],
                    # Who may read this row: the workshop's moderation panel (analytics/views.py).
                    "workshop_id": group["workshop_id"],
                    "rooms": {answer.room: answer.in_words for answer in group["answers"]},
                    "on": [
                        name
                        for name, differs in (("outcome", len(outcomes) > 1), ("better provision", len(betters) > 1))
                        if differs
                    ],
                    "moderated": moderated.in_words if moderated else None,
                }
            )
    disagreements.sort(key=lambda row: (row["moderated"] is not None, row["workshop"], row["reference"]))
    outcome = agreement_figures(outcome_ratings, OUTCOME_CATEGORIES)
    return {
        "cases": len(cases),
        "outcome": outcome,
        "better_provision": agreement_figures(better_ratings, provision_codes),
        "disagreements": disagreements,
        "awaiting_moderation": sum(1 for row in disagreements if row["moderated"] is None),
    }
