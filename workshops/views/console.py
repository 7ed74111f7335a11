"""The facilitator's room console: the room's cases in order, one case at a time, saved with htmx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from casereview.models import Role
from casereview.tenancy import member_required
from workshops import services
from workshops.forms import CaseReviewForm
from workshops.models import CaseAllocation, CaseReview, ReviewAudit
from workshops.selectors import CaseLine, allocation_status, next_case_after, room_cases, rooms_for_console

CONSOLE_ROLES = (Role.LEAD, Role.FACILITATOR)
# The audit row's label for answers ticked when the room recorded "No consensus": kept, never dropped.
SET_ASIDE = "Ticked before no consensus"


def _set_aside_words(set_aside: dict[str, str]) -> str:
    return " | ".join(f"{label}: {value}" for label, value in set_aside.items())


def _set_aside_of(review) -> dict[str, str]:
    """The answers ticked before this review's "No consensus", from its latest audit row that has them."""
    if review is None or review.consensus_reached:
        return {}
    audit = ReviewAudit.objects.filter(review=review, version=review.version, changes__has_key=SET_ASIDE).first()
    if audit is None:
        return {}
    words = audit.changes[SET_ASIDE][1] or ""
    return dict(part.split(": ", 1) for part in words.split(" | ") if ": " in part)


def _room(request, room_pk):
    return get_object_or_404(rooms_for_console(request.user), pk=room_pk)


def _review_of(allocation):
    return CaseReview.objects.filter(allocation=allocation).prefetch_related("non_ideal_areas", "themes").first()


_READ_IT = object()  # _render's default: read the case's review


def _render(
    request,
    room,
    allocation,
    form=None,
    *,
    conflict=None,
    saved=None,
    status=200,
    lines=None,
    confirm=None,
    review=_READ_IT,
    offered_with_no_review=None,
):
    lines = room_cases(room) if lines is None else lines
    if review is _READ_IT:
        review = _review_of(allocation) if allocation else None
    set_aside = _set_aside_of(review)
    if allocation and form is None:
        form = CaseReviewForm(
            initial=CaseReviewForm.initial_for(review),
            organisation=room.workshop.organisation,
            review=review,
            offered_with_no_review=offered_with_no_review,
        )
        if set_aside and request.GET.get("restore") == "set-aside":
            form.initial = form.initial_from_set_aside(set_aside, review.version)
    context = {
        "room": room,
        "workshop": room.workshop,
        "lines": lines,
        "allocation": allocation,
        "review": review,
        "form": form,
        "conflict": conflict,
        "saved": saved,
        "confirm_no_consensus": confirm,
        "set_aside": set_aside,
        "restored": bool(set_aside) and request.GET.get("restore") == "set-aside",
        "done_count": sum(1 for line in lines if line.status in ("done", "no_consensus")),
    }
    template = "workshops/console/_console.html" if request.htmx else "workshops/console/console.html"
    return render(request, template, context, status=status)


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
            CaseAllocation.objects.select_related("case", "primary"), pk=allocation_pk, room=room
        )
    if allocation is not None:
        services.room_open_case(room=room, allocation=allocation)
        room.current_allocation_id = allocation.pk
    return _render(request, room, allocation)


@require_POST
@member_required(*CONSOLE_ROLES)
def review_save(request, room_pk, allocation_pk):
    room = _room(request, room_pk)
    # With what the save needs to name the scopes to refresh, so it reads none of them again.
    allocation = get_object_or_404(
        CaseAllocation.objects.select_related(
            "workshop", "case__phase", "case__primary_need", "case__support_level", "case__current_provision"
        ),
        pk=allocation_pk,
        room=room,
    )
    review = _review_of(allocation)
    form = CaseReviewForm(request.POST, organisation=room.workshop.organisation, review=review)
    if not form.is_valid():
        return _render(request, room, allocation, form)
    if form.needs_no_consensus_confirmation:
        return _render(request, room, allocation, form, confirm=form.set_aside)
    try:
        services.review_save(
            allocation=allocation,
            answer=form.answer,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            extra_changes={SET_ASIDE: [None, _set_aside_words(form.set_aside)]} if form.set_aside else None,
        )
    except services.ReviewConflict as conflict:
        # Show both answers; saving again now (with the current version) is a deliberate choice.
        data = request.POST.copy()
        data["version"] = conflict.current.version
        form = CaseReviewForm(data, organisation=room.workshop.organisation, review=conflict.current)
        form.is_valid()
        mine = services.answer_summary(form.answer)
        theirs = services.review_summary(conflict.current)
        rows = [(label, theirs.get(label), mine.get(label)) for label in theirs]
        return _render(request, room, allocation, form, conflict={"review": conflict.current, "rows": rows})
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return _render(request, room, allocation, form)

    lines = room_cases(room)
    following = next_case_after(lines, allocation)
    next_allocation = following.allocation if following else None
    services.room_open_case(room=room, allocation=next_allocation)
    room.current_allocation_id = next_allocation.pk if next_allocation else None
    # The list read above, with the case now open marked as in discussion: no second read.
    lines = [CaseLine(line.allocation, allocation_status(line.allocation, room)) for line in lines]
    saved = {"allocation": allocation, "no_consensus": not form.answer.consensus_reached}
    if not request.htmx:
        messages.success(request, f"Saved {allocation.case.reference}.")
        if next_allocation:
            return redirect("room_console_case", room_pk=room.pk, allocation_pk=next_allocation.pk)
        return redirect("room_console", room_pk=room.pk)
    # The next case is one still to do (next_case_after): it has no review, so none is read; and
    # after a first review its form offers what the form just saved offered.
    response = _render(
        request,
        room,
        next_allocation,
        saved=saved,
        lines=lines,
        review=None,
        offered_with_no_review=form.offered if review is None else None,
    )
    # The address bar follows the case on screen, so a reload reopens it (with any draft).
    next_url = (
        reverse("room_console_case", args=[room.pk, next_allocation.pk])
        if next_allocation
        else reverse("room_console", args=[room.pk])
    )
    return push_url(response, next_url)
