"""The calibration projector page shows each room's answer side by side, differences marked in
words and symbols, only once every room has answered; until then only who has answered."""

import pytest
from django.urls import reverse

from workshops.models import CaseAllocation
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def calibration(workshop, room, other_room, allocations):
    allocation_save(workshop=workshop, placements={}, second_rooms={}, calibration={allocations[0].pk})
    return allocations[0], CaseAllocation.objects.get(kind="another_room")


def present(first):
    return reverse("calibration_present", args=[first.workshop_id, first.pk])


def live(first, since=""):
    return reverse("calibration_live", args=[first.workshop_id, first.pk]) + f"?since={since}"


def test_nothing_of_any_answer_shows_until_every_room_has_answered(
    client_for, lead, facilitator, other_facilitator, calibration, term
):
    first, copy = calibration
    review_save(
        allocation=first,
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")], notes="x"),
        by=facilitator,
        expected_version=0,
    )
    page = client_for(lead).get(present(first)).content.decode()
    assert "1 of 2 rooms have answered" in page and "✓ Room 1: answered" in page and "Room 2: still discussing" in page
    assert "Workforce capacity" not in page and "Yes" not in page and 'data-testid="calibration-table"' not in page
    assert 'hx-trigger="every 3s"' in page
    # Polled: nothing new, nothing to swap.
    fingerprint = page.split("since=")[1].split('"')[0]
    assert client_for(lead).get(live(first, fingerprint)).status_code == 204

    review_save(
        allocation=copy,
        answer=ReviewAnswer(
            True,
            False,
            [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            term("provision", "MSS"),
            [term("theme", "WORKFORCE_CAPACITY")],
        ),
        by=other_facilitator,
        expected_version=0,
    )
    response = client_for(lead).get(live(first, fingerprint))
    assert response.status_code == 286  # htmx: swap this in and stop polling
    part = response.content.decode()
    assert 'data-testid="calibration-table"' in part and "hx-trigger" not in part
    assert "≠ The rooms differ on: ideal outcome, non-ideal areas, better provision." in part
    assert part.count("≠ Differ") == 3 and part.count("= Same") == 2  # consensus and themes agree
    assert "Maintained special school" in part


def test_the_same_answers_say_so(client_for, facilitator, other_facilitator, calibration, term):
    first, copy = calibration
    same = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    review_save(allocation=first, answer=same, by=facilitator, expected_version=0)
    review_save(allocation=copy, answer=same, by=other_facilitator, expected_version=0)
    assert "= The rooms gave the same answer." in client_for(facilitator).get(present(first)).content.decode()


def test_the_room_consoles_say_it_is_a_calibration_case(client_for, facilitator, other_facilitator, calibration):
    first, copy = calibration
    for person, allocation in ((facilitator, first), (other_facilitator, copy)):
        page = (
            client_for(person)
            .get(reverse("room_console_case", args=[allocation.room_id, allocation.pk]))
            .content.decode()
        )
        assert "Calibration case." in page


def test_who_may_open_the_comparison(client_for, lead, facilitator, viewer, outsider, calibration, allocations):
    first, _ = calibration
    for person in (lead, facilitator, viewer):
        assert client_for(person).get(present(first)).status_code == 200
    assert client_for(outsider).get(present(first)).status_code == 404
    assert client_for(outsider).get(live(first)).status_code == 404
    # A case that is not a calibration case has no comparison page.
    assert client_for(lead).get(present(allocations[1])).status_code == 404
