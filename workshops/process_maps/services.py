"""Writes of process maps: steps added, renamed, reordered and removed; findings added and removed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from analytics.snapshots import refresh_after_commit
from workshops.models import FindingKind, ProcessFinding, ProcessMap, ProcessStep


class StepConflict(Exception):
    """Someone else changed the step since the form was opened."""

    def __init__(self, current: ProcessStep):
        super().__init__(f"Step {current.pk} is at version {current.version}.")
        self.current = current


def _changed(process_map: ProcessMap) -> None:
    """Findings feed the workshop's and the LA's theme summaries."""
    refresh_after_commit(process_map.workshop.organisation_id, ["all", f"workshop:{process_map.workshop_id}"])


def _clean(instance, exclude=()):
    instance.full_clean(exclude=list(exclude))


@transaction.atomic
def step_add(*, process_map: ProcessMap, title: str, responsible: str = "") -> ProcessStep:
    last = process_map.steps.aggregate(last=Max("position"))["last"] or 0
    step = ProcessStep(process_map=process_map, position=last + 1, title=title.strip(), responsible=responsible)
    _clean(step)
    step.save()
    _changed(process_map)
    return step


def step_update(*, step: ProcessStep, title: str, responsible: str, expected_version: int) -> ProcessStep:
    with transaction.atomic():
        current = ProcessStep.objects.select_for_update().get(pk=step.pk)
        if current.version != expected_version:
            raise StepConflict(current)
        current.title, current.responsible = title.strip(), responsible
        _clean(current)
        current.version += 1
        current.save()
        _changed(current.process_map)
    return current


@transaction.atomic
def step_move(*, step: ProcessStep, offset: int) -> None:
    """Move a step one place earlier (-1) or later (+1); the first and last stay put at the ends."""
    steps = list(
        ProcessStep.objects.select_for_update().filter(process_map_id=step.process_map_id).order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    target = index + offset
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
    now = timezone.now()
    for position, each in enumerate(steps, start=1):
        each.position, each.updated_at = position, now  # bulk_update does not touch auto_now fields
    ProcessStep.objects.bulk_update(steps, ["position", "updated_at"])
    _changed(step.process_map)


@transaction.atomic
def step_remove(*, step: ProcessStep) -> None:
    process_map = step.process_map
    step.delete()
    for position, each in enumerate(process_map.steps.order_by("position", "pk"), start=1):
        if each.position != position:
            ProcessStep.objects.filter(pk=each.pk).update(position=position)
    _changed(process_map)


@transaction.atomic
def finding_add(*, step: ProcessStep, kind: str, text: str, themes=(), by=None) -> ProcessFinding:
    if kind not in FindingKind.values:
        raise ValidationError({"kind": "Choose what kind of finding this is."})
    finding = ProcessFinding(step=step, kind=kind, text=" ".join(text.split()), added_by=by)
    _clean(finding, exclude=["themes"])
    finding.save()
    finding.themes.set(themes)
    _changed(step.process_map)
    return finding


@transaction.atomic
def finding_remove(*, finding: ProcessFinding) -> None:
    process_map = finding.step.process_map
    finding.delete()
    _changed(process_map)
