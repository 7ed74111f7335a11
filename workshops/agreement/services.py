"""Writes of agreement between rooms: a case's other rooms (a blind second room, every room for a
calibration case, a random draw of second rooms), the moderated answer of a disagreement, and
the moderation panel. Which review of such a case counts is settled in ``counting``."""

import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from casereview.identifiers import reject_identifiers
from casereview.models import Role
from workshops.models import BreakoutRoom, CaseAllocation, CaseReview, DoubleReviewDraw, Moderator, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

# --- other rooms ----------------------------------------------------------------------------


class AllocationProblem(ValidationError):
    """What is wrong with an allocation the lead asked for: a list of messages, nothing saved."""


def other_room_add(*, first: CaseAllocation, room: BreakoutRoom, position: int) -> CaseAllocation:
    """Another room reviews the case too: an allocation of its own, pointing at the first."""
    # Another room's review never counts while the first room's exists (settled on each save).
    return CaseAllocation.objects.create(
        workshop_id=first.workshop_id,
        case_id=first.case_id,
        room=room,
        position=position,
        kind=CaseAllocation.Kind.OTHER_ROOM,
        first_allocation=first,
        counts_in_reports=False,
    )


def _other_rooms_by_first(workshop: Workshop) -> dict[int, list[CaseAllocation]]:
    others = {}
    for other in CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.OTHER_ROOM).select_related(
        "review", "room"
    ):
        others.setdefault(other.first_allocation_id, []).append(other)
    return others


def _has_review(allocation: CaseAllocation) -> bool:
    return getattr(allocation, "review", None) is not None


def _other_rooms_wanted(
    first: CaseAllocation, *, rooms: list[BreakoutRoom], second_room: BreakoutRoom | None, calibration: bool
) -> tuple[set[int], str | None]:
    """The rooms (by id) that should review the first allocation's case besides its room, or
    what stops it."""
    reference = first.case.reference
    if calibration:
        if first.room_id is None:
            return set(), f"{reference}: put a calibration case in a room first; every other room then reviews it too."
        return {room.pk for room in rooms if room.pk != first.room_id}, None
    if second_room is not None:
        if first.room_id is None:
            return set(), f"{reference}: put the case in a room before sending it to a second room."
        if second_room.pk == first.room_id:
            return set(), f"{reference}: the second room must be another room than {first.room.name}."
        return {second_room.pk}, None
    return set(), None


@transaction.atomic
def other_rooms_save(
    *, workshop: Workshop, second_rooms: dict[int, BreakoutRoom | None], calibration: set[int]
) -> None:
    """Each first allocation's other rooms, as the allocation page asks: its blind second room
    (``second_rooms``, by first allocation id; None: none), or every other room when it is a
    calibration case. A room's review is never dropped: taking a case away from a room that has
    reviewed it is refused, and every problem is listed in one ``AllocationProblem``."""
    firsts = {
        a.pk: a
        for a in CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.FIRST).select_related(
            "case", "room"
        )
    }
    others = _other_rooms_by_first(workshop)
    rooms = list(workshop.rooms.all())
    problems = []
    for pk, first in firsts.items():
        wanted, problem = _other_rooms_wanted(
            first, rooms=rooms, second_room=second_rooms.get(pk), calibration=pk in calibration
        )
        if problem:
            problems.append(problem)
            continue
        mine = others.get(pk, [])
        for other in mine:
            if other.room_id not in wanted:
                if _has_review(other):
                    problems.append(
                        f"{first.case.reference}: {other.room.name if other.room else 'another room'} has already "
                        "reviewed it, so it stays in that room (its review is kept)."
                    )
                else:
                    other.delete()
        held = {other.room_id for other in mine}
        for room in rooms:
            if room.pk in wanted and room.pk not in held:
                other_room_add(first=first, room=room, position=0 if pk in calibration else first.position)
        if first.calibration != (pk in calibration):
            first.calibration = pk in calibration
            first.save(update_fields=["calibration"])
    if problems:
        raise AllocationProblem(problems)


def calibration_cases_add_room(*, room: BreakoutRoom) -> None:
    """A room added after cases were marked for calibration reviews them too, first."""
    for first in CaseAllocation.objects.filter(
        workshop_id=room.workshop_id, kind=CaseAllocation.Kind.FIRST, calibration=True
    ):
        if first.room_id != room.pk and not first.other_allocations.filter(room=room).exists():
            other_room_add(first=first, room=room, position=0)


@dataclass
class Draw:
    record: DoubleReviewDraw
    pairs: list[tuple[str, str]]


@transaction.atomic
def double_review_draw(*, workshop: Workshop, share: int, seed: int, by) -> Draw:
    """Send ``share`` percent of the workshop's cases (those in a room, not calibration cases),
    chosen at random with ``seed``, each to a second room, blind. Cases already sent count
    towards the share. The rooms are kept even: each drawn case goes to the other room with the
    fewest second reviews so far (ties broken by the same seed). The draw is recorded."""
    if not 1 <= share <= 100:
        raise ValidationError("The share must be a whole number from 1 to 100.")
    rooms = list(workshop.rooms.order_by("pk"))
    if len(rooms) < 2:
        raise ValidationError("A second review needs a second room: add another room first.")
    firsts = list(
        CaseAllocation.objects.filter(
            workshop=workshop, kind=CaseAllocation.Kind.FIRST, room__isnull=False, calibration=False
        )
        .select_related("case", "room")
        .order_by("pk")
    )
    doubled = set(
        CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.OTHER_ROOM).values_list(
            "first_allocation_id", flat=True
        )
    )
    wanted = round(len(firsts) * share / 100)
    candidates = [first for first in firsts if first.pk not in doubled]
    count = max(0, min(len(candidates), wanted - sum(1 for first in firsts if first.pk in doubled)))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(candidates, count), key=lambda first: first.pk)
    load = {room.pk: 0 for room in rooms}
    for other_room in CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.OTHER_ROOM).values_list(
        "room_id", flat=True
    ):
        if other_room in load:
            load[other_room] += 1
    pairs = []
    for first in chosen:
        others = [room for room in rooms if room.pk != first.room_id]
        fewest = min(load[room.pk] for room in others)
        second = rng.choice([room for room in others if load[room.pk] == fewest])
        load[second.pk] += 1
        other_room_add(first=first, room=second, position=first.position)
        pairs.append((first.case.reference, second.name))
    record = DoubleReviewDraw.objects.create(
        workshop=workshop,
        share=share,
        seed=seed,
        drawn_by=by,
        references=[{"reference": reference, "room": room} for reference, room in pairs],
    )
    return Draw(record, pairs)


# --- moderation -----------------------------------------------------------------------------


def _moderation_allocation(first: CaseAllocation) -> CaseAllocation:
    """The allocation holding the case's moderated answer (no room: no room's console shows it)."""
    existing = CaseAllocation.objects.filter(first_allocation=first, kind=CaseAllocation.Kind.MODERATION).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CaseAllocation.objects.create(
                workshop_id=first.workshop_id,
                case_id=first.case_id,
                room=None,
                position=first.position,
                kind=CaseAllocation.Kind.MODERATION,
                first_allocation=first,
                counts_in_reports=False,
            )
    except IntegrityError:  # someone else created it a moment ago: theirs is the one
        return CaseAllocation.objects.get(first_allocation=first, kind=CaseAllocation.Kind.MODERATION)


def moderation_save(
    *, first: CaseAllocation, answer: ReviewAnswer, reason: str, by, expected_version: int
) -> CaseReview:
    """Record the moderated answer of a case several rooms reviewed, with the reason.

    Stored as a review (so every report reads it like any other, and it is audited like any
    other: the reason is in its audit row), under the same optimistic locking: a moderator
    saving over another's newer moderated answer gets ReviewConflict. From then on it is the
    case's answer that counts in every report."""
    if first.kind != CaseAllocation.Kind.FIRST:
        raise ValidationError("Moderate a case from its first allocation.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is the moderated answer."})
    reject_identifiers(reason)
    with transaction.atomic():
        allocation = _moderation_allocation(first)
        allocation.case, allocation.workshop = first.case, first.workshop
        return review_save(
            allocation=allocation,
            answer=answer,
            by=by,
            expected_version=expected_version,
            source="moderation",
            extra_changes={"Reason": [None, reason]},
            moment_of=rooms_moment(first),
        )


def rooms_moment(first: CaseAllocation) -> CaseReview | None:
    """The review whose moment (the case as the rooms reviewed it) a moderated answer keeps: the
    first room's, or, when it never answered, the earliest other room's."""
    reviews = CaseReview.objects.filter(
        Q(allocation=first) | Q(allocation__first_allocation=first, allocation__kind=CaseAllocation.Kind.OTHER_ROOM)
    ).select_related("allocation")
    return min(reviews, key=lambda review: (review.allocation_id != first.pk, review.pk), default=None)


@transaction.atomic
def panel_set(*, workshop: Workshop, facilitators) -> None:
    """The workshop's moderation panel: facilitators of the workshop's LA whom the lead names."""
    for person in facilitators:
        membership = getattr(person, "membership", None)
        if (
            membership is None
            or membership.organisation_id != workshop.organisation_id
            or membership.role != Role.FACILITATOR
        ):
            raise ValidationError("Only facilitators of this LA can be on the moderation panel.")
    Moderator.objects.filter(workshop=workshop).exclude(user__in=facilitators).delete()
    held = set(Moderator.objects.filter(workshop=workshop).values_list("user_id", flat=True))
    Moderator.objects.bulk_create(
        [Moderator(workshop=workshop, user=person) for person in facilitators if person.pk not in held]
    )
