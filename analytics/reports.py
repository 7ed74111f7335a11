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
        self._labels = selectors.vocabulary_labels(organisation)

    def term(self, kind: str, code) -> dict:
        label, retired = self._labels.get((kind, code), (code or "—", False))
        return {"code": code, "label": label, "retired": retired}

    def order(self, kind: str) -> list[str]:
        return [code for (k, code) in self._labels if k == kind]


def outcome(reviews: pd.DataFrame) -> dict:
    analysed = reviews[reviews.consensus & reviews.ideal.notna()]
    ideal = int((analysed.ideal == True).sum())  # noqa: E712 - a pandas column, not a bool
    n = len(analysed)
    return {
        "ideal": ideal,
        "non_ideal": n - ideal,
        "ideal_share": _share(ideal, n),
        "non_ideal_share": _share(n - ideal, n),
        "ci95": _wilson(n - ideal, n),
        "n": n,
        "small": n < SMALL_NUMBER,
    }


def term_counts(links: pd.DataFrame, reviews: pd.DataFrame, kind: str, labels: Labels) -> list[dict]:
    """How many of ``reviews`` named each term; share of those reviews. Every current term is
    listed (0 too); a retired one only where a review named it."""
    named = links[links.review.isin(reviews.review)].drop_duplicates()
    counts = named.groupby("code").review.nunique().to_dict()
    n = len(reviews)
    rows = []
    for code in labels.order(kind):
        term = labels.term(kind, code)
        if term["retired"] and code not in counts:
            continue
        count = int(counts.get(code, 0))
        rows.append({**term, "count": count, "share": _share(count, n), "n": n, "small": n < SMALL_NUMBER})
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


def provision_table(analysed: pd.DataFrame, excluded: pd.DataFrame, labels: Labels) -> list[dict]:
    rows = []
    for code in labels.order(VocabularyKind.PROVISION):
        here = analysed[analysed.provision == code]
        left_out = int((excluded.provision == code).sum())
        if here.empty and not left_out:
            continue
        ideal = int((here.ideal == True).sum())  # noqa: E712
        rows.append({
            **labels.term(VocabularyKind.PROVISION, code),
            "reviewed": len(here), "ideal": ideal, "ideal_share": _share(ideal, len(here)),
            "excluded": left_out, "small": len(here) < SMALL_NUMBER,
        })
    return rows


def provision_crosstab(non_ideal: pd.DataFrame, labels: Labels) -> list[dict]:
    pairs = non_ideal.groupby(["provision", "better"], dropna=False).size()
    order = {code: i for i, code in enumerate(labels.order(VocabularyKind.PROVISION))}
    rows = [
        {
            "current": current, "better": better, "count": int(count),
            "current_label": labels.term(VocabularyKind.PROVISION, current)["label"],
            "better_label": labels.term(VocabularyKind.PROVISION, better)["label"] if isinstance(better, str) else "Not recorded",
        }
        for (current, better), count in pairs.items()
    ]
    return sorted(rows, key=lambda r: (order.get(r["current"], 99), order.get(r["better"], 99)))


def breakdown(reviews: pd.DataFrame, dimension: str, labels: Labels) -> list[dict]:
    if reviews.empty:
        return []
    if dimension == "workshop":
        keys = reviews.sort_values(["workshop_date", "workshop_title"])[["workshop", "workshop_title"]].drop_duplicates()
        groups = [(int(k), title) for k, title in keys.itertuples(index=False)]
    elif dimension == "room":
        keys = reviews.dropna(subset=["room"])[["room", "room_name", "workshop_title"]].drop_duplicates()
        groups = [(int(k), f"{name} ({workshop})") for k, name, workshop in keys.itertuples(index=False)]
    else:
        kind = BREAKDOWN_VOCABULARY[dimension]
        present = set(reviews[dimension])
        groups = [(code, labels.term(kind, code)["label"]) for code in labels.order(kind) if code in present]
    rows = []
    for key, label in groups:
        group = reviews[reviews[dimension] == key]
        figures = outcome(group)
        rows.append({
            "key": key, "label": label, "reviewed": len(group), "excluded": int((~group.consensus).sum()),
            "analysed": figures["n"], "ideal": figures["ideal"], "non_ideal": figures["non_ideal"],
            "non_ideal_share": figures["non_ideal_share"], "small": figures["small"],
        })
    return rows


def disciplines(people: pd.DataFrame) -> list[dict]:
    totals = people.groupby("discipline").agg(people=("people", "sum"), rooms=("room", "nunique"))
    return [
        {"code": d.value, "label": d.label, "people": int(totals.loc[d.value, "people"]), "rooms": int(totals.loc[d.value, "rooms"])}
        for d in Discipline
        if d.value in totals.index
    ]


def words_polls(words: pd.DataFrame) -> list[dict]:
    polls = []
    for poll_id, answers in words.groupby("poll", sort=True):
        counts = answers.word.value_counts()
        counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        by_role = []
        for role, group in answers[answers.role != ""].groupby("role"):
            top = group.word.value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable").head(10)
            by_role.append({"role": role, "label": Discipline(role).label, "answers": len(group),
                            "words": [{"word": w, "count": int(c)} for w, c in top.items()]})
        polls.append({
            "id": int(poll_id), "question": answers.question.iloc[0], "workshop": answers.workshop_title.iloc[0],
            "answers": len(answers), "phones": int(answers.phone.nunique()),
            "words": [{"word": w, "count": int(c)} for w, c in counts.items()],
            "by_role": by_role,
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


def combined_themes(review_links: pd.DataFrame, analysed: pd.DataFrame, finding_links: pd.DataFrame, labels: Labels) -> list[dict]:
    """Each theme, counted in the analysed case reviews and in process map findings, side by side."""
    in_reviews = review_links[review_links.review.isin(analysed.review)].groupby("code").review.nunique().to_dict()
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
    """Every figure of one scope, as plain JSON-ready data."""
    labels = Labels(organisation)
    reviews = selectors.review_frame(organisation, scope)
    reviews["consensus"] = reviews.consensus.astype(bool)
    analysed = reviews[reviews.consensus & reviews.ideal.notna()]
    excluded = reviews[~reviews.consensus]
    non_ideal = analysed[analysed.ideal == False]  # noqa: E712
    review_themes = selectors.review_terms_frame(organisation, scope, "themes")
    return {
        "reviewed": len(reviews),
        "excluded": len(excluded),
        "analysed": len(analysed),
        "outcome": outcome(reviews),
        "non_ideal_areas": term_counts(
            selectors.review_terms_frame(organisation, scope, "non_ideal_areas"), non_ideal, VocabularyKind.NON_IDEAL_AREA, labels
        ),
        "themes": term_counts(review_themes, analysed, VocabularyKind.THEME, labels),
        "provision": provision_table(analysed, excluded, labels),
        "provision_crosstab": provision_crosstab(non_ideal, labels),
        "breakdowns": {dimension: breakdown(reviews, dimension, labels) for dimension in BREAKDOWNS},
        "disciplines": disciplines(selectors.discipline_frame(organisation, scope)),
        "polls": words_polls(selectors.words_frame(organisation, scope)),
        "process_maps": process_maps(selectors.steps_frame(organisation, scope), selectors.findings_frame(organisation, scope)),
        "combined_themes": combined_themes(review_themes, analysed, selectors.finding_themes_frame(organisation, scope), labels),
    }


def timed_report(organisation: Organisation, scope: Scope) -> tuple[dict, int]:
    started = time.perf_counter()
    figures = build_report(organisation, scope)
    return figures, round((time.perf_counter() - started) * 1000)
