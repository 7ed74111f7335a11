"""Writes of the reporting calendar (seed 003's "Reporting Milestones"): its meetings, and the
sign-off recorded on a frozen monitoring update (who signed it off, on which date), the only thing
that may be added to an update once it is frozen."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import MonitoringUpdate, Plan, ReportingMeeting


def meeting_save(*, plan: Plan, meeting: ReportingMeeting | None, board: str, date: datetime.date, reported: str):
    meeting = meeting or ReportingMeeting(plan=plan)
    if meeting.plan_id != plan.pk:
        raise ValidationError("This meeting is not in this plan's calendar.")
    meeting.board, meeting.date, meeting.reported = " ".join(board.split()), date, reported.strip()
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_delete(*, meeting: ReportingMeeting) -> None:
    """Delete a meeting nothing is attached to; one with a monitoring update keeps its record."""
    with transaction.atomic():
        meeting = ReportingMeeting.objects.select_for_update().get(pk=meeting.pk)
        attached = list(meeting.updates.order_by("as_of").values_list("title", flat=True))
        if attached:
            titles = "; ".join(f"“{title}”" for title in attached)
            raise ValidationError(
                f"The {meeting} cannot be deleted: the monitoring update{'s' if len(attached) > 1 else ''} "
                f"{titles} {'are' if len(attached) > 1 else 'is'} attached to it. Change its date or board instead."
            )
        meeting.delete()


def update_sign_off(*, update: MonitoringUpdate, signed_off_by: str, signed_off_on: datetime.date | None, by):
    """Record who signed the frozen update off and when. Once only: a recorded sign-off stays as it
    was (the update is the board's record); nothing else of the update changes."""
    signed_off_by = " ".join((signed_off_by or "").split())
    problems = {}
    if not signed_off_by:
        problems["signed_off_by"] = "Say who signed it off: a role or a name, e.g. Chair, SEND Partnership Board."
    if signed_off_on is None:
        problems["signed_off_on"] = "Give the date it was signed off, e.g. 2027-05-20."
    elif signed_off_on < update.as_of:
        problems["signed_off_on"] = (
            f"A sign-off comes after the update: give a date on or after {update.as_of:%-d %B %Y}, its as-at date."
        )
    elif signed_off_on > timezone.localdate():
        problems["signed_off_on"] = "Record a sign-off once it has happened: the date cannot be in the future."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        current = MonitoringUpdate.objects.select_for_update().get(pk=update.pk)
        if current.signed_off_on is not None:
            raise ValidationError(
                f"This update was already signed off by {current.signed_off_by} on "
                f"{current.signed_off_on:%-d %B %Y}; a sign-off is recorded once."
            )
        current.signed_off_by, current.signed_off_on = signed_off_by, signed_off_on
        current.sign_off_recorded_by, current.sign_off_recorded_at = by, timezone.now()
        current.full_clean()
        current.save(update_fields=["signed_off_by", "signed_off_on", "sign_off_recorded_by", "sign_off_recorded_at"])
    return current
