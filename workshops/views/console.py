"""The facilitator's room console: the room's cases in order, one case at a time, saved with htmx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from casereview.forms import add_service_errors
from casereview.models import Role
from casereview.tenancy import member_required
from workshops.console_state import (
    SET_ASIDE,
    Conflict,
    ConsoleState,
    SavedCase,
    console_state,
    console_state_after_save,
    console_state_after_undo,
    console_state_with_answer,
    review_of,
    review_read_with,
    set_aside_of,
)
from workshops.forms import CaseReviewForm
from workshops.models import CaseAllocation
from workshops.selectors import next_case_after, room_cases, room_cases_for_console, rooms_for_console
from workshops.services.answer_words import conflict_rows
from workshops.services.reviews import (
    NoConsensusUndo,
    ReviewConflict,
    UndoRefused,
    no_consensus_undo,
    review_save,
    review_undo_no_consensus,
)
from workshops.services.rooms import room_open_case

CONSOLE_ROLES = (Role.LEAD, Role.FACILITATOR)
# Without JavaScript a save redirects; the "No consensus" just saved, with its Undo, waits here for
# the console page the redirect opens.
SAVED_NO_CONSENSUS = "console_saved_no_consensus"
# What the case selection of the save and of the undo reads: the case and what naming its scopes needs.
ALLOCATION_FOR_SAVE = (
    "workshop",
    "case__phase",
    "case__primary_need",
    "case__support_level",
    "case__current_provision",
)


def _set_aside_words(set_aside: dict[str, str]) -> str:
    return " | ".join(f"{label}: {value}" for label, value in set_aside.items())


def _room(request, room_pk):
    return get_object_or_404(rooms_for_console(request.user), pk=room_pk)


def _render(request, console: ConsoleState):
    template = "workshops/console/_console.html" if request.htmx else "workshops/console/console.html"
    return render(request, template, {"console": console})


@member_required(*CONSOLE_ROLES)
def room_console(request, room_pk, allocation_pk=None):
    room = _room(request, room_pk)
    if allocation_pk is None:
        lines = room_cases(room)
        first_open = next((line for line in lines if line.status in ("to_do", "in_discussion")), None)
        allocation = first_open or (lines[0] if lines else None)
        allocation = allocation.allocation if allocation else None
    else:
        allocation = get_object_or_404(
            CaseAllocation.objects.select_related("case", "first_allocation"), pk=allocation_pk, room=room
        )
    if allocation is not None:
        room_open_case(room=room, allocation=allocation)
        room.current_allocation_id = allocation.pk
    restore = request.GET.get("restore") == "set-aside"
    console = console_state(room, allocation, restore_set_aside=restore)
    console.saved = _saved_no_consensus_waiting(request, room)
    return _render(request, console)


def _saved_no_consensus_waiting(request, room) -> SavedCase | None:
    """The "No consensus" a save without JavaScript left for this room's console, shown once, and only
    while its Undo still counts (not to someone coming back to the room much later)."""
    waiting = request.session.get(SAVED_NO_CONSENSUS)
    if not waiting or waiting["room"] != room.pk:
        return None
    del request.session[SAVED_NO_CONSENSUS]
    try:
        NoConsensusUndo.from_token(waiting["undo"])
    except UndoRefused:
        return None
    saved = CaseAllocation.objects.select_related("case").filter(pk=waiting["allocation"], room=room).first()
    return SavedCase(saved, no_consensus=True, undo=waiting["undo"]) if saved else None


@require_POST
@member_required(*CONSOLE_ROLES)
def review_submit(request, room_pk, allocation_pk):
    """The room's answer on a case: saved, and the next case still to do opened; or shown again with
    what stops it (a problem, a question before "No consensus", someone else's save)."""
    # The room with its cases, the one saved among them with its review and what naming its scopes
    # needs, in one query; the lines also give the next case, so nothing is read twice.
    found = room_cases_for_console(request.user, room_pk)
    line = next((line for line in found[1] if line.allocation.pk == allocation_pk), None) if found else None
    if line is None:
        raise Http404("No such case in your rooms.")
    room, lines, allocation = found[0], found[1], line.allocation
    review = review_read_with(allocation)
    form = CaseReviewForm(request.POST, organisation=room.workshop.organisation, review=review)
    if not form.is_valid():
        return _render(request, console_state_with_answer(room, allocation, form))
    if form.needs_no_consensus_confirmation:
        return _render(request, console_state_with_answer(room, allocation, form, confirm_no_consensus=form.set_aside))
    try:
        saved = review_save(
            allocation=allocation,
            answer=form.answer,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            extra_changes={SET_ASIDE: [None, _set_aside_words(form.set_aside)]} if form.set_aside else None,
        )
    except ReviewConflict as conflict:
        return _render(request, _both_answers(request, room, allocation, conflict.current))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render(request, console_state_with_answer(room, allocation, form))
    undo = None
    if not form.answer.consensus_reached:
        undo = no_consensus_undo(saved=saved, before=review, by=request.user)
    allocation.review = saved  # its line's status, worked out again with no second read
    return _next_case(request, room, lines, allocation, form, first_review=review is None, undo=undo)


@require_POST
@member_required(*CONSOLE_ROLES)
def review_undo(request, room_pk, allocation_pk):
    """The Undo in "Saved … as no consensus": the case back as it was before (no review, with what was
    ticked back in the form; or its earlier answer, saved again), and open on the console; or, when
    the undo is too late or would overwrite a later save, the case as it is now and why."""
    room = _room(request, room_pk)
    allocation = get_object_or_404(
        CaseAllocation.objects.select_related(*ALLOCATION_FOR_SAVE), pk=allocation_pk, room=room
    )
    # Read before the undo deletes them: what was ticked before the "No consensus", and its notes.
    review = review_of(allocation)
    ticked, notes = set_aside_of(review), review.notes if review else ""
    # The address bar follows the case on screen, whatever the undo's outcome.
    case_url = reverse("room_console_case", args=[room.pk, allocation.pk])
    try:
        undo = NoConsensusUndo.from_token(request.POST.get("undo", ""))
        restored = review_undo_no_consensus(allocation=allocation, undo=undo, by=request.user)
    except UndoRefused as refused:
        console = console_state(room, allocation)
        console.undo_refused = str(refused)
        return push_url(_render(request, console), case_url)
    room_open_case(room=room, allocation=allocation)
    room.current_allocation_id = allocation.pk
    reference = allocation.case.reference
    if restored is not None:
        undone = f"No consensus undone: {reference} is open again with its earlier answer (both stay in the history)."
    elif ticked:
        undone = f"No consensus undone: {reference} is open again, with the answers that were ticked back in the form."
    else:
        undone = f"No consensus undone: {reference} is open again, with no answer saved."
    console = console_state_after_undo(room, allocation, ticked=ticked, notes=notes, undone=undone)
    return push_url(_render(request, console), case_url)


def _both_answers(request, room, allocation, current) -> ConsoleState:
    """Someone else's saved answer beside the room's; saving again now (with the current version) is
    a deliberate choice."""
    data = request.POST.copy()
    data["version"] = current.version
    form = CaseReviewForm(data, organisation=room.workshop.organisation, review=current)
    form.is_valid()
    conflict = Conflict(current, conflict_rows(current, form.answer))
    return console_state_with_answer(room, allocation, form, conflict=conflict)


def _next_case(
    request, room, lines, allocation, form: CaseReviewForm, *, first_review: bool, undo: NoConsensusUndo | None
):
    """After the save: the next case still to do is opened and shown (htmx, its address pushed), or
    redirected to; a "No consensus" is named above it with its Undo. ``lines``: the room's cases as
    the save read them. A case another person saved in the moment between is still offered as to
    do; saving it then shows both answers (the version check), never overwrites."""
    following = next_case_after(lines, allocation)
    next_allocation = following.allocation if following else None
    room_open_case(room=room, allocation=next_allocation)
    room.current_allocation_id = next_allocation.pk if next_allocation else None
    token = undo.token() if undo else None
    if not request.htmx:
        if token:
            request.session[SAVED_NO_CONSENSUS] = {"room": room.pk, "allocation": allocation.pk, "undo": token}
        else:
            messages.success(request, f"Saved {allocation.case.reference}.")
        if next_allocation:
            return redirect("room_console_case", room_pk=room.pk, allocation_pk=next_allocation.pk)
        return redirect("room_console", room_pk=room.pk)
    # After a first review, the next case's form offers what the form just saved offered.
    console = console_state_after_save(
        room,
        lines,
        next_allocation,
        saved=SavedCase(allocation, no_consensus=not form.answer.consensus_reached, undo=token),
        offered=form.offered if first_review else None,
    )
    # The address bar follows the case on screen, so a reload reopens it (with any draft).
    next_url = (
        reverse("room_console_case", args=[room.pk, next_allocation.pk])
        if next_allocation
        else reverse("room_console", args=[room.pk])
    )
    return push_url(_render(request, console), next_url)
