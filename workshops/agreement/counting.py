"""Which review of a case several rooms reviewed counts in the reports: it counts once
(docs/design.md, “Report definitions”). ``review_save`` settles it after every save, holding the
locks of every allocation of the case; this module asks nothing of the other services, so
``review_save`` and the moderation that calls it both depend on it without a cycle."""

from workshops.models import CaseAllocation, CaseReview


def counted_allocation(group: list[CaseAllocation], reviewed: dict[int, int]) -> CaseAllocation:
    """Which allocation of one case in one workshop counts in the reports: the moderated answer;
    until then the first room's; and when the first room has not answered, the earliest other
    room's answer, so no answer is lost. ``reviewed`` maps allocation id -> review id for the
    allocations that have a review."""
    by_kind = {kind: [a for a in group if a.kind == kind and a.pk in reviewed] for kind in CaseAllocation.Kind.values}
    if by_kind[CaseAllocation.Kind.MODERATION]:
        return by_kind[CaseAllocation.Kind.MODERATION][0]
    if by_kind[CaseAllocation.Kind.FIRST]:
        return by_kind[CaseAllocation.Kind.FIRST][0]
    if by_kind[CaseAllocation.Kind.OTHER_ROOM]:
        return min(by_kind[CaseAllocation.Kind.OTHER_ROOM], key=lambda a: reviewed[a.pk])
    return next(a for a in group if a.kind == CaseAllocation.Kind.FIRST)


def settle_counted(group: list[CaseAllocation]) -> None:
    """Mark the one allocation of the case's group that counts; the caller holds the group's locks."""
    reviewed = dict(CaseReview.objects.filter(allocation__in=group).values_list("allocation_id", "pk"))
    counted = counted_allocation(group, reviewed)
    changed = [a for a in group if a.counts_in_reports != (a.pk == counted.pk)]
    for allocation in changed:
        allocation.counts_in_reports = allocation.pk == counted.pk
    if changed:
        CaseAllocation.objects.bulk_update(changed, ["counts_in_reports"])
