"""Blind double review: neither room sees the other's answer, or that the case is doubled; which
room said what shows only to the lead, viewers and the moderation panel."""

import pytest
from django.urls import reverse

from analytics.snapshots import compute_snapshot
from workshops.models import CaseAllocation, Moderator
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

FIRST_NOTE = "Room one thought the timing was the problem"


@pytest.fixture
def doubled(workshop, room, other_room, allocations, facilitator, term):
    first = allocations[0]
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    answer = ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "MAINSTREAM"),
        [term("theme", "WORKFORCE_CAPACITY")],
        FIRST_NOTE,
    )
    review_save(allocation=first, answer=answer, by=facilitator, expected_version=0)
    return first, CaseAllocation.objects.get(kind="another_room")


def test_the_second_room_reviews_the_case_without_seeing_the_first_rooms_answer_or_name(
    client_for, other_facilitator, doubled, room
):
    first, copy = doubled
    page = (
        client_for(other_facilitator).get(reverse("room_console_case", args=[copy.room_id, copy.pk])).content.decode()
    )
    assert "C-001" in page and 'value="0"' in page  # a fresh form: version 0, nothing filled in from Room 1
    for hidden in (FIRST_NOTE, room.name, "second room", "double", "Calibration case"):
        assert hidden not in page


def test_the_first_room_is_not_told_either(client_for, facilitator, other_facilitator, doubled, other_room):
    first, copy = doubled
    review_save(
        allocation=copy,
        answer=ReviewAnswer(False, notes="Room two could not agree"),
        by=other_facilitator,
        expected_version=0,
    )
    page = client_for(facilitator).get(reverse("room_console_case", args=[first.room_id, first.pk])).content.decode()
    for hidden in ("Room two could not agree", other_room.name, "second room", "double"):
        assert hidden not in page


def test_a_room_cannot_open_the_other_rooms_copy(client_for, facilitator, other_facilitator, doubled):
    first, copy = doubled
    assert client_for(facilitator).get(reverse("room_console_case", args=[first.room_id, copy.pk])).status_code == 404
    assert client_for(facilitator).get(reverse("room_console_case", args=[copy.room_id, copy.pk])).status_code == 404


def test_which_room_said_what_is_not_on_a_room_facilitators_dashboard(
    client_for, facilitator, other_facilitator, lead, viewer, doubled, organisation, workshop
):
    first, copy = doubled
    review_save(allocation=copy, answer=ReviewAnswer(False), by=other_facilitator, expected_version=0)
    compute_snapshot(organisation.pk, "all")
    disagreement = "Room 1: Not ideal, better: Mainstream school or academy; Room 2: No consensus"
    download = reverse("dashboard_download", args=["disagreements", "csv"])
    for person in (lead, viewer):
        page = client_for(person).get(reverse("dashboard")).content.decode()
        assert "Agreement between rooms" in page and disagreement in page, person
        assert client_for(person).get(download).status_code == 200
    page = client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert "Agreement between rooms" in page and "1 disagreement awaits moderation" in page
    assert disagreement not in page and "shown to the programme lead, viewers and the moderation panel" in page
    assert client_for(facilitator).get(download).status_code == 404
    # A facilitator on the moderation panel sees them.
    Moderator.objects.create(workshop=workshop, user=facilitator)
    assert disagreement in client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert client_for(facilitator).get(download).status_code == 200


def test_a_panel_member_reads_the_disagreements_of_their_own_workshops_only(
    client_for, organisation, facilitator, other_facilitator, lead, room, other_room, doubled, term
):
    """Moderation rights are per workshop: on workshop 1's panel, a facilitator cannot read which
    room said what in workshop 2, on the page or in the download of every workshop's table."""
    import datetime

    from tests.fixtures import make_case
    from workshops.models import BreakoutRoom, Workshop

    first, copy = doubled
    review_save(allocation=copy, answer=ReviewAnswer(False), by=other_facilitator, expected_version=0)
    elsewhere = Workshop.objects.create(organisation=organisation, title="Primary", date=datetime.date(2026, 6, 1))
    rooms = [BreakoutRoom.objects.create(workshop=elsewhere, name=f"Hall {n}") for n in (1, 2)]
    other_first = CaseAllocation.objects.create(
        workshop=elsewhere, room=rooms[0], case=make_case(organisation, term, "P-900")
    )
    allocation_save(workshop=elsewhere, placements={}, second_rooms={other_first.pk: rooms[1]}, calibration=set())
    other_copy = CaseAllocation.objects.get(first_allocation=other_first)
    review_save(allocation=other_first, answer=ReviewAnswer(False, notes="Hall one"), by=lead, expected_version=0)
    ideal = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    review_save(allocation=other_copy, answer=ideal, by=lead, expected_version=0)
    compute_snapshot(organisation.pk, "all")
    Moderator.objects.create(workshop=first.workshop, user=facilitator)
    download = reverse("dashboard_download", args=["disagreements", "csv"])

    as_panel = client_for(facilitator)
    rows = as_panel.get(download, {"scope": "all"}).content.decode()
    assert "C-001" in rows and "P-900" not in rows and "Hall 1" not in rows
    page = as_panel.get(reverse("dashboard")).content.decode()
    assert "Room 2: No consensus" in page and "Hall 1:" not in page

    rows = client_for(lead).get(download, {"scope": "all"}).content.decode()
    assert "C-001" in rows and "P-900" in rows
    page = client_for(lead).get(reverse("dashboard")).content.decode()
    assert "Hall 1: No consensus" in page
