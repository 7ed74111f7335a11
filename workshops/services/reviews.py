"""Storing a room's answer to a case: ``review_save``, with its audit row, under optimistic
locking (docs/design.md, “The write path: nothing lost”)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from analytics.scopes import scopes_of_review
from analytics.snapshots import refresh_after_commit
from workshops.agreement.counting import settle_counted
from workshops.models import CaseAllocation, CaseReview, ReviewAudit
from workshops.services.answer_words import answer_summary
from workshops.services.answers import ReviewAnswer, answer_of


class ReviewConflict(Exception):
    """Someone else saved this review since the form was opened."""

    def __init__(self, current: CaseReview):
        super().__init__(f"Review {current.pk} is at version {current.version}.")
        self.current = current


def review_save(
    *,
    allocation: CaseAllocation,
    answer: ReviewAnswer,
    by,
    expected_version: int,
    source: str = "console",
    extra_changes: dict | None = None,
    moment_of: CaseReview | None = None,
) -> CaseReview:
    """Store the room's answer with an audit row, or raise ReviewConflict if the review moved on.

    ``expected_version`` is the version the person was looking at (0: no review yet). The
    allocation row is locked so two simultaneous first saves cannot both create a review.
    ``extra_changes`` are audited with the answer (a moderation's reason). A review keeps its
    moment: the case's phase, need, support level and provision are fixed at its first save, from
    the case as it is then, or from ``moment_of`` (a moderated answer takes the rooms' moment);
    an edit never changes them (docs/design.md, “Report definitions”)."""
    answer = answer.normalised()
    problems = answer.problems()
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        group = _case_allocations_locked(allocation)
        review = _review_of(allocation)
        current_version = review.version if review else 0
        if review is None and expected_version != 0:
            # A form claiming an answer that was never saved (an edited page): nothing to compare with.
            raise ValidationError("This case has no saved answer yet: reload the page and answer it again.")
        if current_version != expected_version:
            raise ReviewConflict(review)
        answer_before = answer_of(review) if review else None
        before = answer_summary(answer_before) if answer_before else {}
        scopes_before = scopes_of_review(review) if review else []
        if review is None:
            review = CaseReview(allocation=allocation, version=0)
            _moment_kept(review, moment_of)
        _answer_written(review, answer, answer_before, by=by)
        after = answer_summary(answer)
        changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
        changes |= extra_changes or {}
        ReviewAudit.objects.create(review=review, changed_by=by, version=review.version, source=source, changes=changes)
        if len(group) > 1:
            settle_counted(group)
        refresh_after_commit(allocation.workshop.organisation_id, scopes_before + scopes_of_review(review))
    return review


def _case_allocations_locked(allocation: CaseAllocation) -> list[CaseAllocation]:
    """Lock the allocation with every other allocation of the same case in the workshop (other
    rooms, the moderated answer): one query, and two rooms saving the same case at once settle
    which review counts one after the other. Ordered by id, so never a deadlock."""
    group_pk = allocation.first_allocation_id or allocation.pk
    return list(
        CaseAllocation.objects.select_for_update()
        .filter(Q(pk=group_pk) | Q(first_allocation_id=group_pk))
        .order_by("pk")
        .only("pk", "kind", "first_allocation_id", "counts_in_reports")
    )


def _review_of(allocation: CaseAllocation) -> CaseReview | None:
    """The allocation's review as it is now, with what naming its scopes reads."""
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
    return review


def _moment_kept(review: CaseReview, moment_of: CaseReview | None) -> None:
    """A new review's moment: the case as it is now (or as ``moment_of`` saw it), kept with the
    review, so later changes to the case leave this review's figures alone."""
    if moment_of is not None:
        review.provision_at_review_id = moment_of.provision_at_review_id
        review.phase_at_review_id = moment_of.phase_at_review_id
        review.primary_need_at_review_id = moment_of.primary_need_at_review_id
        review.support_level_at_review_id = moment_of.support_level_at_review_id
        return
    case = review.allocation.case
    review.provision_at_review = case.current_provision
    review.phase_at_review, review.primary_need_at_review, review.support_level_at_review = (
        case.phase,
        case.primary_need,
        case.support_level,
    )


def _answer_written(review: CaseReview, answer: ReviewAnswer, answer_before: ReviewAnswer | None, *, by) -> None:
    """The answer into the review, one version on; its moment stays as it was first saved."""
    review.consensus_reached = answer.consensus_reached
    review.ideal_outcome = answer.ideal_outcome
    review.better_provision = answer.better_provision
    review.notes = answer.notes
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    review.version += 1
    review.save()
    _replace_terms(
        review.non_ideal_areas, answer_before.non_ideal_areas if answer_before else [], answer.non_ideal_areas
    )
    _replace_terms(review.themes, answer_before.themes if answer_before else [], answer.themes)


def _replace_terms(related, held: list, wanted: list) -> None:
    """What ``related.set(wanted)`` does, without reading again what the review holds: the caller
    has just read it (``held``) under the allocation's lock. A first review only inserts."""
    held_pks, wanted_pks = {term.pk for term in held}, {term.pk for term in wanted}
    if gone := [term for term in held if term.pk not in wanted_pks]:
        related.remove(*gone)
    if added := [term for term in wanted if term.pk not in held_pks]:
        related.add(*added)
