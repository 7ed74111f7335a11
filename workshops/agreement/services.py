"""Writes of agreement between rooms: the moderated answer of a disagreement, and the panel."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casereview.identifiers import reject_identifiers
from casereview.models import Role
from workshops.models import CaseAllocation, CaseReview, Moderator, Workshop
from workshops.services import ReviewAnswer, review_save


def _moderation_allocation(first: CaseAllocation) -> CaseAllocation:
    """The allocation holding the case's moderated answer (no room: no room's console shows it)."""
    existing = CaseAllocation.objects.filter(primary=first, kind=CaseAllocation.Kind.MODERATION).first()
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
                primary=first,
                counts_in_reports=False,
            )
    except IntegrityError:  # someone else created it a moment ago: theirs is the one
        return CaseAllocation.objects.get(primary=first, kind=CaseAllocation.Kind.MODERATION)


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
        )


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
