"""The report definitions of docs/design.md, “Report definitions”, computed with pandas. These are
the numbers people quote.

Over the case reviews in scope: ``excluded`` are reviews without consensus, ``analysed`` those with
consensus and a recorded outcome. Excluded reviews appear beside the figures, never inside a
denominator. Every share of a group comes with its n and its 95% Wilson interval (``ci95``, with
``ci95_of`` naming the share where a row has several); shares over fewer than 5 reviews are
flagged ``small``. Reviews are counted, and children (distinct cases) beside them: a child
reviewed in two workshops is two reviews of one child.

The JSON shape is read by other parts of the product (the improvement plan, the Power BI feed):
keys are added, never renamed.
"""

import math
import time
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analytics import selectors
from analytics.agreement import agreement_report
from analytics.scopes import Scope
from casereview.models import Organisation
from casereview.vocabularies import VocabularyKind
from workshops.models import Discipline, FindingKind

SMALL_NUMBER = 5
# χ²'s p-value from its distribution is unreliable when more than this share of the expected
# counts are under 5 (Cochran 1954); the p-value then comes from a seeded permutation test.
SMALL_EXPECTED_SHARE = 0.2
PERMUTATION_DRAWS = 20_000
PERMUTATION_SEED = 20260520
# The row of the breakdown by room that holds moderated answers: the panel's, in no room.
MODERATED_ROOM = 0
BREAKDOWNS = {
    "workshop": "Workshop",
    "phase": "Phase",
    "primary_need": "Primary need",
    "support_level": "Support level",
    "provision": "Provision at review",
    "room": "Breakout room",
}
BREAKDOWN_VOCABULARY = {
    "phase": VocabularyKind.PHASE,
    "primary_need": VocabularyKind.PRIMARY_NEED,
    "support_level": VocabularyKind.SUPPORT_LEVEL,
    "provision": VocabularyKind.PROVISION,
}


def _share(count: int, n: int) -> float | None:
    return round(count / n, 4) if n else None


def _wilson(count: int, n: int) -> list[float] | None:
    return list(_wilson_bounds(int(count), int(n))) if n else None


@lru_cache(maxsize=8192)
def _wilson_bounds(count: int, n: int) -> tuple[float, float]:
    """Kept per process: a report asks for a few hundred intervals of mostly the same small
    (count, n) pairs, and statsmodels (through scipy) costs 0.1 to 0.2 ms each."""
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return round(float(low), 4), round(float(high), 4)


def _shares(prefix: str, count: int, n: int) -> dict:
    """``{prefix}_count, _n, _share, _ci95, _small``: one share of a group with its interval."""
    return {
        f"{prefix}_count": count,
        f"{prefix}_n": n,
        f"{prefix}_share": _share(count, n),
        f"{prefix}_ci95": _wilson(count, n),
        f"{prefix}_small": n < SMALL_NUMBER,
    }


class Labels:
    """Codes to words, as the LA calls them now (retired entries included: history keeps them)."""

    def __init__(self, organisation: Organisation):
        terms = selectors.vocabulary_terms(organisation)
        self._labels = {(term.kind, term.code): (term.label, term.is_retired) for term in terms}
        self._codes = {term.pk: term.code for term in terms}

    def code(self, term_id) -> str | None:
        return self._codes.get(term_id) if pd.notna(term_id) else None

    def term(self, kind: str, code) -> dict:
        label, retired = self._labels.get((kind, code), (code or "—", False))
        return {"code": code, "label": label, "retired": retired}

    def order(self, kind: str) -> list[str]:
        return [code for (k, code) in self._labels if k == kind]


def tally(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Grouped review counts summed ``by`` some dimensions into the four numbers every figure is
    made of: reviewed, excluded (no consensus), analysed (consensus and an outcome), ideal."""
    consensus = counts.consensus.astype(bool)
    numbers = pd.DataFrame(
        {
            "reviewed": counts.n,
            "excluded": counts.n.where(~consensus, 0),
            "analysed": counts.n.where(consensus & counts.ideal.notna(), 0),
            "ideal": counts.n.where(consensus & counts.ideal.eq(True), 0),
        }
    )
    if not by:
        return numbers.sum().to_frame().T
    return numbers.groupby([counts[column] for column in by], dropna=False).sum()


def outcome(numbers, children: int = 0) -> dict:
    ideal, n = int(numbers["ideal"]), int(numbers["analysed"])
    return {
        "ideal": ideal,
        "non_ideal": n - ideal,
        "ideal_share": _share(ideal, n),
        "non_ideal_share": _share(n - ideal, n),
        "ci95": _wilson(n - ideal, n),
        "ci95_of": "non_ideal_share",
        "ideal_ci95": _wilson(ideal, n),
        "n": n,
        "children": children,
        "small": n < SMALL_NUMBER,
    }


def term_counts(
    counts: dict[str, int], n: int, kind: str, labels: Labels, children: dict[str, int] | None = None
) -> list[dict]:
    """How many of ``n`` reviews named each term, and the share with its interval. Every current
    term is listed (0 too); a retired one only where a review named it."""
    children = children or {}
    rows = []
    for code in labels.order(kind):
        term = labels.term(kind, code)
        if term["retired"] and code not in counts:
            continue
        count = int(counts.get(code, 0))
        rows.append(
            {
                **term,
                "count": count,
                "share": _share(count, n),
                "ci95": _wilson(count, n),
                "n": n,
                "children": int(children.get(code, 0)),
                "small": n < SMALL_NUMBER,
            }
        )
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


def theme_counts(
    barriers: dict[str, int], enablers: dict[str, int], outcome_figures: dict, labels: Labels, children: dict[str, int]
) -> list[dict]:
    """Themes over the analysed reviews, and split: as barriers (named in non-ideal reviews, share
    of the non-ideal) and as enablers (named in ideal reviews, share of the ideal). ``count`` and
    ``share`` stay over all analysed reviews, as before."""
    both = {code: barriers.get(code, 0) + enablers.get(code, 0) for code in {*barriers, *enablers}}
    rows = term_counts(both, outcome_figures["n"], VocabularyKind.THEME, labels, children)
    for row in rows:
        row |= _shares("barrier", int(barriers.get(row["code"], 0)), outcome_figures["non_ideal"])
        row |= _shares("enabler", int(enablers.get(row["code"], 0)), outcome_figures["ideal"])
    return rows


def provision_table(by_provision: pd.DataFrame, labels: Labels, children: dict | None = None) -> list[dict]:
    present = by_provision.to_dict("index")
    children = children or {}
    rows = []
    for code in labels.order(VocabularyKind.PROVISION):
        here = {name: int(value) for name, value in present.get(code, {}).items()}
        analysed, ideal, left_out = here.get("analysed", 0), here.get("ideal", 0), here.get("excluded", 0)
        if not analysed and not left_out:
            continue
        rows.append(
            {
                **labels.term(VocabularyKind.PROVISION, code),
                "reviewed": analysed,
                "ideal": ideal,
                "ideal_share": _share(ideal, analysed),
                "ci95": _wilson(ideal, analysed),
                "ci95_of": "ideal_share",
                "non_ideal": analysed - ideal,
                "children": int(children.get(code, 0)),
                "excluded": left_out,
                "small": analysed < SMALL_NUMBER,
            }
        )
    return rows


def dbv_summary(provision_rows: list[dict], crosstab: list[dict], outcome_figures: dict, excluded: int) -> dict:
    """The DBV programme's summary table: per provision at review, reviewed (with consensus), ideal,
    not ideal, the share ideal with its interval, and where the rooms thought the not-ideal would
    be better supported; with a total row."""
    better: dict[str, list[dict]] = {}
    for pair in crosstab:
        better.setdefault(pair["current"], []).append(
            {"code": pair["better"], "label": pair["better_label"], "count": pair["count"]}
        )
    rows = [
        {
            key: row[key]
            for key in (
                "code",
                "label",
                "retired",
                "reviewed",
                "children",
                "ideal",
                "non_ideal",
                "ideal_share",
                "ci95",
                "ci95_of",
                "excluded",
                "small",
            )
        }
        | {
            "non_ideal_share": _share(row["non_ideal"], row["reviewed"]),
            "better": sorted(better.get(row["code"], []), key=lambda b: (-b["count"], b["label"])),
        }
        for row in provision_rows
    ]
    n, ideal = outcome_figures["n"], outcome_figures["ideal"]
    total = {
        "label": "All provisions",
        "reviewed": n,
        "children": outcome_figures["children"],
        "ideal": ideal,
        "non_ideal": n - ideal,
        "ideal_share": _share(ideal, n),
        "ci95": _wilson(ideal, n),
        "ci95_of": "ideal_share",
        "non_ideal_share": _share(n - ideal, n),
        "excluded": excluded,
        "small": n < SMALL_NUMBER,
    }
    return {"rows": rows, "total": total}


def provision_crosstab(counts: pd.DataFrame, labels: Labels) -> list[dict]:
    """Current against better provision, over the non-ideal reviews."""
    non_ideal = counts[counts.consensus.astype(bool) & counts.ideal.eq(False)]
    pairs = non_ideal.groupby(["provision", "better"], dropna=False).n.sum()
    order = {code: i for i, code in enumerate(labels.order(VocabularyKind.PROVISION))}
    rows = [
        {
            "current": current,
            "better": better if isinstance(better, str) else None,
            "count": int(count),
            "current_label": labels.term(VocabularyKind.PROVISION, current)["label"],
            "better_label": labels.term(VocabularyKind.PROVISION, better)["label"]
            if isinstance(better, str)
            else "Not recorded",
        }
        for (current, better), count in pairs.items()
    ]
    return sorted(rows, key=lambda r: (order.get(r["current"], 99), order.get(r["better"], 99)))


def breakdown(numbers: pd.DataFrame, groups: list[tuple], children: dict | None = None) -> list[dict]:
    """One row per (key, label) of ``groups`` present in ``numbers`` (a tally indexed by key)."""
    present = numbers.to_dict("index")
    children = children or {}
    rows = []
    for key, label in groups:
        if key not in present:
            continue
        group = {name: int(value) for name, value in present[key].items()}
        analysed, ideal = group["analysed"], group["ideal"]
        rows.append(
            {
                "key": key,
                "label": label,
                "reviewed": group["reviewed"],
                "excluded": group["excluded"],
                "analysed": analysed,
                "children": int(children.get(key, 0)),
                "ideal": ideal,
                "non_ideal": analysed - ideal,
                "non_ideal_share": _share(analysed - ideal, analysed),
                "ci95": _wilson(analysed - ideal, analysed),
                "ci95_of": "non_ideal_share",
                "small": analysed < SMALL_NUMBER,
            }
        )
    return rows


COMPARED = {"workshop": "workshop", "room": "room", "provision": "provision"}
COMPARISONS_WARNING = (
    "Each comparison asks whether the share not ideal differs between groups by more than chance would explain. "
    "With several comparisons, one in twenty would show p below 0.05 by chance alone: read a single low p-value "
    "as a question to look into, not a finding, and never pick the lowest among many."
)


def _p_text(p: float) -> str:
    return "below 0.001" if p < 0.001 else f"{p:.3f}"


def permutation_p_value(table: np.ndarray, observed: float) -> float:
    """The Monte Carlo p-value of a χ² statistic on a groups × (ideal, not ideal) table: how often
    tables with the same margins, drawn at random (the outcomes shuffled between the reviews, each
    group keeping its size), give a χ² at least as large. Seeded, so a report is reproducible;
    (1 + hits) / (1 + draws), so it is never 0 (Phipson and Smyth 2010)."""
    sizes = table.sum(axis=1).astype(np.int64)
    ideal_total = int(table[:, 0].sum())
    rng = np.random.default_rng(PERMUTATION_SEED)
    ideal = rng.multivariate_hypergeometric(sizes, ideal_total, size=PERMUTATION_DRAWS).astype(float)
    expected_ideal = sizes * ideal_total / sizes.sum()
    expected_not = sizes - expected_ideal
    chi2 = ((ideal - expected_ideal) ** 2 / expected_ideal + ((sizes - ideal) - expected_not) ** 2 / expected_not).sum(
        axis=1
    )
    hits = int((chi2 >= observed - 1e-9).sum())
    return (1 + hits) / (1 + PERMUTATION_DRAWS)


def compare(rows: list[dict], what: str) -> dict:
    """Does the share not ideal differ between the groups? Fisher's exact test for two groups; χ²
    for more, its p-value from the χ² distribution, or, where more than a fifth of the expected
    counts are under 5 (Cochran's rule, where that approximation fails), from a Monte Carlo
    permutation test. The p-value in words."""
    groups = [row for row in rows if row["analysed"]]
    result = {
        "by": what,
        "groups": len(groups),
        "analysed": sum(row["analysed"] for row in groups),
        "test": None,
        "statistic": None,
        "p_value": None,
        "small_expected": False,
    }
    table = [[row["ideal"], row["non_ideal"]] for row in groups]
    if len(groups) < 2:
        return result | {"words": f"Fewer than two {what}s have analysed reviews: there is nothing to compare."}
    if not all(sum(column) for column in zip(*table)):
        same = "ideal" if table and not sum(r[1] for r in table) else "not ideal"
        return result | {"words": f"Every analysed review was {same}: there is no difference between {what}s to test."}
    if len(groups) == 2:
        test = stats.fisher_exact(table)
        result |= {
            "test": "fisher_exact",
            "p_value": float(test.pvalue),
            "statistic": float(test.statistic) if math.isfinite(test.statistic) else None,
        }
        named = "Fisher's exact test"
    else:
        test = stats.chi2_contingency(table, correction=False)
        small_share = float((test.expected_freq < 5).mean())
        result |= {
            "test": "chi_squared",
            "p_value": float(test.pvalue),
            "statistic": float(test.statistic),
            "dof": int(test.dof),
            "small_expected": bool(small_share > 0),
            "small_expected_share": round(small_share, 4),
        }
        named = f"χ² test ({int(test.dof)} degrees of freedom)"
        if small_share > SMALL_EXPECTED_SHARE:
            result |= {
                "test": "chi_squared_permutation",
                "p_value": permutation_p_value(np.array(table, dtype=float), float(test.statistic)),
                "asymptotic_p_value": float(test.pvalue),
                "draws": PERMUTATION_DRAWS,
            }
            named = (
                f"χ² permutation test ({PERMUTATION_DRAWS:,} random reshufflings, because "
                f"{round(small_share * 100)}% of the expected counts are under 5)"
            )
    p = result["p_value"]
    chance = (
        "less than 1 time in 1,000"
        if p < 0.001
        else f"about {max(round(p * 100), 1)} time{'s' if round(p * 100) != 1 else ''} in 100"
    )
    verdict = "unlikely to be chance alone" if p < 0.05 else "it could well be chance"
    words = (
        f"{named}, p = {_p_text(p)}: if the {what}s did not really differ, differences in the share not ideal "
        f"at least as large as these would come up by chance {chance}; {verdict}."
    )
    if result["small_expected"] and result["test"] == "chi_squared":
        words += f" Some {what}s have few reviews, so the χ² approximation is rough: read the p-value as a guide only."
    return result | {"words": words}


def comparison(rows: list[dict], dimension: str, what: str) -> dict:
    """``compare`` over a breakdown's rows; between rooms, without the moderated answers (the panel's
    judgement, not a room's), and saying so."""
    moderated = [row for row in rows if dimension == "room" and row["key"] == MODERATED_ROOM]
    result = compare([row for row in rows if row not in moderated], what) | {"label": BREAKDOWNS[dimension]}
    left_out = sum(row["analysed"] for row in moderated)
    if left_out:
        result["left_out"] = left_out
        result["words"] += (
            f" {left_out} moderated answer{'s are' if left_out != 1 else ' is'} not a room's judgement and "
            f"{'are' if left_out != 1 else 'is'} left out of this comparison."
        )
    return result


def breakdowns(
    organisation: Organisation, scope: Scope, by_place: pd.DataFrame, by_provision: pd.DataFrame, labels: Labels
) -> dict[str, list[dict]]:
    """Outcome figures per workshop, room, phase, need, support level and provision."""
    workshops = selectors.workshop_names(organisation)
    workshop_groups = sorted(
        ((pk, title) for pk, (title, _) in workshops.items()), key=lambda g: (workshops[g[0]][1], g[1])
    )
    rooms = selectors.room_names(organisation)  # id -> (name, workshop title, workshop date)
    in_order = sorted(rooms.items(), key=lambda item: (item[1][2], item[1][1], item[1][0], item[0]))
    # A moderated answer has no room; it counts in every figure, so it has a row of its own and the
    # rooms' rows add up to the figures above them.
    room_groups = [(pk, f"{name} ({title})") for pk, (name, title, _) in in_order]
    room_groups.append((MODERATED_ROOM, "Moderated answers (no room)"))

    def children(dimension, *, coded=False):
        counts = selectors.children_counts(organisation, scope, selectors.ANALYSED, dimension)
        return {labels.code(key): n for key, n in counts.items()} if coded else counts

    result = {
        "workshop": breakdown(tally(by_place, ["workshop"]), workshop_groups, children("workshop")),
        "room": breakdown(
            tally(by_place.fillna({"room": MODERATED_ROOM}).astype({"room": int}), ["room"]),
            room_groups,
            {MODERATED_ROOM if room is None else room: n for room, n in children("room").items()},
        ),
    }
    by_case = selectors.review_counts(organisation, scope, "phase", "primary_need", "support_level")
    for dimension in ("phase", "primary_need", "support_level"):
        by_case[dimension] = by_case[dimension].map(labels.code)
    tallies = {dimension: tally(by_case, [dimension]) for dimension in ("phase", "primary_need", "support_level")}
    for dimension, numbers in (tallies | {"provision": by_provision}).items():
        kind = BREAKDOWN_VOCABULARY[dimension]
        result[dimension] = breakdown(
            numbers,
            [(code, labels.term(kind, code)["label"]) for code in labels.order(kind)],
            children(dimension, coded=True),
        )
    return {dimension: result[dimension] for dimension in BREAKDOWNS}


def disciplines(people: pd.DataFrame, rooms_in_scope) -> list[dict]:
    """Who was in the rooms whose reviews are in scope, per discipline: people and rooms."""
    totals = (
        people[people.room.isin(rooms_in_scope)]
        .groupby("discipline")
        .agg(people=("people", "sum"), rooms=("room", "nunique"))
    )
    return [
        {
            "code": d.value,
            "label": d.label,
            "people": int(totals.loc[d.value, "people"]),
            "rooms": int(totals.loc[d.value, "rooms"]),
        }
        for d in Discipline
        if d.value in totals.index
    ]


def words_polls(words: pd.DataFrame) -> list[dict]:
    """Each words poll: its answers counted by label, and, when it asked for roles, the most given
    answers side by side per stakeholder group with n (phones) per group, small groups flagged."""
    polls = []
    for poll_id, answers in words.groupby("poll", sort=True):
        counts = answers.word.value_counts()
        counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        by_role = []
        answered = answers[answers.role != ""]
        for role, group in answered.groupby("role"):
            top = (
                group.word.value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable").head(10)
            )
            phones = int(group.phone.nunique())
            by_role.append(
                {
                    "role": role,
                    "label": Discipline(role).label,
                    "answers": len(group),
                    "phones": phones,
                    "small": phones < SMALL_NUMBER,
                    "words": [{"word": w, "count": int(c)} for w, c in top.items()],
                }
            )
        per_group = answered.groupby(["word", "role"]).size()
        compare = (
            [{"word": w, "counts": [int(per_group.get((w, g["role"]), 0)) for g in by_role]} for w in counts.index[:10]]
            if by_role
            else []
        )
        polls.append(
            {
                "id": int(poll_id),
                "question": answers.question.iloc[0],
                "workshop": answers.workshop_title.iloc[0],
                "answers": len(answers),
                "phones": int(answers.phone.nunique()),
                "words": [{"word": w, "count": int(c)} for w, c in counts.items()],
                "by_role": by_role,
                "compare": compare,
            }
        )
    return polls


def process_maps(steps: pd.DataFrame, findings: pd.DataFrame) -> list[dict]:
    """Per map, per step: how many findings of each kind."""
    counts = findings.groupby(["step", "kind"]).size().to_dict()
    maps = []
    for map_id, map_steps in steps.sort_values(["map", "position", "step"]).groupby("map", sort=True):
        rows = [
            {
                "step": int(s.step),
                "position": int(s.position),
                "title": s.step_title,
                "counts": {kind: int(counts.get((s.step, kind), 0)) for kind in FindingKind.values},
            }
            for s in map_steps.itertuples()
        ]
        totals = {kind: sum(r["counts"][kind] for r in rows) for kind in FindingKind.values}
        maps.append(
            {
                "id": int(map_id),
                "title": map_steps.map_title.iloc[0],
                "workshop": map_steps.workshop_title.iloc[0],
                "steps": rows,
                "totals": totals,
                "findings": sum(totals.values()),
            }
        )
    return maps


def combined_themes(in_reviews: dict[str, int], finding_links: pd.DataFrame, labels: Labels) -> list[dict]:
    """Each theme, counted in the analysed case reviews and in process map findings, side by side."""
    in_findings = finding_links.groupby("code").finding.nunique().to_dict()
    rows = []
    for code in labels.order(VocabularyKind.THEME):
        term = labels.term(VocabularyKind.THEME, code)
        reviews, findings = int(in_reviews.get(code, 0)), int(in_findings.get(code, 0))
        if term["retired"] and not (reviews or findings):
            continue
        rows.append({**term, "reviews": reviews, "findings": findings, "total": reviews + findings})
    return sorted(rows, key=lambda row: (-row["total"], row["label"]))


@contextmanager
def one_snapshot_of_the_data():
    """The report's queries all read the same moment of the data. Under PostgreSQL's default
    (read committed) each query sees what has committed by its start, so a review saved between
    the outcome's query and the themes' query would give a theme more reviews than the outcome
    has (a share above 100%, an interval of NaN). A read-only repeatable-read transaction is one
    snapshot. Inside a transaction that has already begun (tests), that transaction is used."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def build_report(organisation: Organisation, scope: Scope) -> dict:
    """Every figure of one scope, as plain JSON-ready data.

    The database groups and counts (a handful of GROUP BY queries, so time and memory follow the
    number of groups, not of reviews); pandas sums the groups into figures and labels them."""
    with one_snapshot_of_the_data():
        return _build_report(organisation, scope)


def _build_report(organisation: Organisation, scope: Scope) -> dict:
    labels = Labels(organisation)
    by_provision_and_better = selectors.review_counts(organisation, scope, "provision", "better")
    for dimension in ("provision", "better"):
        by_provision_and_better[dimension] = by_provision_and_better[dimension].map(labels.code)
    overall = tally(by_provision_and_better, []).iloc[0]
    by_provision = tally(by_provision_and_better, ["provision"])
    by_place = selectors.review_counts(organisation, scope, "workshop", "room")
    figures = outcome(overall, selectors.children_counts(organisation, scope, selectors.ANALYSED)[None])

    def named(relation, reviews):
        counts = selectors.review_term_children(organisation, scope, relation, reviews)
        return (
            {labels.code(term_id): n for term_id, (n, _) in counts.items()},
            {labels.code(term_id): children for term_id, (_, children) in counts.items()},
        )

    themes, theme_children = named("themes", selectors.ANALYSED)
    areas, area_children = named("non_ideal_areas", selectors.NON_IDEAL)
    provision_children = {
        labels.code(key): n
        for key, n in selectors.children_counts(organisation, scope, selectors.ANALYSED, "provision").items()
    }
    provision_rows = provision_table(by_provision, labels, provision_children)
    crosstab = provision_crosstab(by_provision_and_better, labels)
    by_group = breakdowns(organisation, scope, by_place, by_provision, labels)
    return {
        "reviewed": int(overall.reviewed),
        "excluded": int(overall.excluded),
        "analysed": int(overall.analysed),
        "children": selectors.children_counts(organisation, scope, Q())[None],
        "outcome": figures,
        "non_ideal_areas": term_counts(
            areas, figures["non_ideal"], VocabularyKind.NON_IDEAL_AREA, labels, area_children
        ),
        "themes": theme_counts(
            named("themes", selectors.NON_IDEAL)[0],
            named("themes", selectors.IDEAL)[0],
            figures,
            labels,
            theme_children,
        ),
        "provision": provision_rows,
        "provision_crosstab": crosstab,
        "dbv_summary": dbv_summary(provision_rows, crosstab, figures, int(overall.excluded)),
        "breakdowns": by_group,
        "comparisons": [comparison(by_group[dimension], dimension, what) for dimension, what in COMPARED.items()],
        "comparisons_warning": COMPARISONS_WARNING,
        "disciplines": disciplines(selectors.room_disciplines(organisation), by_place.room.dropna()),
        "polls": words_polls(selectors.words_frame(organisation, scope)),
        "process_maps": process_maps(
            selectors.steps_frame(organisation, scope), selectors.findings_frame(organisation, scope)
        ),
        "combined_themes": combined_themes(themes, selectors.finding_themes_frame(organisation, scope), labels),
        "agreement": agreement_report(organisation, scope),
    }


def timed_report(organisation: Organisation, scope: Scope) -> tuple[dict, int]:
    started = time.perf_counter()
    figures = build_report(organisation, scope)
    return figures, round((time.perf_counter() - started) * 1000)
