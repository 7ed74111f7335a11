"""The control room shows each room's progress and refreshes itself."""

from django.urls import reverse

from tests.fixtures import make_case
from workshops.models import CaseAllocation
from workshops.selectors import workshop_progress
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save
from workshops.services.rooms import room_open_case


def test_it_counts_done_in_discussion_to_do_and_no_consensus(
    workshop, room, other_room, allocations, other_allocation, facilitator, term
):
    review_save(
        allocation=allocations[0],
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    review_save(allocation=allocations[1], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    room_open_case(room=room, allocation=allocations[2])
    CaseAllocation.objects.create(workshop=workshop, case=make_case(workshop.organisation, term, "C-777"))  # in no room
    progress, unallocated = workshop_progress(workshop)
    by_room = {p.room.name: p for p in progress}
    assert by_room["Room 1"].counts == {"to_do": 0, "in_discussion": 1, "done": 1, "no_consensus": 1}
    assert by_room["Room 1"].current == allocations[2] and by_room["Room 1"].finished == 2
    assert by_room["Room 2"].counts == {"to_do": 1, "in_discussion": 0, "done": 0, "no_consensus": 0}
    assert unallocated == 1


def test_the_page_polls_and_htmx_gets_just_the_table(client_for, lead, workshop, room, allocations):
    client = client_for(lead)
    page = client.get(reverse("control_room", args=[workshop.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    partial = client.get(reverse("control_room", args=[workshop.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Room 1" in partial and "0 of 3" in partial
