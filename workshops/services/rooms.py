"""Writes of a breakout room: the room with its facilitators and who was in it, and the case it
has open (for the control room)."""

from django.db import transaction

from workshops.agreement.services import calibration_cases_add_room
from workshops.models import BreakoutRoom, CaseAllocation, Discipline, RoomDiscipline, Workshop


@transaction.atomic
def room_save(*, workshop: Workshop, room: BreakoutRoom | None, name: str, facilitators, discipline_counts: dict):
    """Create or update a room with its facilitators and who was in it (counts per discipline)."""
    new = room is None
    room = room or BreakoutRoom(workshop=workshop)
    room.name = name.strip()
    room.full_clean(exclude=["current_allocation"])
    room.save()
    if new:
        calibration_cases_add_room(room=room)
    room.facilitators.set(facilitators)
    for discipline in Discipline.values:
        count = discipline_counts.get(discipline) or 0
        if count:
            RoomDiscipline.objects.update_or_create(room=room, discipline=discipline, defaults={"count": count})
        else:
            RoomDiscipline.objects.filter(room=room, discipline=discipline).delete()
    return room


def room_open_case(*, room: BreakoutRoom, allocation: CaseAllocation | None) -> None:
    """Remember which case the room is discussing, for the control room."""
    if room.current_allocation_id != (allocation.pk if allocation else None):
        BreakoutRoom.objects.filter(pk=room.pk).update(current_allocation=allocation)
