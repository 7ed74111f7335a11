"""The improvement plan in the Power BI feed (docs/improvement.md, "In the Power BI feed"): six tables
registered into analytics' feed (analytics/feed/registry.py) by ImprovementConfig.ready(), read
with the same key, logged and written as CSV the same way as the dashboard tables.

Each function reads one LA's rows as they stand now (the key's LA: ``for_organisation``
everywhere). Only ``plan-follow-ups`` is about reviews, so only it is narrowed by ``?scope=``;
it follows the dashboards' rules for reviews: a case reviewed by several rooms counts once, every
share has its n and is flagged under 5, and nothing in it depends on the answer of a case some room
has still to give (it reads through the sealed scope, as a facilitator does, whoever holds the key)."""

from collections import Counter
from decimal import Decimal

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.feed.registry import FeedColumn, FeedTable, register_feed_table
from analytics.report_tables import SMALL_NOTE
from analytics.reports import SMALL_NUMBER
from analytics.sealing import sealed_review_condition
from analytics.selectors import NON_IDEAL, all_reviews_in, reviews_in
from casereview.exports import Share
from improvement import selectors
from improvement.models import (
    Action,
    CaseFollowUp,
    FollowUpOutcome,
    Kpi,
    MonitoringUpdate,
    Rating,
    Recommendation,
    Risk,
    UpdateActionRating,
)
from improvement.periods import period_label

# A rating as the feed writes it: the board paper's words, lower case.
RATING_WORDS = {
    Rating.RED: "red",
    Rating.AMBER: "amber",
    Rating.GREEN: "green",
    Rating.BLUE: "complete",
    Rating.NOT_RATED: "not yet rated",
}
LIST_SEPARATOR = "; "
# plan-updates' "counted_from"
FROM_RATINGS = "ratings"
FROM_SUMMARY = "frozen summary"


def _rating_word(rating: str) -> str:
    return RATING_WORDS[Rating(rating or "")]


def _number(value):
    """A decimal as JSON and CSV read it: 90 rather than "90.00", 87.5 rather than "87.50"."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value) -> str:
    return value.isoformat() if value else ""


# --- plan-actions -------------------------------------------------------------------------------


def _ratings_at_latest_updates(organisation) -> dict[int, str]:
    """Action id -> its rating at its plan's latest monitoring update (actions added since, or an
    update frozen before every action's rating was kept, give none)."""
    latest = {}
    newest_first = MonitoringUpdate.objects.for_organisation(organisation).order_by("-as_of", "-frozen_at", "-pk")
    for update_id, plan_id in newest_first.values_list("pk", "plan_id"):
        latest.setdefault(plan_id, update_id)
    return dict(
        UpdateActionRating.objects.filter(update_id__in=latest.values(), action__isnull=False).values_list(
            "action_id", "rating"
        )
    )


def action_rows(organisation, scope=None) -> list[list]:
    today = timezone.localdate()
    previous = _ratings_at_latest_updates(organisation)
    actions = (
        Action.objects.for_organisation(organisation)
        .select_related("focus_area__workstream__plan", "owner_member")
        .order_by(
            "focus_area__workstream__plan__title",
            "focus_area__workstream__position",
            "focus_area__workstream__name",
            "focus_area__sort_key",
            "focus_area_id",
            "sort_key",
            "due",
            "pk",
        )
    )
    return [
        [
            action.focus_area.workstream.plan.title,
            action.focus_area.workstream.name,
            action.focus_area.ref,
            action.focus_area.statement,
            action.ref,
            action.title,
            action.owner_label,
            _date(action.due),
            action.get_status_display(),
            _rating_word(action.rating),
            _rating_word(previous[action.pk]) if action.pk in previous else "",
            action.is_overdue(today),
            action.updated_at.isoformat(),
        ]
        for action in actions
    ]


ACTIONS = FeedTable(
    name="plan-actions",
    title="Improvement plan: every action (milestone) with its rating",
    columns=(
        FeedColumn("plan", "The plan's title."),
        FeedColumn("workstream", "The workstream the action's focus area belongs to."),
        FeedColumn("focus_area_ref", "The focus area's reference as the plan writes it (1, 1.B, 14–15)."),
        FeedColumn("focus_area", "The focus area's statement."),
        FeedColumn("ref", "The action's reference as the plan writes it (blank if it has none)."),
        FeedColumn("action", "What is to be done."),
        FeedColumn("owner", "Who owns it: a staff role, or the name of a member of the LA."),
        FeedColumn("due_date", "When it is due (YYYY-MM-DD)."),
        FeedColumn("status", "Not started, In progress, Complete or Stopped."),
        FeedColumn("rating", "red, amber, green, complete (blue on a board paper) or not yet rated."),
        FeedColumn(
            "previous_rating",
            "Its rating at the plan's latest monitoring update, in the same words; blank if the action "
            "was not in that update (or the plan has none yet).",
        ),
        FeedColumn("overdue", "true when past its due date and neither complete nor stopped."),
        FeedColumn("updated_at", "When the action was last saved (ISO 8601)."),
    ),
    rows=action_rows,
    note="Ordered by plan, workstream, focus area and reference (references sort naturally: 2 before 10).",
)


# --- plan-risks ---------------------------------------------------------------------------------


def risk_rows(organisation, scope=None) -> list[list]:
    today = timezone.localdate()
    risks = (
        Risk.objects.for_organisation(organisation)
        .select_related("plan")
        .order_by("plan__title", "closed", "sort_key", "review_date", "pk")
    )
    return [
        [
            risk.plan.title,
            risk.ref,
            risk.kind,
            risk.title,
            risk.rag,
            risk.owner,
            _date(risk.review_date),
            risk.review_overdue(today),
            risk.closed,
        ]
        for risk in risks
    ]


RISKS = FeedTable(
    name="plan-risks",
    title="Improvement plan: the risks and issues register",
    columns=(
        FeedColumn("plan", "The plan's title."),
        FeedColumn("ref", "The risk's reference as the register writes it (blank if it has none)."),
        FeedColumn("type", "risk or issue."),
        FeedColumn("title", "The risk or issue."),
        FeedColumn("rag", "red, amber or green."),
        FeedColumn("owner", "Who owns it: a staff role or a member of staff."),
        FeedColumn("review_date", "When it is next reviewed (YYYY-MM-DD)."),
        FeedColumn("review_overdue", "true when still open and its review date has passed."),
        FeedColumn("closed", "true once closed; closed ones come after the open ones."),
    ),
    rows=risk_rows,
)


# --- plan-kpis ----------------------------------------------------------------------------------


def _kpi_rag(kpi: Kpi, value) -> str:
    """The value's RAG against the target, as the plan rates it; none for a KPI that is a trend
    only (neither higher nor lower is better) or has no target."""
    if kpi.direction == Kpi.Direction.NEUTRAL:
        return ""
    return selectors.kpi_rag(kpi, value) or ""


def kpi_rows(organisation, scope=None) -> list[list]:
    kpis = (
        Kpi.objects.for_organisation(organisation)
        .select_related("plan__organisation")
        .prefetch_related("values", "focus_areas")
        .order_by("plan__title", "kind", "name", "pk")
    )
    figures = None
    if any(kpi.is_computed and kpi.source != Kpi.Source.FOLLOW_UPS_DONE for kpi in kpis):
        figures = selectors.report_figures(organisation).figures  # read once, as the dashboard's
    rows = []
    for kpi in kpis:
        focus_areas = LIST_SEPARATOR.join(area.ref for area in kpi.focus_areas.all())
        frequency = selectors.series_frequency(kpi)  # a computed KPI's periods are its source's
        for period, value in selectors.kpi_series(kpi, figures):
            rows.append(
                [
                    kpi.plan.title,
                    kpi.name,
                    kpi.kind,
                    kpi.unit,
                    frequency,
                    period_label(frequency, period),
                    period.isoformat(),
                    _number(value),
                    _number(kpi.baseline),
                    _number(kpi.target),
                    kpi.direction,
                    _kpi_rag(kpi, value),
                    focus_areas,
                    kpi.source,
                ]
            )
    return rows


KPIS = FeedTable(
    name="plan-kpis",
    title="Improvement plan: KPI values, one row per KPI and period",
    columns=(
        FeedColumn("plan", "The plan's title."),
        FeedColumn("kpi", "The KPI's name."),
        FeedColumn("kind", "how_much, how_well or difference (how much we did, how well, what difference it made)."),
        FeedColumn("unit", "e.g. %, reviews, days."),
        FeedColumn(
            "frequency",
            "What names the periods: monthly, quarterly, termly, annual (academic year), per_workshop or ad_hoc "
            "(a computed KPI's: its source's).",
        ),
        FeedColumn(
            "period",
            "The period named by the KPI's frequency: 2026-05 (a month), 2026/27 Q1 (a financial quarter), "
            "2025/26 Autumn term, 2025/26 (an academic year), or the day (per workshop, ad hoc).",
        ),
        FeedColumn("period_start", "The period's first day (YYYY-MM-DD), to sort and to put on a date axis."),
        FeedColumn("value", "The KPI's value for the period."),
        FeedColumn("baseline", "Where the KPI started (blank if none was given)."),
        FeedColumn("target", "The KPI's target (blank if none)."),
        FeedColumn(
            "direction", "up (higher is better), down (lower is better) or neutral (a trend only, never rated)."
        ),
        FeedColumn(
            "rag",
            "The value against the target: green on or beyond it, amber within 10% of it, red further off; "
            "blank without a target or for a neutral KPI.",
        ),
        FeedColumn("focus_area_refs", "References of the focus areas the KPI evidences, separated by “; ”."),
        FeedColumn(
            "source", "manual (entered or imported) or how it is computed from the reviews, as the dashboard counts."
        ),
    ),
    rows=kpi_rows,
    note="A KPI without any value yet has no row.",
)


# --- plan-recommendations -----------------------------------------------------------------------


def recommendation_rows(organisation, scope=None) -> list[list]:
    actions = Action.objects.order_by("sort_key", "due", "pk")
    recommendations = (
        Recommendation.objects.for_organisation(organisation)
        .select_related("plan", "theme")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("plan__title", "sort_key", "pk")
    )
    rows = []
    for recommendation in recommendations:
        accepted = list(recommendation.actions.all())
        rows.append(
            [
                recommendation.plan.title,
                recommendation.ref,
                recommendation.theme.label,
                recommendation.text,
                recommendation.get_decision_display(),
                recommendation.reason,
                recommendation.decided_at.isoformat() if recommendation.decided_at else "",
                LIST_SEPARATOR.join(" ".join(filter(None, (a.ref, a.title))) for a in accepted),
                LIST_SEPARATOR.join(a.get_status_display() for a in accepted),
            ]
        )
    return rows


RECOMMENDATIONS = FeedTable(
    name="plan-recommendations",
    title="Improvement plan: recommendations, their decisions and the actions that carry them out",
    columns=(
        FeedColumn("plan", "The plan's title."),
        FeedColumn("ref", "The recommendation's reference as the review writes it."),
        FeedColumn("theme", "The theme it answers."),
        FeedColumn("recommendation", "The recommendation."),
        FeedColumn("decision", "Not decided yet, Accepted, Deferred or Declined."),
        FeedColumn("reason", "Why it was deferred or declined (or any note on the decision)."),
        FeedColumn("decided_at", "When it was decided (ISO 8601; blank until then)."),
        FeedColumn("actions", "The actions that carry it out, each as reference and title, separated by “; ”."),
        FeedColumn("action_statuses", "Each of those actions' status, in the same order, separated by “; ”."),
    ),
    rows=recommendation_rows,
)


# --- plan-updates -------------------------------------------------------------------------------


def _counts_from_summary(rag: dict) -> list:
    """An update frozen before every action's rating was kept: its own RAG by workstream. It
    counted red, amber and green; complete and not yet rated only where it says so."""

    def first_of(*keys):
        return next((rag[key] for key in keys if key in rag), None)

    return [
        rag.get("red", 0),
        rag.get("amber", 0),
        rag.get("green", 0),
        first_of("blue", "complete"),
        first_of("", "not_rated", "not_yet_rated"),
    ]


def update_rows(organisation, scope=None) -> list[list]:
    updates = list(
        MonitoringUpdate.objects.for_organisation(organisation)
        .select_related("plan", "meeting")
        .order_by("plan__title", "as_of", "frozen_at", "pk")
    )
    ratings: dict[int, dict[str, Counter]] = {}
    for update_id, workstream, rating in UpdateActionRating.objects.filter(update__in=updates).values_list(
        "update_id", "workstream", "rating"
    ):
        ratings.setdefault(update_id, {}).setdefault(workstream, Counter())[rating or ""] += 1
    rows = []
    for update in updates:
        frozen = {w.get("name", ""): w.get("rag") or {} for w in (update.content or {}).get("workstreams", [])}
        counted = ratings.get(update.pk)
        if counted is not None:
            # The update's own order of workstreams; one with no action then counts nothing.
            names = list(dict.fromkeys([*frozen, *counted]))
            by_workstream = [
                (name, [counted.get(name, Counter())[rating] for rating in RATING_WORDS], FROM_RATINGS)
                for name in names
            ]
        else:
            by_workstream = [(name, _counts_from_summary(rag), FROM_SUMMARY) for name, rag in frozen.items()]
        for name, counts, source in by_workstream:
            rows.append(
                [
                    update.plan.title,
                    update.title,
                    _date(update.as_of),
                    update.meeting.board if update.meeting else "",
                    _date(update.meeting.date) if update.meeting else "",
                    name,
                    *counts,
                    source,
                ]
            )
    return rows


UPDATES = FeedTable(
    name="plan-updates",
    title="Improvement plan: RAG by workstream at each monitoring update",
    columns=(
        FeedColumn("plan", "The plan's title."),
        FeedColumn("update", "The monitoring update's title."),
        FeedColumn("as_of", "The date the update reports on (YYYY-MM-DD)."),
        FeedColumn("meeting_board", "The board it went to, if it is attached to a reporting meeting."),
        FeedColumn("meeting_date", "That meeting's date (YYYY-MM-DD), if any."),
        FeedColumn("workstream", "The workstream, as named when the update was frozen."),
        FeedColumn("red", "Actions rated red at the update."),
        FeedColumn("amber", "Actions rated amber."),
        FeedColumn("green", "Actions rated green."),
        FeedColumn("complete", "Actions complete (blue on a board paper)."),
        FeedColumn("not_yet_rated", "Actions not yet rated."),
        FeedColumn(
            "counted_from",
            "ratings: every action's rating kept with the update; frozen summary: an update frozen before "
            "those were kept, counted from its own RAG by workstream, where complete and not yet rated are "
            "blank unless it counted them (a complete action counted by its RAG then).",
        ),
    ),
    rows=update_rows,
    note="Updates are frozen: their rows never change, whatever happens to the plan later.",
)


# --- plan-follow-ups ----------------------------------------------------------------------------


def _small(n: int) -> str:
    return f"Small numbers ({SMALL_NOTE})" if n < SMALL_NUMBER else ""


def _share(count: int, n: int) -> Share:
    return Share(count / n if n else None)


def follow_up_rows(organisation, scope) -> list[list]:
    """Of the non-ideal reviews in scope (a case reviewed by several rooms once, as every report
    counts it): how many were followed up, and what the latest follow-up of each found. Read
    through the sealed scope: a case some room has still to answer is in no figure (only in the
    count of hidden reviews, which is the same whatever anyone answered), so no follow-up ever
    gives away a blind review's pending answer."""
    group = Coalesce("allocation__first_allocation_id", "allocation_id")
    non_ideal_cases = set(
        reviews_in(organisation, scope.with_sealed())
        .filter(NON_IDEAL)
        .annotate(group=group)
        .values_list("group", flat=True)
    )
    latest: dict[int, str] = {}
    for case_group, outcome in (
        CaseFollowUp.objects.for_organisation(organisation)
        .annotate(group=Coalesce("review__allocation__first_allocation_id", "review__allocation_id"))
        .filter(group__in=non_ideal_cases)
        .order_by("group", "date", "pk")
        .values_list("group", "outcome")
    ):
        latest[case_group] = outcome  # ordered by date: the last one wins
    hidden = all_reviews_in(organisation, scope.without_sealed()).filter(sealed_review_condition(organisation)).count()
    non_ideal, followed = len(non_ideal_cases), len(latest)
    outcomes = Counter(latest.values())
    return [
        ["Reviews whose outcome was not ideal", non_ideal, "", "", _small(non_ideal)],
        ["Followed up", followed, _share(followed, non_ideal), non_ideal, _small(non_ideal)],
        [
            "Not followed up yet",
            non_ideal - followed,
            _share(non_ideal - followed, non_ideal),
            non_ideal,
            _small(non_ideal),
        ],
        *(
            [
                f"Latest follow-up found: {outcome.label}",
                outcomes[outcome.value],
                _share(outcomes[outcome.value], followed),
                followed,
                _small(followed),
            ]
            for outcome in FollowUpOutcome
        ),
        ["Reviews hidden until every room has answered them (in no figure above)", hidden, "", "", ""],
    ]


FOLLOW_UPS = FeedTable(
    name="plan-follow-ups",
    title="Follow-ups of the non-ideal reviews: how many were followed up, and what changed",
    columns=(
        FeedColumn("figure", "What is counted."),
        FeedColumn("reviews", "How many reviews (a case reviewed by several rooms counts once)."),
        FeedColumn("share", "The share of n (e.g. 40%); “—” when n is 0."),
        FeedColumn("n", "What the share is of: the non-ideal reviews, or the followed-up ones."),
        FeedColumn("note", "Small numbers flagged, as on the dashboard (n under 5: treat with caution)."),
    ),
    rows=follow_up_rows,
    scoped=True,
    note=(
        "Counts only, never a case or a child. Reviews of a case some room has still to answer (blind "
        "double review, calibration) are left out until every room has answered, for everyone who reads "
        "the feed."
    ),
)


TABLES = (ACTIONS, RISKS, KPIS, FOLLOW_UPS, RECOMMENDATIONS, UPDATES)


def register() -> None:
    for table in TABLES:
        register_feed_table(table)
