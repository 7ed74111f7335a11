"""The report definitions of DESIGN.md §4, computed with pandas. These are the numbers people quote.

Over the case reviews in scope: ``excluded`` are reviews without consensus, ``analysed`` those with
consensus and a recorded outcome. Excluded reviews appear beside the figures, never inside a
denominator. Every share comes with its n; shares over fewer than 5 reviews are flagged ``small``.
"""

import time

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analytics import selectors
from analytics.scopes import Scope
from casereview.models import Organisation
from casereview.vocabularies import VocabularyKind
from workshops.models import Discipline, FindingKind

SMALL_NUMBER = 5
BREAKDOWNS = {
    "workshop": "Workshop",
    "phase": "Phase",
    "primary_need": "Primary need",
    "support_level": "Support level",
    "provision": "Current provision",
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
    if not n:
        return None
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return [round(float(low), 4), round(float(high), 4)]


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
    numbers = pd.DataFrame({
        "reviewed": counts.n,
        "excluded": counts.n.where(~consensus, 0),
        "analysed": counts.n.where(consensus & counts.ideal.notna(), 0),
        "ideal": counts.n.where(consensus & counts.ideal.eq(True), 0),
    })
    if not by:
        return numbers.sum().to_frame().T
    return numbers.groupby([counts[column] for column in by], dropna=False).sum()


def outcome(numbers) -> dict:
    ideal, n = int(numbers["ideal"]), int(numbers["analysed"])
    return {
        "ideal": ideal,
        "non_ideal": n - ideal,
        "ideal_share": _share(ideal, n),
        "non_ideal_share": _share(n - ideal, n),
        "ci95": _wilson(n - ideal, n),
        "n": n,
        "small": n < SMALL_NUMBER,
    }


def term_counts(counts: dict[str, int], n: int, kind: str, labels: Labels) -> list[dict]:
    """How many of ``n`` reviews named each term, and the share. Every current term is listed
    (0 too); a retired one only where a review named it."""
    rows = []
    for code in labels.order(kind):
        term = labels.term(kind, code)
        if term["retired"] and code not in counts:
            continue
        count = int(counts.get(code, 0))
        rows.append({**term, "count": count, "share": _share(count, n), "n": n, "small": n < SMALL_NUMBER})
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


def provision_table(by_provision: pd.DataFrame, labels: Labels) -> list[dict]:
    present = by_provision.to_dict("index")
    rows = []
    for code in labels.order(VocabularyKind.PROVISION):
        here = {name: int(value) for name, value in present.get(code, {}).items()}
        analysed, ideal, left_out = here.get("analysed", 0), here.get("ideal", 0), here.get("excluded", 0)
        if not analysed and not left_out:
            continue
        rows.append({
            **labels.term(VocabularyKind.PROVISION, code),
            "reviewed": analysed, "ideal": ideal, "ideal_share": _share(ideal, analysed),
            "excluded": left_out, "small": analysed < SMALL_NUMBER,
        })
    return rows


def provision_crosstab(counts: pd.DataFrame, labels: Labels) -> list[dict]:
    """Current against better provision, over the non-ideal reviews."""
    non_ideal = counts[counts.consensus.astype(bool) & counts.ideal.eq(False)]
    pairs = non_ideal.groupby(["provision", "better"], dropna=False).n.sum()
    order = {code: i for i, code in enumerate(labels.order(VocabularyKind.PROVISION))}
    rows = [
        {
            "current": current, "better": better if isinstance(better, str) else None, "count": int(count),
            "current_label": labels.term(VocabularyKind.PROVISION, current)["label"],
            "better_label": labels.term(VocabularyKind.PROVISION, better)["label"] if isinstance(better, str) else "Not recorded",
        }
        for (current, better), count in pairs.items()
    ]
    return sorted(rows, key=lambda r: (order.get(r["current"], 99), order.get(r["better"], 99)))


def breakdown(numbers: pd.DataFrame, groups: list[tuple]) -> list[dict]:
    """One row per (key, label) of ``groups`` present in ``numbers`` (a tally indexed by key)."""
    present = numbers.to_dict("index")
    rows = []
    for key, label in groups:
        if key not in present:
            continue
        group = {name: int(value) for name, value in present[key].items()}
        analysed, ideal = group["analysed"], group["ideal"]
        rows.append({
            "key": key, "label": label, "reviewed": group["reviewed"], "excluded": group["excluded"],
            "analysed": analysed, "ideal": ideal, "non_ideal": analysed - ideal,
            "non_ideal_share": _share(analysed - ideal, analysed), "small": analysed < SMALL_NUMBER,
        })
    return rows


def breakdowns(organisation: Organisation, scope: Scope, by_place: pd.DataFrame, by_provision: pd.DataFrame, labels: Labels) -> dict[str, list[dict]]:
    """Outcome figures per workshop, room, phase, need, support level and provision."""
    workshops = selectors.workshop_names(organisation)
    workshop_groups = sorted(((pk, title) for pk, (title, _) in workshops.items()), key=lambda g: (workshops[g[0]][1], g[1]))
    rooms = selectors.room_names(organisation)  # id -> (name, workshop title, workshop date)
    in_order = sorted(rooms.items(), key=lambda item: (item[1][2], item[1][1], item[1][0], item[0]))
    room_groups = [(pk, f"{name} ({title})") for pk, (name, title, _) in in_order]
    result = {
        "workshop": breakdown(tally(by_place, ["workshop"]), workshop_groups),
        "room": breakdown(tally(by_place.dropna(subset=["room"]).astype({"room": int}), ["room"]), room_groups),
    }
    by_case = selectors.review_counts(organisation, scope, "phase", "primary_need", "support_level")
    for dimension in ("phase", "primary_need", "support_level"):
        by_case[dimension] = by_case[dimension].map(labels.code)
    tallies = {dimension: tally(by_case, [dimension]) for dimension in ("phase", "primary_need", "support_level")}
    for dimension, numbers in (tallies | {"provision": by_provision}).items():
        kind = BREAKDOWN_VOCABULARY[dimension]
        result[dimension] = breakdown(numbers, [(code, labels.term(kind, code)["label"]) for code in labels.order(kind)])
    return {dimension: result[dimension] for dimension in BREAKDOWNS}


def disciplines(people: pd.DataFrame, rooms_in_scope) -> list[dict]:
    """Who was in the rooms whose reviews are in scope, per discipline: people and rooms."""
    totals = people[people.room.isin(rooms_in_scope)].groupby("discipline").agg(people=("people", "sum"), rooms=("room", "nunique"))
    return [
        {"code": d.value, "label": d.label, "people": int(totals.loc[d.value, "people"]), "rooms": int(totals.loc[d.value, "rooms"])}
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
            top = group.word.value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable").head(10)
            phones = int(group.phone.nunique())
            by_role.append({"role": role, "label": Discipline(role).label, "answers": len(group), "phones": phones,
                            "small": phones < SMALL_NUMBER, "words": [{"word": w, "count": int(c)} for w, c in top.items()]})
        per_group = answered.groupby(["word", "role"]).size()
        compare = [
            {"word": w, "counts": [int(per_group.get((w, g["role"]), 0)) for g in by_role]}
            for w in counts.index[:10]
        ] if by_role else []
        polls.append({
            "id": int(poll_id), "question": answers.question.iloc[0], "workshop": answers.workshop_title.iloc[0],
            "answers": len(answers), "phones": int(answers.phone.nunique()),
            "words": [{"word": w, "count": int(c)} for w, c in counts.items()],
            "by_role": by_role,
            "compare": compare,
        })
    return polls


def process_maps(steps: pd.DataFrame, findings: pd.DataFrame) -> list[dict]:
    """Per map, per step: how many findings of each kind."""
    counts = findings.groupby(["step", "kind"]).size().to_dict()
    maps = []
    for map_id, map_steps in steps.sort_values(["map", "position", "step"]).groupby("map", sort=True):
        rows = [
            {"step": int(s.step), "position": int(s.position), "title": s.step_title,
             "counts": {kind: int(counts.get((s.step, kind), 0)) for kind in FindingKind.values}}
            for s in map_steps.itertuples()
        ]
        totals = {kind: sum(r["counts"][kind] for r in rows) for kind in FindingKind.values}
        maps.append({"id": int(map_id), "title": map_steps.map_title.iloc[0], "workshop": map_steps.workshop_title.iloc[0],
                     "steps": rows, "totals": totals, "findings": sum(totals.values())})
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


def build_report(organisation: Organisation, scope: Scope) -> dict:
    """Every figure of one scope, as plain JSON-ready data.

    The database groups and counts (a handful of GROUP BY queries, so time and memory follow the
    number of groups, not of reviews); pandas sums the groups into figures and labels them."""
    labels = Labels(organisation)
    by_provision_and_better = selectors.review_counts(organisation, scope, "provision", "better")
    for dimension in ("provision", "better"):
        by_provision_and_better[dimension] = by_provision_and_better[dimension].map(labels.code)
    overall = tally(by_provision_and_better, []).iloc[0]
    by_provision = tally(by_provision_and_better, ["provision"])
    by_place = selectors.review_counts(organisation, scope, "workshop", "room")
    figures = outcome(overall)

    def named(relation, reviews):
        counts = selectors.review_term_counts(organisation, scope, relation, reviews)
        return {labels.code(term_id): n for term_id, n in counts.items()}

    themes = named("themes", selectors.ANALYSED)
    return {
        "reviewed": int(overall.reviewed),
        "excluded": int(overall.excluded),
        "analysed": int(overall.analysed),
        "outcome": figures,
        "non_ideal_areas": term_counts(named("non_ideal_areas", selectors.NON_IDEAL), figures["non_ideal"], VocabularyKind.NON_IDEAL_AREA, labels),
        "themes": term_counts(themes, figures["n"], VocabularyKind.THEME, labels),
        "provision": provision_table(by_provision, labels),
        "provision_crosstab": provision_crosstab(by_provision_and_better, labels),
        "breakdowns": breakdowns(organisation, scope, by_place, by_provision, labels),
        "disciplines": disciplines(selectors.room_disciplines(organisation), by_place.room.dropna()),
        "polls": words_polls(selectors.words_frame(organisation, scope)),
        "process_maps": process_maps(selectors.steps_frame(organisation, scope), selectors.findings_frame(organisation, scope)),
        "combined_themes": combined_themes(themes, selectors.finding_themes_frame(organisation, scope), labels),
    }


def timed_report(organisation: Organisation, scope: Scope) -> tuple[dict, int]:
    started = time.perf_counter()
    figures = build_report(organisation, scope)
    return figures, round((time.perf_counter() - started) * 1000)
