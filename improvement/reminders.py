"""The daily reminders (docs/improvement.md, "Reminders"): who gets what.

Each member of an LA who owns actions (``Action.owner_member``) and is still an active member of
that LA gets one email a day listing their actions due within 14 days and those overdue (neither
Complete nor Stopped), and the case follow-ups they scheduled that are due within 14 days or
overdue and not done yet (``improvement.follow_ups.follow_ups_due``). Nobody with nothing due gets
an email. Cases are named only by their pseudonymous reference and the workshop that reviewed them.

``send_reminders`` is run by the Celery task ``improvement.tasks.send_plan_reminders`` (daily at
07:00 Europe/London, casereview/settings.py). It is idempotent per day: a cache key per person and
day (Redis in production, kept 36 hours) is added, atomically, before the email is sent, so a second
run the same day, or a run redelivered after a worker was lost (acks_late), sends nothing twice.
One address that cannot be sent to is logged and skipped; the others are still sent."""

import datetime
import smtplib
from dataclasses import dataclass, field

import structlog
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casereview.models import Membership, Organisation, User
from improvement.follow_ups import follow_ups_due
from improvement.models import Action, ActionStatus, ScheduledFollowUp

logger = structlog.get_logger(__name__)

DUE_WITHIN_DAYS = 14
# Longer than a day, so the whole of the day's runs see it, wherever in the day they run; the
# date is in the key, so it never holds back the next day's email.
SENT_KEY_SECONDS = 36 * 3600


@dataclass
class Reminder:
    """What one member is reminded of today, in one LA."""

    organisation: Organisation
    user: User
    today: datetime.date
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)
    follow_ups: list[ScheduledFollowUp] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.follow_ups)

    @property
    def subject(self) -> str:
        return f"{self.organisation.name}: your improvement plan actions and follow-ups due"


def absolute_url(path: str) -> str:
    """A link for an email, read outside any request: the public address (SITE_URL) and the path."""
    return settings.SITE_URL + path


def reminders_for(organisation: Organisation, today: datetime.date) -> list[Reminder]:
    """The reminders of the LA's members for ``today``, one per member with something due, by email."""
    until = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    members = {
        m.user_id: m.user
        for m in Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")
    }
    reminders: dict[int, Reminder] = {}

    def reminder_of(user_id: int) -> Reminder:
        return reminders.setdefault(user_id, Reminder(organisation, members[user_id], today))

    actions = (
        Action.objects.for_organisation(organisation)
        .filter(owner_member_id__in=list(members), due__lte=until)
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.STOPPED])
        .select_related("focus_area__workstream__plan")
        .order_by("due", "sort_key", "pk")
    )
    for action in actions:
        reminder = reminder_of(action.owner_member_id)
        (reminder.overdue if action.due < today else reminder.due_soon).append(action)
    for schedule in follow_ups_due(organisation, until=until).filter(scheduled_by_id__in=list(members)):
        reminder_of(schedule.scheduled_by_id).follow_ups.append(schedule)
    return sorted((r for r in reminders.values() if not r.is_empty), key=lambda r: (r.user.email, r.organisation.pk))


def _context(reminder: Reminder) -> dict:
    def action_line(action: Action) -> dict:
        return {
            "action": action,
            "plan": action.focus_area.workstream.plan.title,
            "url": absolute_url(reverse("action_detail", args=[action.pk])),
            "days_late": (reminder.today - action.due).days,
        }

    return {
        "reminder": reminder,
        "name": reminder.user.get_full_name() or reminder.user.email,
        "overdue": [action_line(a) for a in reminder.overdue],
        "due_soon": [action_line(a) for a in reminder.due_soon],
        "follow_ups": [
            {
                "case": schedule.review.allocation.case.reference,
                "workshop": schedule.review.allocation.workshop,
                "due": schedule.due,
                "overdue": schedule.due < reminder.today,
            }
            for schedule in reminder.follow_ups
        ],
        "follow_ups_url": absolute_url(reverse("follow_ups_due")),
        "days": DUE_WITHIN_DAYS,
    }


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    context = _context(reminder)
    email = EmailMultiAlternatives(
        subject=reminder.subject,
        body=render_to_string("improvement/email/reminder.txt", context),
        to=[reminder.user.email],
    )
    email.attach_alternative(render_to_string("improvement/email/reminder.html", context), "text/html")
    return email


def _sent_key(reminder: Reminder) -> str:
    return f"improvement:reminder-sent:{reminder.today.isoformat()}:{reminder.organisation.pk}:{reminder.user.pk}"


def _smtp_codes(error: Exception) -> list[int]:
    """The mail server's answer codes, for the log: never the address (the account's id names it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in error.recipients.values()]
    if isinstance(error, smtplib.SMTPResponseException):
        return [error.smtp_code]
    return []


def send_reminders(today: datetime.date | None = None) -> int:
    """Send today's reminders of every LA; returns how many emails were sent."""
    today = today or timezone.localdate()
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        for reminder in reminders_for(organisation, today):
            key = _sent_key(reminder)
            # Taken before sending: a run already sending (or sent) today's email is not repeated.
            if not cache.add(key, True, timeout=SENT_KEY_SECONDS):
                continue
            try:
                reminder_email(reminder).send()
            except (smtplib.SMTPException, OSError, ValueError) as error:
                # This one address failed: let a later run today try it again, and carry on.
                cache.delete(key)
                logger.warning(
                    "plan_reminder_not_sent",
                    organisation_id=organisation.pk,
                    user_id=reminder.user.pk,
                    error=type(error).__name__,
                    smtp_codes=_smtp_codes(error),
                )
                continue
            sent += 1
            logger.info(
                "plan_reminder_sent",
                organisation_id=organisation.pk,
                user_id=reminder.user.pk,
                actions=len(reminder.overdue) + len(reminder.due_soon),
                follow_ups=len(reminder.follow_ups),
            )
    return sent
