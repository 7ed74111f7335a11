"""Case follow-ups that feed back (docs/improvement.md, "Case follow-ups"): one line per child (a
case reviewed by several workshops is one line, its reviews inside it), the next follow-up
scheduled 3, 6 or 12 months after the review, and the schedules due.

A schedule is *done* once a follow-up of its review is recorded at or after the moment it was
scheduled; until then it is listed as due (and, through ``follow_ups_due``, in the daily
reminders). Writes here are single-row or locked on the review; reads build a fixed number of
queries, whatever the number of cases."""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from analytics.scopes import Scope
from analytics.sealing import sealed_review_condition
from analytics.selectors import reviews_in
from casereview.models import Membership, Role
from improvement.models import CaseFollowUp, ScheduledFollowUp
from workshops.models import Case, CaseReview

# Who may schedule or cancel a follow-up: the people who run the reviews (viewers only read).
SCHEDULING_ROLES = (Role.LEAD, Role.FACILITATOR)
SCHEDULE_MONTHS = (3, 6, 12)
DUE_SOON_DAYS = 14
LATEST_DUE_YEARS = 5


def _done():
    """A schedule is done when a follow-up of its review was recorded at or after it was scheduled."""
    return Exists(
        CaseFollowUp.objects.filter(review_id=OuterRef("review_id"), recorded_at__gte=OuterRef("scheduled_at"))
    )


def open_schedules(organisation):
    """The LA's schedules not done yet, soonest first, with the case and its workshop."""
    return (
        ScheduledFollowUp.objects.for_organisation(organisation)
        .filter(~_done())
        .select_related("review__allocation__case", "review__allocation__workshop", "scheduled_by")
        .order_by("due", "review__allocation__case__reference", "pk")
    )


def follow_ups_due(organisation, *, until: datetime.date):
    """The schedules not done yet that are due on or before ``until`` (overdue ones included): what the
    daily reminders list. Each with ``review__allocation__case`` and the workshop read with it."""
    return open_schedules(organisation).filter(due__lte=until)


def _hide_sealed(queryset, membership: Membership, review_path: str = ""):
    """For a facilitator, nothing about a review still sealed by a blind double review
    (analytics/sealing.py): leads and viewers see every review."""
    if membership.role != Role.FACILITATOR:
        return queryset
    sealed = CaseReview.objects.filter(sealed_review_condition(membership.organisation)).values("pk")
    return queryset.exclude(**{f"{review_path}pk__in" if review_path else "pk__in": sealed})


def reviews_seen_by(membership: Membership):
    """The LA's reviews this person may read, one per case and workshop (the one that counts in the
    reports: docs/design.md, "A case reviewed by several rooms counts once"), sealed ones left out
    for a facilitator."""
    return _hide_sealed(reviews_in(membership.organisation, Scope()), membership)


def schedules_seen_by(membership: Membership):
    return _hide_sealed(open_schedules(membership.organisation), membership, "review__")


# --- the follow-ups page: one line per case -----------------------------------------------------


@dataclass
class CaseLine:
    """One child: their reviews (oldest first), the latest follow-up of any of them, how many there
    are, the next follow-up scheduled, and the review a new follow-up or schedule belongs to."""

    case: Case
    reviews: list[CaseReview] = field(default_factory=list)
    latest: CaseFollowUp | None = None
    follow_up_count: int = 0
    schedule: ScheduledFollowUp | None = None

    @property
    def to_follow(self) -> CaseReview:
        """The review a new follow-up is recorded against: the open schedule's (so recording it marks
        the schedule done), else the latest review whose outcome was not ideal."""
        if self.schedule is not None:
            return self.schedule.review
        return [r for r in self.reviews if _not_ideal(r)][-1]

    @property
    def last_date(self) -> datetime.date:
        return self.reviews[-1].allocation.workshop.date


def _not_ideal(review: CaseReview) -> bool:
    return review.consensus_reached and review.ideal_outcome is False


def case_lines(membership: Membership) -> list[CaseLine]:
    """Every case with a review whose outcome was not ideal, one line each, latest workshop first:
    five queries, however many cases."""
    seen = reviews_seen_by(membership)
    cases = seen.filter(consensus_reached=True, ideal_outcome=False).values("allocation__case_id")
    reviews = (
        seen.filter(allocation__case_id__in=cases)
        .select_related("allocation__case", "allocation__workshop", "better_provision", "provision_at_review")
        .prefetch_related("non_ideal_areas")
        .order_by("allocation__workshop__date", "reviewed_at", "pk")
    )
    lines: dict[int, CaseLine] = {}
    for review in reviews:
        case = review.allocation.case
        lines.setdefault(case.pk, CaseLine(case)).reviews.append(review)
    if not lines:
        return []
    follow_ups = (
        CaseFollowUp.objects.filter(review__allocation__case_id__in=list(lines))
        .annotate(case_id=F("review__allocation__case_id"))
        .order_by("-date", "-pk")
    )
    for follow_up in follow_ups:
        line = lines[follow_up.case_id]
        line.follow_up_count += 1
        line.latest = line.latest or follow_up  # newest first: the first one is the latest
    for schedule in schedules_seen_by(membership).filter(review__allocation__case_id__in=list(lines)):
        line = lines[schedule.review.allocation.case_id]
        line.schedule = line.schedule or schedule  # soonest first
    return sorted(lines.values(), key=lambda line: (-line.last_date.toordinal(), line.case.reference))


# --- the follow-ups due -------------------------------------------------------------------------


@dataclass
class DueGroups:
    overdue: list[ScheduledFollowUp]
    soon: list[ScheduledFollowUp]  # due today or within DUE_SOON_DAYS
    later: list[ScheduledFollowUp]

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.soon) + len(self.later)


def due_groups(membership: Membership, today: datetime.date | None = None) -> DueGroups:
    """The schedules not done yet, overdue first, then due within 14 days, then later."""
    today = today or timezone.localdate()
    soon_until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    groups = DueGroups([], [], [])
    for schedule in schedules_seen_by(membership):
        if schedule.due < today:
            groups.overdue.append(schedule)
        elif schedule.due <= soon_until:
            groups.soon.append(schedule)
        else:
            groups.later.append(schedule)
    return groups


# --- writes -------------------------------------------------------------------------------------


def due_after(review: CaseReview, months: int) -> datetime.date:
    return review.reviewed_at.date() + relativedelta(months=months)


def follow_up_schedule(
    *,
    review: CaseReview,
    by,
    months: int | None = None,
    due: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ScheduledFollowUp:
    """The next follow-up of ``review``: ``months`` (3, 6 or 12) after the review, or on ``due``. It
    replaces the review's schedule not done yet, if any (one next follow-up per review). Refused,
    changing nothing, for a date that has passed or is more than five years away, or a review whose
    outcome was ideal or had no consensus."""
    today = today or timezone.localdate()
    if not _not_ideal(review):
        raise ValidationError(
            "Only a review whose outcome was not ideal is followed up: this case's review found it ideal "
            "or reached no consensus."
        )
    if (months is None) == (due is None):
        raise ValidationError("Choose 3, 6 or 12 months after the review, or give a date.")
    if months is not None:
        if months not in SCHEDULE_MONTHS:
            raise ValidationError("Choose 3, 6 or 12 months after the review, or give a date.")
        due = due_after(review, months)
        if due < today:
            raise ValidationError(
                f"{months} months after the review was {due:%-d %B %Y}, which has passed: choose a later "
                "interval, or give a date from today on."
            )
    if due < today:
        raise ValidationError(f"{due:%-d %B %Y} has passed: give a date from today on.")
    if due > today + relativedelta(years=LATEST_DUE_YEARS):
        raise ValidationError("Give a date within five years from today.")
    with transaction.atomic():
        CaseReview.objects.select_for_update().filter(pk=review.pk).first()  # one schedule at a time per review
        ScheduledFollowUp.objects.filter(review=review).filter(~_done()).delete()
        return ScheduledFollowUp.objects.create(review=review, due=due, scheduled_by=by)


def follow_up_schedule_cancel(*, schedule: ScheduledFollowUp) -> None:
    """Nobody needs this follow-up after all: the schedule goes (the review and its follow-ups stay)."""
    schedule.delete()
