"""Reads of the workshop day, scoped through the tenancy helper."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from casereview.models import Role
from casereview.tenancy import for_member, membership_of
from workshops.models import (
    BreakoutRoom,
    CaseAllocation,
    CaseReview,
    ReviewAudit,
    ReviewStatus,
    Workshop,
)


def workshops_for(user):
    """Workshops the person may open: all of the LA's, or for a facilitator those with their rooms."""
    workshops = for_member(user, Workshop)
    membership = membership_of(user)
    if membership and membership.role == Role.FACILITATOR:
        workshops = workshops.filter(rooms__facilitators=user).distinct()
    return workshops


def rooms_for_console(user):
    """Rooms whose cases the person may review: a lead any room of the LA, a facilitator their own."""
    rooms = for_member(user, BreakoutRoom).select_related("workshop__organisation")  # the console's forms need the LA
    membership = membership_of(user)
    if membership is None or membership.role == Role.VIEWER:
        return rooms.none()
    if membership.role == Role.FACILITATOR:
        rooms = rooms.filter(facilitators=user)
    return rooms


def rooms_to_open(user):
    """The person's own rooms in workshops that are live or happening today; never a closed one."""
    today = timezone.localdate()
    return (
        rooms_for_console(user)
        .filter(facilitators=user)
        .filter(Q(workshop__status=Workshop.Status.LIVE) | Q(workshop__date=today))
        .exclude(workshop__status=Workshop.Status.CLOSED)
        .order_by("workshop__date", "workshop__title", "name")
    )


def allocation_status(allocation: CaseAllocation, room: BreakoutRoom | None) -> str:
    review = getattr(allocation, "review", None)
    return ReviewStatus.of(
        review.consensus_reached if review is not None else None,
        room is not None and room.current_allocation_id == allocation.pk,
    )


@dataclass
class CaseLine:
    allocation: CaseAllocation
    status: str

    @property
    def status_label(self) -> str:
        return ReviewStatus(self.status).label


def _room_allocations():
    """A room's cases in order, with what the console shows and a save needs (the case's phase,
    need, support level and provision name the scopes it refreshes), and ``may_have_earlier``:
    whether any earlier workshop of the LA has a counted review of the case, so the console reads
    ``earlier_reviews`` only for a case that may have some (one indexed EXISTS a line)."""
    earlier = CaseReview.objects.filter(
        allocation__case_id=OuterRef("case_id"),
        allocation__counts_in_reports=True,
        allocation__workshop__organisation_id=OuterRef("workshop__organisation_id"),
        allocation__workshop__date__lt=OuterRef("workshop__date"),
    )
    return (
        CaseAllocation.objects.select_related(
            "case",
            "case__phase",
            "case__primary_need",
            "case__support_level",
            "case__current_provision",
            "review",
            # The first allocation too: a calibration case says so in every room (a blind second review says nothing).
            "first_allocation",
        )
        .annotate(may_have_earlier=Exists(earlier))
        .order_by("position", "case__reference")
    )


def room_cases(room: BreakoutRoom) -> list[CaseLine]:
    """The room's cases in order, each with its status, in one query."""
    allocations = _room_allocations().filter(room=room)
    return [CaseLine(allocation, allocation_status(allocation, room)) for allocation in allocations]


def room_cases_for_console(user, room_pk: int) -> tuple[BreakoutRoom, list[CaseLine]] | None:
    """A room the person may use (``rooms_for_console``) with its cases, in one query: what a save
    reads before writing, and the lines it answers with. None when the room is not theirs (or
    another LA's) or has no case: for a save, a 404 either way."""
    allocations = list(
        _room_allocations()
        .filter(room_id=room_pk, room__in=rooms_for_console(user))
        .select_related("room__workshop__organisation")
    )
    if not allocations:
        return None
    room = allocations[0].room
    for allocation in allocations:
        allocation.room = room  # one room object, so the case it opens shows in every line
        if allocation.workshop_id == room.workshop_id:
            allocation.workshop = room.workshop
    return room, [CaseLine(allocation, allocation_status(allocation, room)) for allocation in allocations]


def earlier_reviews(case_id: int, workshop: Workshop) -> list[CaseReview]:
    """What the rooms of earlier workshops found for this child, for the room reviewing them again
    (seed 002: "feedback about choices and outcomes"), oldest first, in at most three queries however
    many there are.

    Only workshops held before ``workshop`` (never this one: under blind review a sibling room's
    answer for the same workshop stays sealed), one review per workshop (the one that counts in the
    reports: which room said what stays with the lead), and none of a case still sealed there (a
    room given it has not answered: the rule of analytics/sealing.py, written again here because
    workshops may not import analytics.sealing)."""
    allocations = CaseAllocation.objects.filter(case_id=case_id)
    waiting_groups = (
        allocations.filter(room__isnull=False, review__isnull=True)
        .exclude(kind=CaseAllocation.Kind.MODERATION)
        .annotate(group=Coalesce("first_allocation_id", "id"))
        .values("group")
    )
    sealed_groups = allocations.filter(
        kind=CaseAllocation.Kind.OTHER_ROOM, first_allocation_id__in=waiting_groups
    ).values("first_allocation_id")
    reviews = (
        CaseReview.objects.filter(
            allocation__case_id=case_id,
            allocation__counts_in_reports=True,
            allocation__workshop__organisation_id=workshop.organisation_id,
            allocation__workshop__date__lt=workshop.date,
        )
        .exclude(Q(allocation_id__in=sealed_groups) | Q(allocation__first_allocation_id__in=sealed_groups))
        .select_related("allocation__workshop", "better_provision")
        .order_by("allocation__workshop__date", "pk")
    )
    prefetch = ["non_ideal_areas"]
    # The follow-ups are improvement's (CaseFollowUp.review, related_name "follow_ups"): workshops
    # names that reverse relation by its name only, never importing improvement, so the layering
    # (casereview <- workshops <- analytics <- improvement) holds; the relation is there whenever
    # improvement is installed, and without it the console simply shows no follow-up.
    if hasattr(CaseReview, "follow_ups"):
        prefetch.append("follow_ups")
    return list(reviews.prefetch_related(*prefetch))


def next_case_after(lines: list[CaseLine], allocation: CaseAllocation) -> CaseLine | None:
    """The first case still to do after this one, wrapping round; None when every case has a review."""
    index = next((i for i, line in enumerate(lines) if line.allocation.pk == allocation.pk), -1)
    for line in lines[index + 1 :] + lines[: index + 1]:
        if line.status in (ReviewStatus.TO_DO, ReviewStatus.IN_DISCUSSION) and line.allocation.pk != allocation.pk:
            return line
    return None


@dataclass
class RoomProgress:
    room: BreakoutRoom
    counts: dict[str, int]
    total: int
    current: CaseAllocation | None

    @property
    def finished(self) -> int:
        return self.counts[ReviewStatus.DONE] + self.counts[ReviewStatus.NO_CONSENSUS]


def workshop_progress(workshop: Workshop) -> tuple[list[RoomProgress], int]:
    """Each room's cases by status, and how many cases are not in any room yet.

    The lead's control room asks for this every 5 s in every running workshop, so the cases are
    read as (room, allocation, review) tuples, not as objects, and given their status by
    ``ReviewStatus.of`` as ``allocation_status`` gives it."""
    rooms = list(workshop.rooms.select_related("current_allocation__case"))
    counts = {room.pk: dict.fromkeys(ReviewStatus.values, 0) for room in rooms}
    current = {room.pk: room.current_allocation_id for room in rooms}
    for room_id, allocation_id, review_id, consensus in CaseAllocation.objects.filter(room__in=rooms).values_list(
        "room_id", "pk", "review__pk", "review__consensus_reached"
    ):
        counts[room_id][
            ReviewStatus.of(consensus if review_id is not None else None, current[room_id] == allocation_id)
        ] += 1
    progress = [
        RoomProgress(room, counts[room.pk], sum(counts[room.pk].values()), room.current_allocation) for room in rooms
    ]
    unallocated = workshop.allocations.filter(room__isnull=True, kind=CaseAllocation.Kind.FIRST).count()
    return progress, unallocated


def workshop_audit(workshop: Workshop):
    return (
        ReviewAudit.objects.filter(review__allocation__workshop=workshop)
        .select_related("changed_by", "review__allocation__case", "review__allocation__room")
        .order_by("-changed_at", "-version")
    )
