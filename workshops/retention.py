"""Deleting workshops for good: by a lead now, or by the LA's retention rule (docs/design.md,
“Tenancy and privacy”)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from analytics.scopes import Scope
from analytics.snapshots import refresh_after_commit
from casereview.models import DeletionRecord, Organisation
from workshops.models import Case, CaseReview, PollResponse, ProcessFinding, Workshop


@transaction.atomic
def workshop_delete(*, workshop: Workshop, reason: str, by=None) -> DeletionRecord:
    """Delete the workshop and everything of it (rooms, reviews and their history, polls and
    answers, process maps), and the cases no other workshop still holds. Real deletion; the
    record keeps only counts and the title."""
    organisation = workshop.organisation
    reviews = CaseReview.objects.filter(allocation__workshop=workshop).count()
    answers = PollResponse.objects.filter(poll__workshop=workshop).count()
    findings = ProcessFinding.objects.filter(step__process_map__workshop=workshop).count()
    case_ids = list(workshop.allocations.values_list("case_id", flat=True))
    record = DeletionRecord.objects.create(
        organisation=organisation,
        reason=reason,
        deleted_by=by,
        what=(
            f"Workshop “{workshop.title}” of {workshop.date:%-d %B %Y}: {len(case_ids)} cases, {reviews} reviews, "
            f"{answers} poll answers, {findings} process map findings"
        )[:300],
    )
    workshop_id = workshop.pk
    workshop.delete()
    Case.objects.filter(pk__in=case_ids, allocations__isnull=True).delete()
    # The workshop's own figures go with it: its snapshot and every combination naming it
    # (workshop:ID,phase:...). The LA's other snapshots are recomputed without its reviews.
    kept = list(organisation.report_snapshots.values_list("scope", flat=True))
    its_own = [key for key in kept if Scope.parse(key).workshop_id == workshop_id]
    refresh_after_commit(organisation.pk, [key for key in kept if key not in its_own])
    organisation.report_snapshots.filter(scope__in=its_own).delete()
    return record


def past_retention(organisation: Organisation, today: datetime.date | None = None):
    cutoff = (today or timezone.localdate()) - relativedelta(months=organisation.retention_months)
    return Workshop.objects.for_organisation(organisation).filter(date__lt=cutoff)


def apply_retention(today: datetime.date | None = None) -> int:
    """Delete every workshop older than its LA keeps them; returns how many."""
    deleted = 0
    for organisation in Organisation.objects.all():
        for workshop in past_retention(organisation, today):
            workshop_delete(
                workshop=workshop, reason=f"Retention: kept {organisation.retention_months} months after the workshop"
            )
            deleted += 1
    return deleted
