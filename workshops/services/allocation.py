"""The allocation page's save: each case's room and order in its workshop, then its other rooms
(a blind second room, or every room for a calibration case), all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction

from workshops.agreement.services import other_rooms_save
from workshops.models import BreakoutRoom, CaseAllocation, Workshop


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
    refused (``AllocationProblem``), with every such problem listed."""
    allocations_update(workshop=workshop, placements=placements)
    other_rooms_save(workshop=workshop, second_rooms=second_rooms, calibration=calibration)
