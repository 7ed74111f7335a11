"""The follow-ups' own pages beside the list (improvement/views.py): the follow-ups due, and
scheduling or cancelling the next follow-up of a case. Leads and facilitators schedule; every
member reads. A review or schedule of another LA answers 404, as does, for a facilitator, one
still sealed by a blind double review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casereview.forms import add_service_errors
from casereview.tenancy import member_required
from improvement import follow_ups
from improvement.forms import ScheduleFollowUpForm
from improvement.views import _form_page

BACK = {"due": "follow_ups_due", "list": "follow_up_list"}


def _back(request, case_id=None):
    name = BACK.get(request.POST.get("back") or request.GET.get("back"), "follow_up_list")
    anchor = f"#case-{case_id}" if case_id and name == "follow_up_list" else ""
    return f"{reverse(name)}{anchor}"


@member_required()
def follow_ups_due(request):
    membership = request.membership
    return render(
        request,
        "improvement/follow_ups_due.html",
        {
            "due": follow_ups.due_groups(membership),
            "soon_days": follow_ups.DUE_SOON_DAYS,
            "can_edit": membership.is_lead,
            "can_schedule": membership.role in follow_ups.SCHEDULING_ROLES,
        },
    )


@member_required(*follow_ups.SCHEDULING_ROLES)
def follow_up_schedule(request, review_pk):
    """The next follow-up of a review: 3, 6 or 12 months after it, or on a date. Posted from a line
    of the follow-ups page; a problem shows this page with the form and what to change."""
    review = get_object_or_404(
        follow_ups.reviews_seen_by(request.membership).select_related("allocation__case", "allocation__workshop"),
        pk=review_pk,
    )
    reference = review.allocation.case.reference
    form = ScheduleFollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = follow_ups.follow_up_schedule(review=review, by=request.user, **form.schedule)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The next follow-up of {reference} is due on {schedule.due:%-d %B %Y}.")
            return redirect(_back(request, review.allocation.case_id))
    return _form_page(
        request,
        form,
        title=f"Schedule the next follow-up of {reference}",
        intro=(
            f"Reviewed on {review.reviewed_at:%-d %B %Y} in “{review.allocation.workshop.title}”. "
            "A follow-up already scheduled for this review is replaced."
        ),
        back=("Case follow-ups", "follow_up_list", []),
        button="Schedule",
    )


@require_POST
@member_required(*follow_ups.SCHEDULING_ROLES)
def follow_up_schedule_cancel(request, pk):
    schedule = get_object_or_404(follow_ups.schedules_seen_by(request.membership), pk=pk)
    case = schedule.review.allocation.case
    follow_ups.follow_up_schedule_cancel(schedule=schedule)
    messages.success(request, f"Cancelled the follow-up of {case.reference} due on {schedule.due:%-d %B %Y}.")
    return redirect(_back(request, case.pk))
