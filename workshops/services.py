"""Writes of the workshop day that span models: rooms with their people, allocations, reviews."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
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
    ReviewAudit,
    RoomDiscipline,
    Workshop,
)


@transaction.atomic
def room_save(*, workshop: Workshop, room: BreakoutRoom | None, name: str, facilitators, discipline_counts: dict):
    """Create or update a room with its facilitators and who was in it (counts per discipline)."""
    room = room or BreakoutRoom(workshop=workshop)
    room.name = name.strip()
    room.full_clean(exclude=["current_allocation"])
    room.save()
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
                    problems["better_provision"] = "Choose the provision that would better support this child or young person."
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
    *, allocation: CaseAllocation, answer: ReviewAnswer, by, expected_version: int, source: str = "console"
) -> CaseReview:
    """Store the room's answer with an audit row, or raise ReviewConflict if the review moved on.

    ``expected_version`` is the version the person was looking at (0: no review yet). The
    allocation row is locked so two simultaneous first saves cannot both create a review."""
    answer = answer.normalised()
    problems = answer.problems()
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        CaseAllocation.objects.select_for_update().get(pk=allocation.pk)
        review = (
            CaseReview.objects.select_related("provision_at_review", "phase_at_review", "primary_need_at_review", "support_level_at_review",
                                              "better_provision")
            .filter(allocation=allocation).first()
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
        review.phase_at_review, review.primary_need_at_review, review.support_level_at_review = case.phase, case.primary_need, case.support_level
        review.reviewed_by = by
        review.reviewed_at = timezone.now()
        review.version += 1
        review.save()
        _replace_terms(review.non_ideal_areas, answer_before.non_ideal_areas if answer_before else [], answer.non_ideal_areas)
        _replace_terms(review.themes, answer_before.themes if answer_before else [], answer.themes)
        after = answer_summary(answer)
        changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
        ReviewAudit.objects.create(review=review, changed_by=by, version=review.version, source=source, changes=changes)
        refresh_after_commit(allocation.workshop.organisation_id, scopes_before + scopes_of_review(review))
    return review
