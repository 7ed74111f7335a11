"""Reads of process maps, scoped through the tenancy helper."""

from django.db.models import Prefetch

from casereview.models import Role
from casereview.tenancy import membership_of
from workshops.models import FindingKind, ProcessFinding, ProcessMap
from workshops.selectors import workshops_for


def process_maps_for(user):
    """Maps the person may read: every map of the workshops they may open."""
    return ProcessMap.objects.filter(workshop__in=workshops_for(user)).select_related("workshop")


def process_maps_editable_by(user):
    """Maps the person may change: a lead any of the LA's, a facilitator those of their workshops."""
    membership = membership_of(user)
    if membership is None or membership.role == Role.VIEWER:
        return ProcessMap.objects.none()
    return process_maps_for(user)


def map_steps(process_map):
    """The map's steps in order, each with its findings (and their themes) and counts by kind."""
    steps = list(
        process_map.steps.order_by("position", "pk").prefetch_related(
            Prefetch(
                "findings", queryset=ProcessFinding.objects.prefetch_related("themes").order_by("created_at", "pk")
            )
        )
    )
    for step in steps:
        findings = list(step.findings.all())
        step.counts = [(kind, label, sum(1 for f in findings if f.kind == kind)) for kind, label in FindingKind.choices]
    return steps
