"""The board paper's reads: every action's rating at a monitoring update, the previous update's
rating and the direction of travel, and the plan as at a date (for `plan_report --as-of`).

A rating is the BRAG of ``improvement.models.Rating``: red, amber, green, blue (complete) or ""
(not yet rated). Direction of travel orders them red < amber < green < blue; from "not yet rated"
to a rating is "rated", not an arrow."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from improvement.models import Action, ActionChange, ActionStatus, MonitoringUpdate, Rating

ORDER = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.BLUE: 3}

# Cell shading on paper and in Word: (fill, text), both as hex; every pair has a contrast of at
# least 4.5:1 (tests/improvement/test_board_paper_shading.py), and the word is always in the cell.
SHADES = {
    Rating.RED: ("C00000", "FFFFFF"),
    Rating.AMBER: ("FFC000", "000000"),
    Rating.GREEN: ("00B050", "000000"),
    Rating.BLUE: ("0070C0", "FFFFFF"),
}

# code -> (arrow, words)
TRAVEL = {
    "up": ("↑", "improved"),
    "down": ("↓", "worse"),
    # No arrow: "Amber → Amber → unchanged" read as two steps; "Amber → Amber (unchanged)" does not.
    "same": ("", "unchanged"),
    "rated": ("", "rated"),
    "unrated": ("", "no longer rated"),
    "new": ("", "new"),
}

# Status labels as frozen updates and history hold them (older ones said "Done").
_STATUS_BY_LABEL = {status.label: status.value for status in ActionStatus} | {"Done": ActionStatus.DONE}
_FINISHED = (ActionStatus.DONE, ActionStatus.STOPPED)


def rating_label(rating) -> str:
    try:
        return Rating(rating or "").label
    except ValueError:
        return "—"


def rating_of(rag: str, status: str) -> str:
    """The BRAG of a RAG and a status (value or label): blue once complete."""
    return Rating.BLUE if _STATUS_BY_LABEL.get(status, status) == ActionStatus.DONE else (rag or "")


def travel(previous: str | None, current: str) -> str:
    """The direction of travel from the previous update's rating (None: the action was not in it)."""
    if previous is None:
        return "new"
    previous, current = previous or "", current or ""
    if not previous:
        return "same" if not current else "rated"
    if not current:
        return "unrated"
    step = ORDER[current] - ORDER[previous]
    return "up" if step > 0 else "down" if step < 0 else "same"


def travel_text(previous: str | None, current: str, code: str) -> str:
    """ "Amber → Green ↑ improved", "Not yet rated → Amber (rated)", "New"."""
    if code == "new":
        return "New"
    arrow, words = TRAVEL[code]
    change = f"{rating_label(previous)} → {rating_label(current)}"
    return f"{change} {arrow} {words}" if arrow else f"{change} ({words})"


# --- the previous update ------------------------------------------------------------------------


def previous_update(plan, as_of: datetime.date, frozen_at: datetime.datetime | None = None, exclude=None):
    """The plan's latest update before (``as_of``, ``frozen_at``): an earlier as-at date, or the
    same one frozen earlier."""
    updates = MonitoringUpdate.objects.filter(plan=plan)
    if exclude is not None:
        updates = updates.exclude(pk=exclude.pk)
    earlier = Q(as_of__lt=as_of)
    if frozen_at is not None:
        earlier |= Q(as_of=as_of, frozen_at__lt=frozen_at)
    return updates.filter(earlier).order_by("-as_of", "-frozen_at", "-pk").first()


def latest_update_on_or_before(plan, day: datetime.date):
    return MonitoringUpdate.objects.filter(plan=plan, as_of__lte=day).order_by("-as_of", "-frozen_at", "-pk").first()


class RatingsAt:
    """Every action's rating at one update: its recorded rows, or (an update frozen before rows
    were recorded) its frozen content, matched by workstream and title."""

    def __init__(self, update: MonitoringUpdate | None):
        self.by_action: dict[int, str] = {}
        self.by_title: dict[tuple[str, str], str] = {}
        self.recorded = False
        if update is None:
            return
        rows = list(update.action_ratings.all())
        if rows:
            self.recorded = True
            self.by_action = {row.action_id: row.rating for row in rows if row.action_id}
            return
        for workstream in update.content.get("workstreams", []):
            for area in workstream.get("focus_areas", []):
                for action in area.get("actions", []):
                    self.by_title[(workstream["name"], action["title"])] = action.get(
                        "rating", rating_of(action.get("rag") or "", action.get("status", ""))
                    )

    def get(self, action: Action, workstream: str) -> str | None:
        if self.recorded:
            return self.by_action.get(action.pk)
        return self.by_title.get((workstream, action.title))


# --- a frozen update, as the board paper reads it -----------------------------------------------


def _area_ref(area: dict) -> str:
    return str(area.get("ref", area.get("number", "")) or "")


def board_paper(content: dict) -> dict:
    """The frozen ``content`` with every key the board paper reads. Updates frozen before ratings,
    references and recommendations were kept read as they were: their rating from RAG and status,
    no previous rating ("Not recorded"), no recommendations section."""
    paper = dict(content)
    workstreams = []
    for workstream in content.get("workstreams", []):
        counts = {"red": 0, "amber": 0, "green": 0, "blue": 0, "not_rated": 0}
        areas = []
        for area in workstream.get("focus_areas", []):
            actions = []
            for action in area.get("actions", []):
                rating = action.get("rating", rating_of(action.get("rag") or "", action.get("status", "")))
                counts[rating or "not_rated"] += 1
                code = action.get("travel")
                previous = action.get("previous_rating")
                actions.append(
                    {
                        **action,
                        "ref": action.get("ref", ""),
                        "rating": rating,
                        "rating_label": rating_label(rating),
                        "travel": code or "",
                        "travel_text": travel_text(previous, rating, code) if code else "Not recorded",
                    }
                )
            areas.append({**area, "ref": _area_ref(area), "actions": actions})
        workstreams.append({**workstream, "focus_areas": areas, "ratings": workstream.get("ratings", counts)})
    paper["workstreams"] = workstreams
    paper["recommendations"] = [
        {
            **r,
            "actions": [{**a, "rating_label": rating_label(a.get("rating"))} for a in r.get("actions", [])],
        }
        for r in content.get("recommendations") or []
    ]
    paper["has_recommendations"] = "recommendations" in content
    paper["previous_update"] = content.get("previous_update")
    return paper


# --- the plan as at a date --------------------------------------------------------------------


@dataclass
class ActionAt:
    """An action as it stood at the end of a day: its RAG and status then (from its history)."""

    rag: str
    status: str
    overdue: bool

    @property
    def rating(self) -> str:
        return rating_of(self.rag, self.status)


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def actions_as_of(actions, day: datetime.date) -> dict[int, ActionAt]:
    """Action id -> its state at the end of ``day``, for the actions that existed by then. RAG and
    status come from the action's history (``ActionChange``): its last save on or before the day;
    an action with no history then is read as it stands."""
    end = _end_of(day)
    actions = list(actions)
    states: dict[int, dict] = {}
    changes = ActionChange.objects.filter(action__in=[a.pk for a in actions], changed_at__lt=end).order_by(
        "action_id", "changed_at", "version"
    )
    for change in changes:
        state = states.setdefault(change.action_id, {})
        state["rag"] = change.rag or ""
        status = (change.changes.get("Status") or [None, None])[1]
        if status in _STATUS_BY_LABEL:
            state["status"] = _STATUS_BY_LABEL[status]
    found = {}
    for action in actions:
        if action.pk not in states and action.created_at >= end:
            continue  # not there yet on that day
        state = states.get(action.pk, {})
        rag, status = state.get("rag", action.rag), state.get("status", action.status)
        found[action.pk] = ActionAt(rag=rag, status=status, overdue=action.due < day and status not in _FINISHED)
    return found


def action_rows_as_of(plan, day: datetime.date) -> list[dict]:
    """`plan_report`'s ``actions``: every action of the plan as at ``day``, in the plan's order,
    with its rating then and its rating at the latest update on or before the day."""
    actions = list(
        Action.objects.filter(focus_area__workstream__plan=plan)
        .select_related("focus_area__workstream", "owner_member")
        .order_by(
            "focus_area__workstream__position",
            "focus_area__workstream__name",
            "focus_area__sort_key",
            "focus_area__pk",
            "sort_key",
            "due",
            "pk",
        )
    )
    states = actions_as_of(actions, day)
    previous = RatingsAt(latest_update_on_or_before(plan, day))
    rows = []
    for action in actions:
        state = states.get(action.pk)
        if state is None:
            continue
        workstream = action.focus_area.workstream.name
        rows.append(
            {
                "ref": action.ref,
                "title": action.title,
                "workstream": workstream,
                "focus_area_ref": action.focus_area.ref,
                "owner": action.owner_label,
                "due_date": action.due.isoformat(),
                "status": state.status,
                "rag": state.rating,
                "previous_rag": previous.get(action, workstream),
                "overdue": state.overdue,
            }
        )
    return rows
