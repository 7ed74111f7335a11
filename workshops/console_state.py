"""What the facilitator's console shows, read into one object (``ConsoleState``) that the console's
templates read: the room's cases, the case on screen with its saved review and its form, and what
the last button pressed has to say (the case just saved, a conflict, a question before "No
consensus")."""

from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects

from workshops.forms import CaseReviewForm
from workshops.models import BreakoutRoom, CaseAllocation, CaseReview, ReviewAudit
from workshops.selectors import CaseLine, allocation_status, earlier_reviews, room_cases
from workshops.services.reviews import UNDO_SHOWN_SECONDS

# The audit row's label for answers ticked when the room recorded "No consensus": kept, never dropped.
SET_ASIDE = "Ticked before no consensus"


@dataclass
class SavedCase:
    """The case the room has just saved, named above the next one; after a "No consensus", with the
    token of its Undo (``undo``), offered for ``undo_seconds``."""

    allocation: CaseAllocation
    no_consensus: bool
    undo: str | None = None
    undo_seconds: int = UNDO_SHOWN_SECONDS


@dataclass
class Conflict:
    """Someone else saved the case while the room worked on it: their review, and each question with
    their answer and the room's (``rows``: label, theirs, mine)."""

    review: CaseReview
    rows: list[tuple[str, str | None, str | None]]


@dataclass
class ConsoleState:
    room: BreakoutRoom
    lines: list[CaseLine]  # the room's cases in order, each with its status
    allocation: CaseAllocation | None = None  # the case on screen; None when there is none to show
    review: CaseReview | None = None  # its saved review
    form: CaseReviewForm | None = None
    set_aside: dict[str, str] = field(default_factory=dict)  # answers ticked before its "No consensus"
    restored: bool = False  # those answers are back in the form
    saved: SavedCase | None = None
    conflict: Conflict | None = None
    confirm_no_consensus: dict[str, str] = field(default_factory=dict)  # the ticked answers "No consensus" drops
    undone: str = ""  # an Undo of "No consensus" was done: what the case is now
    undo_refused: str = ""  # an Undo was refused: why (nothing changed)
    # The case's reviews in earlier workshops, each with its latest follow-up (selectors.earlier_reviews).
    earlier: list[CaseReview] = field(default_factory=list)

    @property
    def workshop(self):
        return self.room.workshop

    @property
    def done_count(self) -> int:
        return sum(1 for line in self.lines if line.status in ("done", "no_consensus"))


def review_of(allocation: CaseAllocation) -> CaseReview | None:
    return CaseReview.objects.filter(allocation=allocation).prefetch_related("non_ideal_areas", "themes").first()


def review_read_with(allocation: CaseAllocation) -> CaseReview | None:
    """The review read with ``allocation`` (``room_cases_for_console``), with its terms: none to
    read for a case with no review, the save the day makes most."""
    review = getattr(allocation, "review", None)
    if review is not None:
        prefetch_related_objects([review], "non_ideal_areas", "themes")
    return review


def set_aside_of(review: CaseReview | None) -> dict[str, str]:
    """The answers ticked before this review's "No consensus", from its latest audit row that has them."""
    if review is None or review.consensus_reached:
        return {}
    audit = ReviewAudit.objects.filter(review=review, version=review.version, changes__has_key=SET_ASIDE).first()
    if audit is None:
        return {}
    words = audit.changes[SET_ASIDE][1] or ""
    return dict(part.split(": ", 1) for part in words.split(" | ") if ": " in part)


def _earlier(room: BreakoutRoom, allocation: CaseAllocation | None) -> list[CaseReview]:
    # A case read with the room's lines says whether an earlier workshop reviewed it at all.
    if allocation is None or getattr(allocation, "may_have_earlier", True) is False:
        return []
    return earlier_reviews(allocation.case_id, room.workshop)


def console_state(
    room: BreakoutRoom, allocation: CaseAllocation | None, *, restore_set_aside: bool = False
) -> ConsoleState:
    """The console opened on ``allocation`` (None: no case to show), its form filled with the saved
    review; with ``restore_set_aside``, with the answers ticked before its "No consensus" instead."""
    lines = room_cases(room)
    review = review_of(allocation) if allocation else None
    set_aside = set_aside_of(review)
    restored = bool(set_aside) and restore_set_aside
    form = None
    if allocation:
        form = CaseReviewForm(
            initial=CaseReviewForm.initial_for(review), organisation=room.workshop.organisation, review=review
        )
        if restored:
            form.initial = form.initial_from_set_aside(set_aside, review.version)
    return ConsoleState(room, lines, allocation, review, form, set_aside, restored, earlier=_earlier(room, allocation))


def console_state_with_answer(
    room: BreakoutRoom,
    allocation: CaseAllocation,
    form: CaseReviewForm,
    *,
    conflict: Conflict | None = None,
    confirm_no_consensus: dict[str, str] | None = None,
) -> ConsoleState:
    """The console showing again the answer just posted for ``allocation`` (``form``, bound to it),
    not saved: with its problems, a conflict with someone else's save, or the question asked before
    "No consensus" drops the answers ticked."""
    review = review_of(allocation)
    return ConsoleState(
        room,
        room_cases(room),
        allocation,
        review,
        form,
        set_aside_of(review),
        conflict=conflict,
        confirm_no_consensus=confirm_no_consensus or {},
        earlier=_earlier(room, allocation),
    )


def console_state_after_save(
    room: BreakoutRoom, lines: list[CaseLine], allocation: CaseAllocation | None, *, saved: SavedCase, offered=None
) -> ConsoleState:
    """The console after ``saved``, on the next case the room has opened (``allocation``; None when
    every case has a judgement). ``lines``: the room's cases as the save read them, the saved one
    with its new review; their statuses are worked out again here, with no second read. The next case is one still
    to do, so it has no review to read; ``offered``: the terms the saved form offered for a case with
    no review (its ``offered``), offered again without reading them."""
    lines = [CaseLine(line.allocation, allocation_status(line.allocation, room)) for line in lines]
    form = None
    if allocation:
        form = CaseReviewForm(
            initial=CaseReviewForm.initial_for(None),
            organisation=room.workshop.organisation,
            offered_with_no_review=offered,
        )
    return ConsoleState(room, lines, allocation, form=form, saved=saved, earlier=_earlier(room, allocation))


def console_state_after_undo(
    room: BreakoutRoom, allocation: CaseAllocation, *, ticked: dict[str, str], notes: str, undone: str
) -> ConsoleState:
    """The console back on the case whose "No consensus" was just undone: its earlier review in the
    form, or, when it had none, what was ticked before the "No consensus" (``ticked``, in words) and
    its ``notes`` back in the form, to save as the room's judgement."""
    console = console_state(room, allocation)
    if console.review is None and console.form is not None:
        console.form.initial = console.form.initial_from_set_aside(ticked, 0) | {"notes": notes}
    console.undone = undone
    return console
