"""Allocation: "split evenly" shares the cases out among the rooms; "move ticked cases" sends the
ticked ones to one room; both keep reviews, calibration cases and blind second rooms."""

from django.urls import reverse

from tests.fixtures import make_case
from workshops.models import CaseAllocation
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def page(workshop):
    return reverse("allocation", kwargs={"workshop_pk": workshop.pk})


def form_data(allocations, **changes):
    data = {}
    for item in allocations:
        data[f"room_{item.pk}"] = str(item.room_id or "")
        data[f"position_{item.pk}"] = str(item.position)
        data[f"second_{item.pk}"] = ""
    return data | changes


def rooms_of(allocations):
    return [
        CaseAllocation.objects.get(pk=item.pk).room.name if CaseAllocation.objects.get(pk=item.pk).room else None
        for item in allocations
    ]


def more_cases(organisation, term, workshop, room, count):
    return [
        CaseAllocation.objects.create(
            workshop=workshop, room=room, case=make_case(organisation, term, f"D-00{n}"), position=3 + n
        )
        for n in range(1, count + 1)
    ]


def test_split_evenly_shares_the_cases_out_in_turn(
    client_for, lead, organisation, term, workshop, room, other_room, allocations
):
    everything = allocations + more_cases(organisation, term, workshop, room, 2)  # five cases, all in Room 1
    response = client_for(lead).post(page(workshop), form_data(everything, action="split"))
    assert response.status_code == 302
    assert rooms_of(everything) == ["Room 1", "Room 2", "Room 1", "Room 2", "Room 1"]
    # Each room's order is numbered again from 1.
    assert [CaseAllocation.objects.get(pk=item.pk).position for item in everything] == [1, 1, 2, 2, 3]


def test_split_evenly_keeps_a_reviewed_case_in_its_room_and_counts_it(
    client_for, lead, facilitator, organisation, term, workshop, room, other_room, allocations
):
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    everything = allocations + more_cases(organisation, term, workshop, room, 1)  # four cases
    client_for(lead).post(page(workshop), form_data(everything, action="split"))
    rooms = rooms_of(everything)
    assert rooms[0] == "Room 1"
    assert rooms.count("Room 1") == 2 and rooms.count("Room 2") == 2


def test_split_evenly_never_sends_a_case_to_its_blind_second_room(
    client_for, lead, workshop, room, other_room, allocations
):
    first = allocations[0]
    client_for(lead).post(
        page(workshop), form_data(allocations, **{f"second_{first.pk}": str(other_room.pk)}, action="save")
    )
    data = form_data(allocations, **{f"second_{first.pk}": str(other_room.pk)}, action="split")
    client_for(lead).post(page(workshop), data)
    assert rooms_of(allocations)[0] == "Room 1"
    assert CaseAllocation.objects.get(first_allocation=first).room == other_room


def test_move_sends_the_ticked_cases_after_the_rooms_own(client_for, lead, workshop, room, other_room, allocations):
    data = form_data(
        allocations,
        action="move",
        move_to=str(other_room.pk),
        **{f"select_{allocations[0].pk}": "yes", f"select_{allocations[2].pk}": "yes"},
    )
    response = client_for(lead).post(page(workshop), data, follow=True)
    assert rooms_of(allocations) == ["Room 2", "Room 1", "Room 2"]
    assert "Moved 2 cases and saved the allocation (Room 1: 1 case, Room 2: 2 cases)." in response.content.decode()


def test_move_with_nothing_ticked_says_what_to_do_and_changes_nothing(
    client_for, lead, workshop, room, other_room, allocations
):
    response = client_for(lead).post(page(workshop), form_data(allocations, action="move", move_to=str(other_room.pk)))
    assert "Tick the cases to move, then choose the room." in response.content.decode()
    assert rooms_of(allocations) == ["Room 1"] * 3


def test_move_to_a_room_of_another_workshop_is_refused(
    client_for, lead, workshop, room, other_room, allocations, outsider_allocation
):
    data = form_data(
        allocations, action="move", move_to=str(outsider_allocation.room.pk), **{f"select_{allocations[0].pk}": "yes"}
    )
    response = client_for(lead).post(page(workshop), data)
    assert "Choose the room to move the ticked cases to." in response.content.decode()
    assert rooms_of(allocations) == ["Room 1"] * 3


def test_only_the_lead_of_the_la_moves_cases(
    client_for, lead, facilitator, outsider, workshop, room, other_room, allocations
):
    data = form_data(allocations, action="split")
    assert client_for(facilitator).post(page(workshop), data).status_code == 403
    assert client_for(outsider).post(page(workshop), data).status_code == 404
    assert rooms_of(allocations) == ["Room 1"] * 3
    assert client_for(lead).post(page(workshop), data).status_code == 302
    assert rooms_of(allocations) == ["Room 1", "Room 2", "Room 1"]
