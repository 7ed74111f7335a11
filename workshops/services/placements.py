"""Where the allocation page's cases go when the lead shares them out or moves the ticked ones:
pure functions from placements (allocation id -> (room, position)) to placements; nothing is
saved until ``allocation_save``."""

from workshops.models import BreakoutRoom

Placements = dict[int, tuple[BreakoutRoom | None, int]]


def placements_split_evenly(
    *,
    placements: Placements,
    rooms: list[BreakoutRoom],
    keep: set[int],
    second_rooms: dict[int, BreakoutRoom | None],
) -> Placements:
    """The cases shared out in turn among the rooms, in their current order, so no room has more than
    one case more than another. ``keep`` (reviewed and calibration cases) stay where they are and
    count towards their room's share; a case never goes to the room that reviews it blind."""
    if not rooms:
        return placements
    rooms = sorted(rooms, key=lambda room: room.name.casefold())
    load = {
        room.pk: sum(1 for pk, (room_, _) in placements.items() if pk in keep and room_ and room_.pk == room.pk)
        for room in rooms
    }
    moved = dict(placements)
    for pk in sorted((pk for pk in placements if pk not in keep), key=lambda pk: (placements[pk][1], pk)):
        second = second_rooms.get(pk)
        choices = [room for room in rooms if second is None or room.pk != second.pk] or rooms
        room = min(choices, key=lambda room: (load[room.pk], rooms.index(room)))
        load[room.pk] += 1
        moved[pk] = (room, placements[pk][1])
    return _renumbered(moved)


def placements_moved(
    *,
    placements: Placements,
    selected: list[int],
    room: BreakoutRoom | None,
) -> Placements:
    """The selected cases moved to ``room`` (or out of every room), after the cases already there."""
    moved = dict(placements)
    last = max((position for room_, position in placements.values() if room_ == room), default=0)
    for offset, pk in enumerate(sorted(selected, key=lambda pk: (placements[pk][1], pk)), start=1):
        moved[pk] = (room, last + offset)
    return _renumbered(moved)


def _renumbered(placements: Placements) -> Placements:
    """Each room's cases numbered 1, 2, 3… in their order (cases in no room keep theirs)."""
    by_room = {}
    for pk, (room, position) in sorted(placements.items(), key=lambda item: (item[1][1], item[0])):
        by_room.setdefault(room.pk if room else None, []).append(pk)
    result = dict(placements)
    for room_pk, pks in by_room.items():
        if room_pk is None:
            continue
        for number, pk in enumerate(pks, start=1):
            result[pk] = (placements[pk][0], number)
    return result
