"""Storing a room's answer to a case: ``review_save``, with its audit row, under optimistic
locking (docs/design.md, “The write path: nothing lost”); and undoing a "No consensus" saved a
moment ago (``review_undo_no_consensus``) under the same locks and version rule."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone

from analytics.scopes import scopes_of_review
from analytics.snapshots import refresh_after_commit
from casereview.models import VocabularyTerm
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
    if expected_version == 0 and moment_of is None and _reviewed_alone(allocation):
        review = _first_review_stored(allocation, answer, by=by, source=source, extra_changes=extra_changes)
        if review is not None:
            refresh_after_commit(allocation.workshop.organisation_id, scopes_of_review(review))
            return review
        # Not stored: the case has a review already (the locked path below names the conflict) or
        # another room was given it meanwhile (the locked path settles which review counts).
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
        changes = _changes_audited(before, answer, extra_changes)
        ReviewAudit.objects.create(review=review, changed_by=by, version=review.version, source=source, changes=changes)
        if len(group) > 1:
            settle_counted(group)
        refresh_after_commit(allocation.workshop.organisation_id, scopes_before + scopes_of_review(review))
    return review


def _changes_audited(before: dict, answer: ReviewAnswer, extra_changes: dict | None) -> dict:
    """The audit row's changes: each answer in words that differs from ``before``, as [before, after]."""
    after = answer_summary(answer)
    changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
    return changes | (extra_changes or {})


def _reviewed_alone(allocation: CaseAllocation) -> bool:
    """A case's first room that, as far as this request read, no other room reviews: its first
    review settles nothing (it counts, as it did before it had one), so it needs no lock."""
    return (
        # The one statement is PostgreSQL's (unnest, ON CONFLICT ... RETURNING in a WITH); the
        # embedded SQLite of a laptop takes the locked path, as every save did before.
        connection.vendor == "postgresql"
        and allocation.kind == CaseAllocation.Kind.FIRST
        and allocation.first_allocation_id is None
        and allocation.counts_in_reports
    )


def _first_review_stored(allocation: CaseAllocation, answer: ReviewAnswer, *, by, source, extra_changes):
    """A case's first review with its areas, themes and audit row in one statement, or None when it
    stored nothing: when the case has a review already (the unique allocation, ON CONFLICT DO
    NOTHING: two rooms' first saves never both store, and the later one is a conflict, never an
    overwrite) or another allocation of the case exists (NOT EXISTS: the locked path then settles
    which review counts). One statement is one transaction: all four writes or none. What the
    locked path does in eight statements (BEGIN, the lock, the review read again, four INSERTs,
    COMMIT), for the save the day makes most (docs/benchmarks.md, issue 37)."""
    review = CaseReview(allocation=allocation, version=0)
    _moment_kept(review, None)
    _answer_set(review, answer, by=by)
    changes = _changes_audited({}, answer, extra_changes)
    audit = ReviewAudit(changed_by=by, version=review.version, source=source, changes=changes)
    quote = connection.ops.quote_name
    review_columns, review_values = _insert_values(review)
    audit_columns, audit_values = _insert_values(audit, leaving=("review_id",))
    allocations = CaseAllocation._meta
    links = []
    for name, terms in (("non_ideal_areas", answer.non_ideal_areas), ("themes", answer.themes)):
        field = CaseReview._meta.get_field(name)
        links.append(
            (
                f"{name} AS (INSERT INTO {quote(field.m2m_db_table())} "
                f"({quote(field.m2m_column_name())}, {quote(field.m2m_reverse_name())}) "
                "SELECT stored.id, term FROM stored, unnest(%s::bigint[]) AS term)",
                [list(dict.fromkeys(term.pk for term in terms))],
            )
        )
    sql = (
        f"WITH stored AS (INSERT INTO {quote(CaseReview._meta.db_table)} ({', '.join(map(quote, review_columns))}) "
        f"SELECT {', '.join(['%s'] * len(review_values))} WHERE NOT EXISTS (SELECT 1 FROM "
        f"{quote(allocations.db_table)} WHERE {quote(allocations.get_field('first_allocation').column)} = %s) "
        f"ON CONFLICT ({quote(CaseReview._meta.get_field('allocation').column)}) DO NOTHING RETURNING id), "
        + ", ".join(part for part, _ in links)
        + f", audit AS (INSERT INTO {quote(ReviewAudit._meta.db_table)} "
        f"({quote('review_id')}, {', '.join(map(quote, audit_columns))}) "
        f"SELECT stored.id, {', '.join(['%s'] * len(audit_values))} FROM stored) "
        "SELECT id FROM stored"
    )
    params = [*review_values, allocation.pk, *(p for _, values in links for p in values), *audit_values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    review.pk = row[0]
    review._state.adding = False
    post_save.send(sender=CaseReview, instance=review, created=True, raw=False, using=connection.alias)
    return review


def _insert_values(instance, leaving=()) -> tuple[list[str], list]:
    """The columns and database values of an unsaved row, as the ORM's INSERT would write them
    (defaults, auto_now); a field added to the model is written without a change here."""
    fields = [
        field
        for field in type(instance)._meta.concrete_fields
        if not field.primary_key and field.attname not in leaving
    ]
    return (
        [field.column for field in fields],
        [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields],
    )


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
    _answer_set(review, answer, by=by)
    review.save()
    _replace_terms(
        review.non_ideal_areas, answer_before.non_ideal_areas if answer_before else [], answer.non_ideal_areas
    )
    _replace_terms(review.themes, answer_before.themes if answer_before else [], answer.themes)


def _answer_set(review: CaseReview, answer: ReviewAnswer, *, by) -> None:
    review.consensus_reached = answer.consensus_reached
    review.ideal_outcome = answer.ideal_outcome
    review.better_provision = answer.better_provision
    review.notes = answer.notes
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    review.version += 1


def _replace_terms(related, held: list, wanted: list) -> None:
    """What ``related.set(wanted)`` does, without reading again what the review holds: the caller
    has just read it (``held``) under the allocation's lock. A first review only inserts."""
    held_pks, wanted_pks = {term.pk for term in held}, {term.pk for term in wanted}
    if gone := [term for term in held if term.pk not in wanted_pks]:
        related.remove(*gone)
    if added := [term for term in wanted if term.pk not in held_pks]:
        related.add(*added)


# The console hides its Undo after 10 seconds; the server accepts one for 30, so a press made in
# time still counts when slow Wi-Fi takes a while to deliver it (and without JavaScript, where the
# button never goes, an older one is refused).
UNDO_SHOWN_SECONDS = 10
UNDO_ACCEPTED_SECONDS = 30
_UNDO_SALT = "casereview.undo-no-consensus"


class UndoRefused(Exception):
    """The undo was not done and nothing changed; the message says why, for the facilitator."""


@dataclass(frozen=True)
class NoConsensusUndo:
    """What undoing one "No consensus" save needs: the review as that save left it (``version``,
    ``reviewed_at``), who saved it, and the answer it replaced (``before``, as primary keys; None: the
    case had no review). Carried by the Undo button as a signed, timestamped token, so the server
    reads back exactly what it wrote and refuses a changed or stale one."""

    allocation_pk: int
    version: int
    reviewed_at: str
    by_pk: int
    before: dict | None

    def token(self) -> str:
        return signing.dumps(asdict(self), salt=_UNDO_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "NoConsensusUndo":
        try:
            return cls(**signing.loads(token, salt=_UNDO_SALT, max_age=UNDO_ACCEPTED_SECONDS))
        except signing.SignatureExpired:
            raise UndoRefused(
                f"Too late to undo: “No consensus” can be undone for {UNDO_ACCEPTED_SECONDS} seconds after "
                "saving. Nothing has changed; you can still save another answer for this case here."
            ) from None
        except (signing.BadSignature, TypeError):
            raise UndoRefused(
                "This undo could not be read, so nothing has changed. The case is shown as it is now."
            ) from None


def no_consensus_undo(*, saved: CaseReview, before: CaseReview | None, by) -> NoConsensusUndo | None:
    """The undo of ``saved`` (a "No consensus" just stored by ``by``) back to ``before`` (the review
    read before the save). None when ``before`` is not the version the save replaced (another save
    slipped in between the read and the save): the console then offers no undo rather than a wrong one."""
    if saved.version != (before.version + 1 if before else 1):
        return None
    return NoConsensusUndo(
        allocation_pk=saved.allocation_id,
        version=saved.version,
        reviewed_at=saved.reviewed_at.isoformat(),
        by_pk=by.pk,
        before=_answer_kept(answer_of(before)) if before else None,
    )


def review_undo_no_consensus(*, allocation: CaseAllocation, undo: NoConsensusUndo, by) -> CaseReview | None:
    """Put the case back as it was before ``undo``'s "No consensus": with no review (deleted, with the
    audit rows of that one save; returns None), or with the answer it replaced saved again as a new
    version (both stay in the history; returns the review). Only the person who saved it may undo
    it (PermissionDenied), and only while that save is still the case's latest (UndoRefused): an
    undo never overwrites a later save."""
    if undo.allocation_pk != allocation.pk or undo.by_pk != by.pk:
        raise PermissionDenied("Only the person who recorded this “No consensus” can undo it.")
    with transaction.atomic():
        group = _case_allocations_locked(allocation)
        review = _review_of(allocation)
        if review is None:
            raise UndoRefused("Not undone: this case has no saved answer now (its “No consensus” was already undone).")
        saved_at = datetime.fromisoformat(undo.reviewed_at)
        if (review.version, review.reviewed_at, review.consensus_reached) != (undo.version, saved_at, False):
            at = timezone.localtime(review.reviewed_at).strftime("%H:%M")
            raise UndoRefused(
                f"Not undone: {review.reviewed_by or 'someone'} saved this case at {at}, after your “No consensus”, "
                "and undoing would overwrite that save. Nothing has changed: the case is shown as it is now."
            )
        if undo.before is not None:
            answer = _answer_from(undo.before, allocation.workshop.organisation)
            try:
                return review_save(
                    allocation=allocation,
                    answer=answer,
                    by=by,
                    expected_version=undo.version,
                    extra_changes={"Undo": [None, f"“No consensus” (version {undo.version}) undone"]},
                )
            except ValidationError:
                # A term of the earlier answer has gone from the LA's lists since: never half restore it.
                raise UndoRefused(
                    "Not undone: the earlier answer uses a term that is no longer offered. Nothing has changed."
                ) from None
        scopes_before = scopes_of_review(review)
        review.delete()  # with its one audit row: the case is as if the slip never happened
        if len(group) > 1:
            settle_counted(group)
        refresh_after_commit(allocation.workshop.organisation_id, scopes_before)
    return None


def _answer_kept(answer: ReviewAnswer) -> dict:
    """An answer as plain data (primary keys), to sign into an undo."""
    return {
        "consensus_reached": answer.consensus_reached,
        "ideal_outcome": answer.ideal_outcome,
        "non_ideal_areas": [term.pk for term in answer.non_ideal_areas],
        "better_provision": answer.better_provision.pk if answer.better_provision else None,
        "themes": [term.pk for term in answer.themes],
        "notes": answer.notes,
    }


def _answer_from(kept: dict, organisation) -> ReviewAnswer:
    """The answer ``_answer_kept`` stored, its terms read again (only the LA's own)."""
    pks = [*kept["non_ideal_areas"], *kept["themes"], *([kept["better_provision"]] if kept["better_provision"] else [])]
    terms = VocabularyTerm.objects.for_organisation(organisation).in_bulk(pks)
    return ReviewAnswer(
        consensus_reached=kept["consensus_reached"],
        ideal_outcome=kept["ideal_outcome"],
        non_ideal_areas=[terms[pk] for pk in kept["non_ideal_areas"] if pk in terms],
        better_provision=terms.get(kept["better_provision"]),
        themes=[terms[pk] for pk in kept["themes"] if pk in terms],
        notes=kept["notes"],
    )
