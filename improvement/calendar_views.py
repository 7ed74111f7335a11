"""The reporting calendar's pages (a plan's meetings: which board, when, what is reported, the
updates attached) and the sign-off of a frozen monitoring update. The lead edits; members read.
Every object is reached through the tenancy helper, so another LA's calendar answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from casereview.forms import add_service_errors
from casereview.models import Role
from casereview.tenancy import get_for_member_or_404, member_required
from improvement import calendar
from improvement.forms import MeetingForm, SignOffForm
from improvement.models import MonitoringUpdate, Plan, ReportingMeeting


def _meeting_of(request, plan_pk, pk) -> ReportingMeeting:
    return get_for_member_or_404(request.user, ReportingMeeting.objects.select_related("plan"), pk=pk, plan_id=plan_pk)


@member_required()
def meeting_list(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    meetings = plan.meetings.prefetch_related("updates")
    return render(
        request,
        "improvement/meeting_list.html",
        {
            "plan": plan,
            "meetings": meetings,
            "today": timezone.localdate(),
            "can_edit": request.membership.is_lead,
        },
    )


def _meeting_form_page(request, plan, meeting):
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = calendar.meeting_save(
                plan=plan, meeting=meeting, board=data["board"], date=data["date"], reported=data["reported"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{'Saved' if meeting else 'Added'} the meeting: {saved}.")
            return redirect("meeting_list", plan_pk=plan.pk)
    return render(
        request,
        "improvement/meeting_form.html",
        {
            "form": form,
            "plan": plan,
            "meeting": meeting,
            "title": f"Edit the meeting: {meeting}" if meeting else "Add a meeting to the reporting calendar",
            "back_url": reverse("meeting_list", args=[plan.pk]),
        },
    )


@member_required(Role.LEAD)
def meeting_create(request, plan_pk):
    return _meeting_form_page(request, get_for_member_or_404(request.user, Plan, pk=plan_pk), None)


@member_required(Role.LEAD)
def meeting_edit(request, plan_pk, pk):
    meeting = _meeting_of(request, plan_pk, pk)
    return _meeting_form_page(request, meeting.plan, meeting)


@require_POST
@member_required(Role.LEAD)
def meeting_delete(request, plan_pk, pk):
    meeting = _meeting_of(request, plan_pk, pk)
    try:
        calendar.meeting_delete(meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Deleted the meeting: {meeting}.")
    return redirect("meeting_list", plan_pk=plan_pk)


@require_POST
@member_required(Role.LEAD)
def update_sign_off(request, pk):
    update = get_for_member_or_404(request.user, MonitoringUpdate.objects.select_related("plan", "meeting"), pk=pk)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            calendar.update_sign_off(
                update=update,
                signed_off_by=form.cleaned_data["signed_off_by"],
                signed_off_on=form.cleaned_data["signed_off_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded the sign-off of “{update.title}”.")
            return redirect("update_detail", pk=update.pk)
    update.refresh_from_db()
    return render(
        request,
        "improvement/update_detail.html",
        {"update": update, "content": update.content, "plan": update.plan, "sign_off_form": form},
    )
