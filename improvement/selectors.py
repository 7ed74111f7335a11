"""Reads of the improvement plan: the plan as it stands (for its pages, `plan_report` and frozen
updates), evidence figures from the report snapshots, KPI series and their RAG, follow-ups.

Evidence figures (a theme's share, reviews per workshop) come from the report snapshots that the
dashboards show (analytics), never from a count of our own: the plan quotes the same numbers."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from analytics.scopes import Scope
from analytics.selectors import reviews_in
from analytics.snapshots import compute_snapshot, snapshot_to_read
from casereview.models import VocabularyTerm
from casereview.tenancy import for_member
from casereview.vocabularies import VocabularyKind
from improvement.board_paper import RatingsAt, actions_as_of, travel
from improvement.models import (
    Action,
    CaseFollowUp,
    FocusArea,
    FollowUpOutcome,
    Kpi,
    KpiKind,
    Plan,
    Rag,
    Risk,
    Workstream,
)
from improvement.periods import period_label
from workshops.models import Workshop

# Within this fraction of the target (on the wrong side) a KPI is amber; further off, red.
KPI_AMBER_MARGIN = Decimal("0.10")


def plans_for(user):
    return for_member(user, Plan)


def plan_tree(plan: Plan):
    """The plan's workstreams, each with its focus areas and their actions (themes, findings,
    notes and next steps read in a handful of queries)."""
    actions = Action.objects.select_related("funnel_dataset", "owner_member").prefetch_related(
        "themes", "findings", "progress_notes", "next_steps"
    )
    areas = FocusArea.objects.select_related("funnel_dataset").prefetch_related(
        "themes", "findings", "kpis", Prefetch("actions", queryset=actions)
    )
    return plan.workstreams.prefetch_related(Prefetch("focus_areas", queryset=areas))


# --- evidence from the report snapshots -------------------------------------------------------


@dataclass
class ReportFigures:
    figures: dict | None
    computed_at: datetime.datetime | None
    stale: bool


def report_figures(organisation, scope_key: str = "all", *, compute_if_stale: bool = False) -> ReportFigures:
    """The LA's report snapshot for a scope, read as the dashboard reads it
    (``analytics.snapshots.snapshot_to_read``): a missing or stale one asks for a refresh, computed
    at once in the embedded default, where no worker runs. With ``compute_if_stale`` (a command, a
    frozen update: they must quote current figures) one still stale is computed here by the report
    task's own code and stored, as the task would."""
    scope = Scope.parse(scope_key)
    snapshot, stale = snapshot_to_read(organisation, scope)
    if stale and compute_if_stale:
        snapshot, stale = compute_snapshot(organisation.pk, scope.key), False
    return ReportFigures(snapshot.figures if snapshot else None, snapshot.computed_at if snapshot else None, stale)


def theme_shares(organisation, figures: dict | None = None) -> dict[str, dict]:
    """Theme code -> {label, count, n, share, small}: how many of the non-ideal reviews named the
    theme, as the report snapshot says (docs/design.md, "Report definitions": a theme as a
    barrier, over the non-ideal reviews). A snapshot from before barriers were counted gives no
    figure until it is recomputed."""
    if figures is None:
        figures = report_figures(organisation).figures
    if not figures:
        return {}
    return {
        row["code"]: {
            "label": row["label"],
            "count": row["barrier_count"],
            "n": row["barrier_n"],
            "share": row["barrier_share"],
            "small": row["barrier_small"],
        }
        for row in figures.get("themes", [])
        if "barrier_n" in row
    }


def themes_without_action(organisation, plans=None) -> list[VocabularyTerm]:
    """The LA's current themes that no action of its plans answers (citing it, or in a focus area that
    cites it): the gaps. A focus area citing a theme without any action yet leaves it a gap."""
    plans = plans if plans is not None else Plan.objects.for_organisation(organisation)
    cited = set(Action.objects.filter(focus_area__workstream__plan__in=plans).values_list("themes", flat=True))
    cited |= set(
        FocusArea.objects.filter(workstream__plan__in=plans, actions__isnull=False).values_list("themes", flat=True)
    )
    themes = VocabularyTerm.objects.for_organisation(organisation).filter(
        kind=VocabularyKind.THEME, retired_at__isnull=True
    )
    return [theme for theme in themes.order_by("position", "label") if theme.pk not in cited]


def actions_by_theme(organisation) -> dict[int, list[Action]]:
    """Theme id -> the actions of the LA's plans that cite it (directly or through their focus area)."""
    actions = (
        Action.objects.for_organisation(organisation)
        .select_related("focus_area__workstream__plan")
        .prefetch_related("themes", "focus_area__themes")
    )
    by_theme: dict[int, list[Action]] = {}
    for action in actions:
        for theme_id in {t.pk for t in action.themes.all()} | {t.pk for t in action.focus_area.themes.all()}:
            by_theme.setdefault(theme_id, []).append(action)
    return by_theme


# --- KPIs ---------------------------------------------------------------------------------------

# A computed KPI's values come in its source's own periods, whatever frequency it was given.
COMPUTED_FREQUENCY = {
    Kpi.Source.REVIEWS_PER_MONTH: Kpi.Frequency.MONTHLY,
    Kpi.Source.NON_IDEAL_SHARE: Kpi.Frequency.PER_WORKSHOP,
    Kpi.Source.FOLLOW_UPS_DONE: Kpi.Frequency.MONTHLY,
}
# How many of the latest values a monitoring update shows.
KPI_RECENT_VALUES = 3


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def series_frequency(kpi: Kpi) -> str:
    """The frequency that names the KPI's periods: its own, or its computing source's."""
    return COMPUTED_FREQUENCY.get(kpi.source, kpi.frequency)


def computed_series(kpi: Kpi, figures: dict | None = None) -> list[tuple[datetime.date, Decimal]]:
    """A computed KPI's values by period. Review figures are the report snapshot's per-workshop
    breakdown (the numbers the dashboard shows), dated by the workshop's date."""
    organisation = kpi.plan.organisation
    if kpi.source == Kpi.Source.FOLLOW_UPS_DONE:
        dates = CaseFollowUp.objects.for_organisation(organisation).values_list("date", flat=True)
        counts = Counter(_month(day) for day in dates)
        return [(period, Decimal(count)) for period, count in sorted(counts.items())]
    if figures is None:
        figures = report_figures(organisation).figures
    rows = (figures or {}).get("breakdowns", {}).get("workshop", [])
    dates = dict(
        Workshop.objects.for_organisation(organisation)
        .filter(pk__in=[r["key"] for r in rows])
        .values_list("pk", "date")
    )
    if kpi.source == Kpi.Source.REVIEWS_PER_MONTH:
        per_month = Counter()
        for row in rows:
            if row["key"] in dates:
                per_month[_month(dates[row["key"]])] += row["reviewed"]
        return [(period, Decimal(count)) for period, count in sorted(per_month.items())]
    if kpi.source == Kpi.Source.NON_IDEAL_SHARE:
        series = [
            (dates[row["key"]], (Decimal(str(row["non_ideal_share"])) * 100).quantize(Decimal("0.1")))
            for row in rows
            if row["key"] in dates and row["non_ideal_share"] is not None
        ]
        return sorted(series)
    return []


def kpi_series(kpi: Kpi, figures: dict | None = None) -> list[tuple[datetime.date, Decimal]]:
    if kpi.is_computed:
        return computed_series(kpi, figures)
    return [(v.period, v.value) for v in kpi.values.all()]


def kpi_rag(kpi: Kpi, value: Decimal | None) -> str | None:
    """Green on or beyond the target (in the KPI's direction), amber within 10% of it, red further off.
    No target, no value, or a KPI where neither higher nor lower is better (a trend only): no RAG."""
    if kpi.direction == Kpi.Direction.NEUTRAL or kpi.target is None or value is None:
        return None
    target, value = Decimal(kpi.target), Decimal(value)
    gap = (target - value) if kpi.direction == Kpi.Direction.UP else (value - target)
    if gap <= 0:
        return Rag.GREEN
    return Rag.AMBER if gap <= abs(target) * KPI_AMBER_MARGIN else Rag.RED


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def kpi_trend(direction: str, previous: dict | None, latest: dict | None) -> dict | None:
    """The direction of travel from the previous value to the latest, in words and an arrow:
    "↑ up 12 from 2025/26 Autumn term". For a KPI with a direction, whether that is better or worse.
    ``previous`` and ``latest`` are rows of a summary's values (period, label, value)."""
    if previous is None or latest is None:
        return None
    change = Decimal(str(latest["value"])) - Decimal(str(previous["value"]))
    arrow, word = ("↑", "up") if change > 0 else ("↓", "down") if change < 0 else ("→", "no change")
    amount = f" {_number(abs(change))}" if change else ""
    judged = ""
    if change and direction in (Kpi.Direction.UP, Kpi.Direction.DOWN):
        better = (change > 0) == (direction == Kpi.Direction.UP)
        judged = " (better)" if better else " (worse)"
    words = f"{word}{amount} from {previous['label']}{judged}"
    return {
        "arrow": arrow,
        "word": word,
        "change": _number(change),
        "since": previous["label"],
        "words": words,
        "text": f"{arrow} {words}",
    }


def kpi_summary(kpi: Kpi, figures: dict | None = None) -> dict:
    """A KPI as its pages, the monitoring update and `plan_report` show it. Periods carry their name
    in the KPI's frequency (``label``: "2025/26 Autumn term"); ``latest`` keeps the first day only,
    as `plan_report` has always given it. ``recent`` holds the last three values, oldest first."""
    frequency = series_frequency(kpi)
    values = [
        {"period": period.isoformat(), "label": period_label(frequency, period), "value": _number(value)}
        for period, value in kpi_series(kpi, figures)
    ]
    latest = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    return {
        "name": kpi.name,
        "kind": kpi.kind,
        "kind_label": KpiKind(kpi.kind).label,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "direction_label": Kpi.Direction(kpi.direction).label,
        "baseline": _number(kpi.baseline),
        "target": _number(kpi.target),
        "frequency": kpi.get_frequency_display(),
        "frequency_code": frequency,
        "source": kpi.get_source_display(),
        "latest": {"period": latest["period"], "value": latest["value"]} if latest else None,
        "latest_label": latest["label"] if latest else None,
        "rag": kpi_rag(kpi, latest["value"] if latest else None),
        "trend": kpi_trend(kpi.direction, previous, latest),
        "focus_areas": [area.ref for area in kpi.focus_areas.all()],
        "recent": values[-KPI_RECENT_VALUES:],
        "values": values,
    }


# --- the plan as it stands -------------------------------------------------------------------


def _rag_counts(rags) -> dict[str, int]:
    counts = Counter(rags)
    return {rag: counts.get(rag, 0) for rag in Rag.values}


def _rating_counts(ratings) -> dict[str, int]:
    """Actions by the board paper's rating: blue is Complete, not_rated the not yet rated."""
    counts = Counter(rating or "not_rated" for rating in ratings)
    return {key: counts.get(key, 0) for key in ("red", "amber", "green", "blue", "not_rated")}


def plan_overview(plan: Plan, today: datetime.date | None = None, *, compute_if_stale: bool = False) -> dict:
    """The plan as it stands: the JSON of `manage.py plan_report` (its shape is in docs/improvement.md)."""
    today = today or timezone.localdate()
    figures = report_figures(plan.organisation, compute_if_stale=compute_if_stale).figures
    workstreams, overdue = [], []
    tree = list(plan_tree(plan))
    # RAG, status and overdue as they stood at the end of ``today`` (plan_report --as-of): board_paper.
    states = actions_as_of([a for w in tree for area in w.focus_areas.all() for a in area.actions.all()], today)
    for workstream in tree:
        actions = [action for area in workstream.focus_areas.all() for action in area.actions.all()]
        actions = [action for action in actions if action.pk in states]
        late = [action for action in actions if states[action.pk].overdue]
        workstreams.append(
            {
                "name": workstream.name,
                "focus_areas": len(workstream.focus_areas.all()),
                "actions": len(actions),
                "rag": _rag_counts(states[a.pk].rag for a in actions),
                # The board paper's counts: Complete apart from Green, and the not yet rated.
                "ratings": _rating_counts(states[a.pk].rating for a in actions),
                "overdue": len(late),
            }
        )
        overdue += [
            {"title": a.title, "owner": a.owner_label, "due": a.due.isoformat(), "rag": states[a.pk].rag} for a in late
        ]
    risks = plan.risks.filter(closed=False)
    return {
        "plan": plan.title,
        "as_of": today.isoformat(),
        "workstreams": workstreams,
        "overdue_actions": sorted(overdue, key=lambda a: (a["due"], a["title"])),
        "risks": _rag_counts(risk.rag for risk in risks),
        "kpis": [
            {key: summary[key] for key in ("name", "kind", "unit", "target", "latest", "rag")}
            for summary in (kpi_summary(kpi, figures) for kpi in plan.kpis.prefetch_related("values"))
        ],
        "themes_without_action": [theme.label for theme in themes_without_action(plan.organisation, [plan])],
    }


def plan_content(plan: Plan, *, today: datetime.date, highlights: list[str], previous=None) -> dict:
    """Everything a monitoring update shows, as plain data (seed 003's layout): frozen into the update.
    ``previous`` is the plan's update before it: each action's rating there, and the direction of
    travel since (improvement/board_paper.py)."""
    before = RatingsAt(previous)
    figures = report_figures(plan.organisation, compute_if_stale=True).figures
    shares = theme_shares(plan.organisation, figures)

    def evidence(item) -> list[str]:
        lines = []
        for theme in item.themes.all():
            share = shares.get(theme.code)
            if share and share["n"]:
                lines.append(
                    f"Theme: {theme.label} "
                    f"(named in {share['count']} of {share['n']} non-ideal reviews, {share['share'] * 100:.0f}%)"
                )
            else:
                lines.append(f"Theme: {theme.label}")
        lines += [f"{finding.get_kind_display()}: {finding.text}" for finding in item.findings.all()]
        if item.funnel_finding or item.funnel_dataset:
            source = f" ({item.funnel_dataset.name})" if item.funnel_dataset else ""
            lines.append(f"Compare settings{source}: {item.funnel_finding or 'see the dataset'}")
        return lines

    workstreams = []
    for workstream in plan_tree(plan):
        areas = []
        all_actions = []
        for area in workstream.focus_areas.all():
            actions = []
            for action in area.actions.all():
                all_actions.append(action)
                previous_rating = before.get(action, workstream.name)
                actions.append(
                    {
                        "id": action.pk,
                        "ref": action.ref,
                        "title": action.title,
                        "owner": action.owner_label,
                        "due": action.due.isoformat(),
                        "status": action.get_status_display(),
                        "rag": action.rag,
                        "rating": action.rating,
                        "previous_rating": previous_rating,
                        "travel": travel(previous_rating, action.rating),
                        "overdue": action.is_overdue(today),
                        "issue": action.issue,
                        "mitigation": action.mitigation,
                        "evidence": evidence(action),
                        "progress": [
                            {"date": n.date.isoformat(), "text": n.text}
                            for n in action.progress_notes.all()
                            if n.date <= today
                        ],
                        "next_steps": [{"text": s.text, "done": s.done} for s in action.next_steps.all()],
                    }
                )
            areas.append({"ref": area.ref, "statement": area.statement, "evidence": evidence(area), "actions": actions})
        workstreams.append(
            {
                "name": workstream.name,
                "rag": _rag_counts(a.rag for a in all_actions),
                "ratings": _rating_counts(a.rating for a in all_actions),
                "focus_areas": areas,
            }
        )
    risks = [
        {
            "title": r.title,
            "detail": r.detail,
            "rag": r.rag,
            "impact": r.impact,
            "mitigation": r.mitigation,
            "owner": r.owner,
            "review_date": r.review_date.isoformat(),
            "review_overdue": r.review_overdue(today),
        }
        for r in plan.risks.filter(closed=False)
    ]
    return {
        "plan": plan.title,
        "as_of": today.isoformat(),
        "highlights": highlights,
        "workstreams": workstreams,
        "risks": risks,
        # Each KPI with its last three values, baseline, target, direction and RAG or trend.
        "kpis": [kpi_summary(kpi, figures) for kpi in plan.kpis.prefetch_related("values", "focus_areas")],
        "themes_without_action": [theme.label for theme in themes_without_action(plan.organisation, [plan])],
        "recommendations": _recommendations_content(plan),
        "previous_update": {"title": previous.title, "as_of": previous.as_of.isoformat()} if previous else None,
    }


def _recommendations_content(plan: Plan) -> list[dict]:
    """The plan's recommendations and their decisions, each accepted action with its rating now."""
    recommendations = plan.recommendations.select_related("theme").prefetch_related("actions")
    return [
        {
            "ref": r.ref,
            "theme": r.theme.label,
            "text": r.text,
            "decision": r.decision,
            "decision_label": r.get_decision_display(),
            "reason": r.reason,
            "actions": [
                {"ref": a.ref, "title": a.title, "status": a.get_status_display(), "rating": a.rating}
                for a in r.actions.all()
            ],
        }
        for r in recommendations
    ]


# --- follow-ups ---------------------------------------------------------------------------------


def non_ideal_reviews(organisation, scope: Scope | None = None):
    """The LA's reviews with consensus and an outcome that was not ideal: the ones worth following up.
    As every report reads them (``analytics.selectors.reviews_in``): a case reviewed by several rooms
    counts once, and a sealed scope (a facilitator's, during a blind double review) leaves out the
    reviews still sealed."""
    return reviews_in(organisation, scope or Scope()).filter(consensus_reached=True, ideal_outcome=False)


def follow_up_summary(organisation, scope: Scope | None = None) -> dict:
    """Of the non-ideal reviews in scope: how many were followed up, and what their latest follow-up says."""
    reviews = non_ideal_reviews(organisation, scope)
    latest: dict[int, str] = {}
    for review_id, outcome in (
        CaseFollowUp.objects.filter(review__in=reviews)
        .order_by("review_id", "date", "pk")
        .values_list("review_id", "outcome")
    ):
        latest[review_id] = outcome  # ordered by date: the last one wins
    counts = Counter(latest.values())
    return {
        "non_ideal": reviews.count(),
        "followed_up": len(latest),
        "outcomes": [{"code": o.value, "label": o.label, "count": counts.get(o.value, 0)} for o in FollowUpOutcome],
    }


def risks_of(plan: Plan):
    return Risk.objects.filter(plan=plan)


def workstreams_of(plan: Plan):
    return Workstream.objects.filter(plan=plan)
