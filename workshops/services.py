"""Writes of the workshop day that span models: rooms with their people, allocations, reviews."""

import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from analytics.scopes import scopes_of_review
from analytics.snapshots import refresh_after_commit
from casereview.identifiers import reject_identifiers
from casereview.models import VocabularyTerm
from workshops.models import (
    BreakoutRoom,
    CaseAllocation,
    CaseReview,
    Discipline,
    DoubleReviewDraw,
    ReviewAudit,
    RoomDiscipline,
    Workshop,
)


@transaction.atomic
def room_save(*, workshop: Workshop, room: BreakoutRoom | None, name: str, facilitators, discipline_counts: dict):
    """Create or update a room with its facilitators and who was in it (counts per discipline)."""
    new = room is None
    room = room or BreakoutRoom(workshop=workshop)
    room.name = name.strip()
    room.full_clean(exclude=["current_allocation"])
    room.save()
    if new:
        calibration_copies_for_new_room(room)
    room.facilitators.set(facilitators)
    for discipline in Discipline.values:
        count = discipline_counts.get(discipline) or 0
        if count:
            RoomDiscipline.objects.update_or_create(room=room, discipline=discipline, defaults={"count": count})
        else:
            RoomDiscipline.objects.filter(room=room, discipline=discipline).delete()
    return room


@transaction.atomic
def allocations_update(*, workshop: Workshop, placements: dict[int, tuple[BreakoutRoom | None, int]]):
    """Put each allocation (by id) in a room of the same workshop, at a position."""
    allocations = {a.pk: a for a in CaseAllocation.objects.filter(workshop=workshop, pk__in=placements)}
    for pk, (room, position) in placements.items():
        if room is not None and room.workshop_id != workshop.pk:
            raise ValidationError("A case can only go to a room of its own workshop.")
        allocation = allocations[pk]
        allocation.room, allocation.position = room, position
    CaseAllocation.objects.bulk_update(allocations.values(), ["room", "position"])


def room_open_case(*, room: BreakoutRoom, allocation: CaseAllocation | None) -> None:
    """Remember which case the room is discussing, for the control room."""
    if room.current_allocation_id != (allocation.pk if allocation else None):
        BreakoutRoom.objects.filter(pk=room.pk).update(current_allocation=allocation)


@dataclass
class ReviewAnswer:
    """What a room decided about one case, before it is stored."""

    consensus_reached: bool
    ideal_outcome: bool | None = None
    non_ideal_areas: list[VocabularyTerm] = field(default_factory=list)
    better_provision: VocabularyTerm | None = None
    themes: list[VocabularyTerm] = field(default_factory=list)
    notes: str = ""

    def normalised(self) -> "ReviewAnswer":
        """No consensus clears every outcome field; an ideal outcome clears the non-ideal ones."""
        if not self.consensus_reached:
            return ReviewAnswer(consensus_reached=False, notes=self.notes)
        if self.ideal_outcome:
            return ReviewAnswer(True, True, [], None, list(self.themes), self.notes)
        return self

    def problems(self) -> dict[str, str]:
        """What is missing or wrong, by field name; empty when the answer can be stored."""
        problems = {}
        if self.consensus_reached:
            if self.ideal_outcome is None:
                problems["ideal_outcome"] = "Say whether the outcome is ideal."
            elif self.ideal_outcome is False:
                if not self.non_ideal_areas:
                    problems["non_ideal_areas"] = "Choose at least one area that was not ideal."
                if self.better_provision is None:
                    problems["better_provision"] = (
                        "Choose the provision that would better support this child or young person."
                    )
            if not self.themes:
                problems["themes"] = "Choose at least one theme."
        try:
            reject_identifiers(self.notes)
        except ValidationError as error:
            problems["notes"] = error.messages[0]
        return problems


class ReviewConflict(Exception):
    """Someone else saved this review since the form was opened."""

    def __init__(self, current: CaseReview):
        super().__init__(f"Review {current.pk} is at version {current.version}.")
        self.current = current


def answer_of(review: CaseReview) -> ReviewAnswer:
    return ReviewAnswer(
        consensus_reached=review.consensus_reached,
        ideal_outcome=review.ideal_outcome,
        non_ideal_areas=list(review.non_ideal_areas.all()),
        better_provision=review.better_provision,
        themes=list(review.themes.all()),
        notes=review.notes,
    )


def answer_summary(answer: ReviewAnswer) -> dict[str, str]:
    """An answer in words, field by field: for the audit trail and for showing a conflict."""
    yes_no = {True: "Yes", False: "No", None: "—"}
    return {
        "Consensus reached": yes_no[answer.consensus_reached],
        "Ideal outcome": yes_no[answer.ideal_outcome],
        "Non-ideal areas": "; ".join(sorted(t.label for t in answer.non_ideal_areas)) or "—",
        "Better provision": answer.better_provision.label if answer.better_provision else "—",
        "Themes": "; ".join(sorted(t.label for t in answer.themes)) or "—",
        "Notes": answer.notes or "—",
    }


def review_summary(review: CaseReview | None) -> dict[str, str]:
    return answer_summary(answer_of(review)) if review else {}


def _replace_terms(related, held: list, wanted: list) -> None:
    """What ``related.set(wanted)`` does, without reading again what the review holds: the caller
    has just read it (``held``) under the allocation's lock. A first review only inserts."""
    held_pks, wanted_pks = {term.pk for term in held}, {term.pk for term in wanted}
    if gone := [term for term in held if term.pk not in wanted_pks]:
        related.remove(*gone)
    if added := [term for term in wanted if term.pk not in held_pks]:
        related.add(*added)


def review_save(
    *,
    allocation: CaseAllocation,
    answer: ReviewAnswer,
    by,
    expected_version: int,
    source: str = "console",
    extra_changes: dict | None = None,
) -> CaseReview:
    """Store the room's answer with an audit row, or raise ReviewConflict if the review moved on.

    ``expected_version`` is the version the person was looking at (0: no review yet). The
    allocation row is locked so two simultaneous first saves cannot both create a review.
    ``extra_changes`` are audited with the answer (a moderation's reason)."""
    answer = answer.normalised()
    problems = answer.problems()
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # Lock the allocation with every other allocation of the same case in the workshop (other
        # rooms, the moderated answer): one query, and two rooms saving the same case at once
        # settle which review counts one after the other. Ordered by id, so never a deadlock.
        group_pk = allocation.primary_id or allocation.pk
        group = list(
            CaseAllocation.objects.select_for_update()
            .filter(Q(pk=group_pk) | Q(primary_id=group_pk))
            .order_by("pk")
            .only("pk", "kind", "primary_id", "counts_in_reports")
        )
        review = (
            CaseReview.objects.select_related(
                "provision_at_review",
                "phase_at_review",
                "primary_need_at_review",
                "support_level_at_review",
                "better_provision",
            )
            .filter(allocation=allocation)
            .first()
        )
        if review is not None:
            review.allocation = allocation  # the caller's, with its case and workshop already read
        current_version = review.version if review else 0
        if current_version != expected_version:
            raise ReviewConflict(review)
        answer_before = answer_of(review) if review else None
        before = answer_summary(answer_before) if answer_before else {}
        scopes_before = scopes_of_review(review) if review else []
        if review is None:
            review = CaseReview(allocation=allocation, version=0)
        review.consensus_reached = answer.consensus_reached
        review.ideal_outcome = answer.ideal_outcome
        review.better_provision = answer.better_provision
        review.notes = answer.notes
        # The case as it is now, kept with the review: later changes to the case leave this review's figures alone.
        case = allocation.case
        review.provision_at_review = case.current_provision
        review.phase_at_review, review.primary_need_at_review, review.support_level_at_review = (
            case.phase,
            case.primary_need,
            case.support_level,
        )
        review.reviewed_by = by
        review.reviewed_at = timezone.now()
        review.version += 1
        review.save()
        _replace_terms(
            review.non_ideal_areas, answer_before.non_ideal_areas if answer_before else [], answer.non_ideal_areas
        )
        _replace_terms(review.themes, answer_before.themes if answer_before else [], answer.themes)
        after = answer_summary(answer)
        changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
        changes |= extra_changes or {}
        ReviewAudit.objects.create(review=review, changed_by=by, version=review.version, source=source, changes=changes)
        if len(group) > 1:
            _settle_counted(group)
        refresh_after_commit(allocation.workshop.organisation_id, scopes_before + scopes_of_review(review))
    return review


def counted_allocation(group: list[CaseAllocation], reviewed: dict[int, int]):
    """Which allocation of one case in one workshop counts in the reports (DESIGN.md §4: a
    double-reviewed case counts once): the moderated answer; until then the first room's; and
    when the first room has not answered, the earliest other room's answer, so no answer is lost.
    ``reviewed`` maps allocation id -> review id for the allocations that have a review."""
    by_kind = {kind: [a for a in group if a.kind == kind and a.pk in reviewed] for kind in CaseAllocation.Kind.values}
    if by_kind[CaseAllocation.Kind.MODERATION]:
        return by_kind[CaseAllocation.Kind.MODERATION][0]
    if by_kind[CaseAllocation.Kind.FIRST]:
        return by_kind[CaseAllocation.Kind.FIRST][0]
    if by_kind[CaseAllocation.Kind.ANOTHER_ROOM]:
        return min(by_kind[CaseAllocation.Kind.ANOTHER_ROOM], key=lambda a: reviewed[a.pk])
    return next(a for a in group if a.kind == CaseAllocation.Kind.FIRST)


def _settle_counted(group: list[CaseAllocation]) -> None:
    """Mark the one allocation of the group that counts; the caller holds the group's locks."""
    reviewed = dict(CaseReview.objects.filter(allocation__in=group).values_list("allocation_id", "pk"))
    counted = counted_allocation(group, reviewed)
    changed = [a for a in group if a.counts_in_reports != (a.pk == counted.pk)]
    for allocation in changed:
        allocation.counts_in_reports = allocation.pk == counted.pk
    if changed:
        CaseAllocation.objects.bulk_update(changed, ["counts_in_reports"])


class AllocationProblem(ValidationError):
    """What is wrong with an allocation the lead asked for: a list of messages, nothing saved."""


def _copies_by_first(workshop: Workshop) -> dict[int, list[CaseAllocation]]:
    copies = {}
    for copy in CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.ANOTHER_ROOM).select_related(
        "review", "room"
    ):
        copies.setdefault(copy.primary_id, []).append(copy)
    return copies


def _has_review(allocation: CaseAllocation) -> bool:
    return getattr(allocation, "review", None) is not None


def _copy_in(first: CaseAllocation, room: BreakoutRoom, position: int) -> CaseAllocation:
    # Another room's review never counts while the first room's exists (settled on each save).
    return CaseAllocation.objects.create(
        workshop_id=first.workshop_id,
        case_id=first.case_id,
        room=room,
        position=position,
        kind=CaseAllocation.Kind.ANOTHER_ROOM,
        primary=first,
        counts_in_reports=False,
    )


def placements_split_evenly(
    *,
    placements: dict[int, tuple[BreakoutRoom | None, int]],
    rooms: list[BreakoutRoom],
    keep: set[int],
    second_rooms: dict[int, BreakoutRoom | None],
) -> dict[int, tuple[BreakoutRoom | None, int]]:
    """The cases shared out in turn among the rooms, in their current order, so no room has more than
    one case more than another. ``keep`` (reviewed and calibration cases) stay where they are and
    count towards their room's share; a case never goes to the room that reviews it blind."""
    if not rooms:
        return placements
    rooms = sorted(rooms, key=lambda room: room.name.casefold())
    load = {
        room.pk: sum(1 for pk, (room_, _) in placements.items() if pk in keep and room_ and room_.pk == room.pk)
        for room in rooms
    }
    moved = dict(placements)
    for pk in sorted((pk for pk in placements if pk not in keep), key=lambda pk: (placements[pk][1], pk)):
        second = second_rooms.get(pk)
        choices = [room for room in rooms if second is None or room.pk != second.pk] or rooms
        room = min(choices, key=lambda room: (load[room.pk], rooms.index(room)))
        load[room.pk] += 1
        moved[pk] = (room, placements[pk][1])
    return _renumbered(moved)


def placements_moved(
    *,
    placements: dict[int, tuple[BreakoutRoom | None, int]],
    selected: list[int],
    room: BreakoutRoom | None,
) -> dict[int, tuple[BreakoutRoom | None, int]]:
    """The selected cases moved to ``room`` (or out of every room), after the cases already there."""
    moved = dict(placements)
    last = max((position for room_, position in placements.values() if room_ == room), default=0)
    for offset, pk in enumerate(sorted(selected, key=lambda pk: (placements[pk][1], pk)), start=1):
        moved[pk] = (room, last + offset)
    return _renumbered(moved)


def _renumbered(placements):
    """Each room's cases numbered 1, 2, 3… in their order (cases in no room keep theirs)."""
    by_room = {}
    for pk, (room, position) in sorted(placements.items(), key=lambda item: (item[1][1], item[0])):
        by_room.setdefault(room.pk if room else None, []).append(pk)
    result = dict(placements)
    for room_pk, pks in by_room.items():
        if room_pk is None:
            continue
        for number, pk in enumerate(pks, start=1):
            result[pk] = (placements[pk][0], number)
    return result


@transaction.atomic
def allocation_save(
    *,
    workshop: Workshop,
    placements: dict[int, tuple[BreakoutRoom | None, int]],
    second_rooms: dict[int, BreakoutRoom | None],
    calibration: set[int],
) -> None:
    """The allocation page, all or nothing: each first allocation's room and order, its blind
    second room (or none), and whether it is a calibration case (every room reviews it). A
    room's review is never dropped: taking a case away from a room that has reviewed it is
    refused, with every such problem listed."""
    allocations_update(workshop=workshop, placements=placements)
    firsts = {
        a.pk: a
        for a in CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.FIRST).select_related(
            "case", "room"
        )
    }
    copies = _copies_by_first(workshop)
    rooms = list(workshop.rooms.all())
    problems = []
    for pk, first in firsts.items():
        mine = copies.get(pk, [])
        reference = first.case.reference
        if pk in calibration:
            wanted = {room.pk for room in rooms if room.pk != first.room_id}
            if first.room_id is None:
                problems.append(
                    f"{reference}: put a calibration case in a room first; every other room then reviews it too."
                )
                continue
        elif pk in second_rooms and second_rooms[pk] is not None:
            second = second_rooms[pk]
            if first.room_id is None:
                problems.append(f"{reference}: put the case in a room before sending it to a second room.")
                continue
            if second.pk == first.room_id:
                problems.append(f"{reference}: the second room must be another room than {first.room.name}.")
                continue
            wanted = {second.pk}
        else:
            wanted = set()
        for copy in mine:
            if copy.room_id not in wanted:
                if _has_review(copy):
                    problems.append(
                        f"{reference}: {copy.room.name if copy.room else 'another room'} has already reviewed it, "
                        "so it stays in that room (its review is kept)."
                    )
                else:
                    copy.delete()
        held = {copy.room_id for copy in mine}
        for room in rooms:
            if room.pk in wanted and room.pk not in held:
                _copy_in(first, room, 0 if pk in calibration else first.position)
        if first.calibration != (pk in calibration):
            first.calibration = pk in calibration
            first.save(update_fields=["calibration"])
    if problems:
        raise AllocationProblem(problems)


def calibration_copies_for_new_room(room: BreakoutRoom) -> None:
    """A room added after cases were marked for calibration reviews them too, first."""
    for first in CaseAllocation.objects.filter(
        workshop_id=room.workshop_id, kind=CaseAllocation.Kind.FIRST, calibration=True
    ):
        if first.room_id != room.pk and not first.copies.filter(room=room).exists():
            _copy_in(first, room, 0)


@dataclass
class Draw:
    record: "DoubleReviewDraw"
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
        CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.ANOTHER_ROOM).values_list(
            "primary_id", flat=True
        )
    )
    wanted = round(len(firsts) * share / 100)
    candidates = [first for first in firsts if first.pk not in doubled]
    count = max(0, min(len(candidates), wanted - sum(1 for first in firsts if first.pk in doubled)))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(candidates, count), key=lambda first: first.pk)
    load = {room.pk: 0 for room in rooms}
    for copy_room in CaseAllocation.objects.filter(
        workshop=workshop, kind=CaseAllocation.Kind.ANOTHER_ROOM
    ).values_list("room_id", flat=True):
        if copy_room in load:
            load[copy_room] += 1
    pairs = []
    for first in chosen:
        others = [room for room in rooms if room.pk != first.room_id]
        fewest = min(load[room.pk] for room in others)
        second = rng.choice([room for room in others if load[room.pk] == fewest])
        load[second.pk] += 1
        _copy_in(first, second, first.position)
        pairs.append((first.case.reference, second.name))
    record = DoubleReviewDraw.objects.create(
        workshop=workshop,
        share=share,
        seed=seed,
        drawn_by=by,
        references=[{"reference": reference, "room": room} for reference, room in pairs],
    )
    return Draw(record, pairs)
