"""The facilitator's room console: the room's cases in order, one case at a time, saved with htmx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
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
    console_state_with_answer,
    review_of,
)
from workshops.forms import CaseReviewForm
from workshops.models import CaseAllocation
from workshops.selectors import next_case_after, room_cases, rooms_for_console
from workshops.services.answer_words import conflict_rows
from workshops.services.reviews import ReviewConflict, review_save
from workshops.services.rooms import room_open_case

CONSOLE_ROLES = (Role.LEAD, Role.FACILITATOR)


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
    return _render(request, console_state(room, allocation, restore_set_aside=restore))


@require_POST
@member_required(*CONSOLE_ROLES)
def review_submit(request, room_pk, allocation_pk):
    """The room's answer on a case: saved, and the next case still to do opened; or shown again with
    what stops it (a problem, a question before "No consensus", someone else's save)."""
    room = _room(request, room_pk)
    # With what the save needs to name the scopes to refresh, so it reads none of them again.
    allocation = get_object_or_404(
        CaseAllocation.objects.select_related(
            "workshop", "case__phase", "case__primary_need", "case__support_level", "case__current_provision"
        ),
        pk=allocation_pk,
        room=room,
    )
    review = review_of(allocation)
    form = CaseReviewForm(request.POST, organisation=room.workshop.organisation, review=review)
    if not form.is_valid():
        return _render(request, console_state_with_answer(room, allocation, form))
    if form.needs_no_consensus_confirmation:
        return _render(request, console_state_with_answer(room, allocation, form, confirm_no_consensus=form.set_aside))
    try:
        review_save(
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
    return _next_case(request, room, allocation, form, first_review=review is None)


def _both_answers(request, room, allocation, current) -> ConsoleState:
    """Someone else's saved answer beside the room's; saving again now (with the current version) is
    a deliberate choice."""
    data = request.POST.copy()
    data["version"] = current.version
    form = CaseReviewForm(data, organisation=room.workshop.organisation, review=current)
    form.is_valid()
    conflict = Conflict(current, conflict_rows(current, form.answer))
    return console_state_with_answer(room, allocation, form, conflict=conflict)


def _next_case(request, room, allocation, form: CaseReviewForm, *, first_review: bool):
    """After the save: the next case still to do is opened and shown (htmx, its address pushed), or
    redirected to."""
    lines = room_cases(room)
    following = next_case_after(lines, allocation)
    next_allocation = following.allocation if following else None
    room_open_case(room=room, allocation=next_allocation)
    room.current_allocation_id = next_allocation.pk if next_allocation else None
    if not request.htmx:
        messages.success(request, f"Saved {allocation.case.reference}.")
        if next_allocation:
            return redirect("room_console_case", room_pk=room.pk, allocation_pk=next_allocation.pk)
        return redirect("room_console", room_pk=room.pk)
    # After a first review, the next case's form offers what the form just saved offered.
    console = console_state_after_save(
        room,
        lines,
        next_allocation,
        saved=SavedCase(allocation, no_consensus=not form.answer.consensus_reached),
        offered=form.offered if first_review else None,
    )
    # The address bar follows the case on screen, so a reload reopens it (with any draft).
    next_url = (
        reverse("room_console_case", args=[room.pk, next_allocation.pk])
        if next_allocation
        else reverse("room_console", args=[room.pk])
    )
    return push_url(_render(request, console), next_url)
