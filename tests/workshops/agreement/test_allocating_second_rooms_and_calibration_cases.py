"""The lead sends cases to a second room (blind double review: picked, or drawn at random with a
shown seed) and marks calibration cases (every room reviews them), on the allocation page; all or
nothing, and a room's review is never dropped."""

import html

import pytest
from django.urls import reverse

from tests.fixtures import make_case
from workshops.models import BreakoutRoom, CaseAllocation, DoubleReviewDraw, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def page(workshop):
    return reverse("allocation", kwargs={"workshop_pk": workshop.pk})


def draw_page(workshop):
    return reverse("allocation_draw", kwargs={"workshop_pk": workshop.pk})


def form_data(allocations, **changes):
    """What the page posts unchanged, with ``changes`` on top."""
    data = {"action": "save"}
    for item in allocations:
        data[f"room_{item.pk}"] = str(item.room_id or "")
        data[f"position_{item.pk}"] = str(item.position)
        data[f"second_{item.pk}"] = ""
    return data | changes


def copies():
    return CaseAllocation.objects.filter(kind="another_room")


def test_a_picked_case_goes_blind_to_a_second_room(client_for, lead, workshop, room, other_room, allocations):
    first = allocations[0]
    response = client_for(lead).post(
        page(workshop), form_data(allocations, **{f"second_{first.pk}": str(other_room.pk)})
    )
    assert response.status_code == 302
    copy = copies().get()
    assert (copy.first_allocation, copy.room, copy.case, copy.counts_in_reports) == (
        first,
        other_room,
        first.case,
        False,
    )
    # Shown on the page again, so the lead sees what was chosen.
    assert f'value="{other_room.pk}" selected' in client_for(lead).get(page(workshop)).content.decode()


def test_a_calibration_case_goes_to_every_room_first(client_for, lead, workshop, room, other_room, allocations):
    third_room = BreakoutRoom.objects.create(workshop=workshop, name="Room 3")
    first = allocations[1]
    client_for(lead).post(page(workshop), form_data(allocations, **{f"calibration_{first.pk}": "yes"}))
    first.refresh_from_db()
    assert first.calibration
    assert sorted((c.room.name, c.position) for c in copies()) == [("Room 2", 0), ("Room 3", 0)]
    assert third_room.allocations.get().is_calibration


def test_a_room_added_later_reviews_the_calibration_cases_too(client_for, lead, workshop, room, allocations):
    client_for(lead).post(page(workshop), form_data(allocations, **{f"calibration_{allocations[0].pk}": "yes"}))
    client_for(lead).post(reverse("room_create", kwargs={"workshop_pk": workshop.pk}), {"name": "Late room"})
    assert copies().get().room.name == "Late room"


def test_taking_a_case_from_a_room_that_reviewed_it_is_refused_and_nothing_changes(
    client_for, lead, workshop, room, other_room, allocations, other_facilitator
):
    first = allocations[0]
    client_for(lead).post(page(workshop), form_data(allocations, **{f"second_{first.pk}": str(other_room.pk)}))
    copy = copies().get()
    review_save(allocation=copy, answer=ReviewAnswer(False), by=other_facilitator, expected_version=0)
    response = client_for(lead).post(
        page(workshop),
        form_data(
            allocations,
            **{
                f"position_{allocations[2].pk}": "9",  # a change that must not be kept either
            },
        ),
    )
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert (
        "C-001: Room 2 has already reviewed it, so it stays in that room (its review is kept)."
        in response.content.decode()
    )
    assert copies().get() == copy
    allocations[2].refresh_from_db()
    assert allocations[2].position == 3


def test_the_second_room_must_be_another_room(client_for, lead, workshop, room, other_room, allocations):
    first = allocations[0]
    response = client_for(lead).post(page(workshop), form_data(allocations, **{f"second_{first.pk}": str(room.pk)}))
    assert "C-001: the second room must be another room than Room 1." in response.content.decode()
    assert not copies().exists()


def test_a_second_room_of_another_workshop_is_refused(client_for, lead, workshop, room, allocations):
    elsewhere = BreakoutRoom.objects.create(
        workshop=Workshop.objects.create(organisation=workshop.organisation, title="Other", date=workshop.date),
        name="X",
    )
    response = client_for(lead).post(
        page(workshop), form_data(allocations, **{f"second_{allocations[0].pk}": str(elsewhere.pk)})
    )
    assert "choose one of this workshop's rooms as the second room" in html.unescape(response.content.decode())
    assert not copies().exists()


def test_a_random_draw_shows_its_seed_and_the_same_seed_draws_the_same_cases(
    client_for, lead, workshop, room, other_room, organisation, term
):
    for n in range(20):
        CaseAllocation.objects.create(
            workshop=workshop,
            room=(room, other_room)[n % 2],
            case=make_case(organisation, term, f"R-{n:02d}"),
            position=n,
        )
    response = client_for(lead).post(draw_page(workshop), {"share": "15", "seed": "481516"}, follow=True)
    drawn = sorted(copies().values_list("case__reference", flat=True))
    assert len(drawn) == 3  # 15% of 20
    assert "with seed 481516" in response.content.decode()
    assert all(copy.room_id != copy.first_allocation.room_id for copy in copies().select_related("first_allocation"))
    record = DoubleReviewDraw.objects.get()
    assert (record.share, record.seed, sorted(r["reference"] for r in record.references)) == (15, 481516, drawn)
    # Drawn again from scratch with the same seed: the same cases.
    copies().delete()
    client_for(lead).post(draw_page(workshop), {"share": "15", "seed": "481516"})
    assert sorted(copies().values_list("case__reference", flat=True)) == drawn
    # Cases already sent count towards the share: drawing 15% again adds none.
    client_for(lead).post(draw_page(workshop), {"share": "15", "seed": "7"})
    assert copies().count() == 3


@pytest.mark.parametrize(
    "share,message", [("0", "The share must be from 1 to 100 percent."), ("abc", "Give the share as a whole number")]
)
def test_a_bad_share_is_explained_and_draws_nothing(
    client_for, lead, workshop, room, other_room, allocations, share, message
):
    response = client_for(lead).post(draw_page(workshop), {"share": share, "seed": "1"})
    assert message in response.content.decode()
    assert not copies().exists() and not DoubleReviewDraw.objects.exists()


def test_a_draw_needs_two_rooms(client_for, lead, workshop, room, allocations):
    response = client_for(lead).post(draw_page(workshop), {"share": "50", "seed": "1"})
    assert "A second review needs a second room" in response.content.decode()
    assert not copies().exists()


def test_only_the_lead_of_the_la_allocates(
    client_for, lead, facilitator, outsider, workshop, room, other_room, allocations
):
    data = form_data(allocations, **{f"second_{allocations[0].pk}": str(other_room.pk)})
    assert client_for(facilitator).post(page(workshop), data).status_code == 403
    assert client_for(outsider).post(page(workshop), data).status_code == 404
    assert client_for(outsider).post(draw_page(workshop), {"share": "50", "seed": "1"}).status_code == 404
    assert not copies().exists()
    assert client_for(lead).post(page(workshop), data).status_code == 302
    assert copies().exists()
