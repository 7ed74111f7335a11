"""A number the allocation page cannot use (not a whole number, below 0, over 10000, a digit of
another kind) is explained beside the case it belongs to, and nothing is saved; a draw refused on
its own page leaves the allocation form posting to the allocation page."""

import pytest
from django.urls import reverse

from workshops.models import CaseAllocation


def page(workshop):
    return reverse("allocation", kwargs={"workshop_pk": workshop.pk})


def form_data(allocations, **changes):
    data = {"action": "save"}
    for item in allocations:
        data[f"room_{item.pk}"] = str(item.room_id)
        data[f"position_{item.pk}"] = str(item.position)
        data[f"second_{item.pk}"] = ""
    return data | changes


@pytest.mark.parametrize("order", ["²", "-1", "10001", "1e3", "", "99999999999999999999999"])
def test_a_bad_order_is_a_problem_named_by_its_case(client_for, lead, workshop, room, other_room, allocations, order):
    data = form_data(allocations, **{f"position_{allocations[1].pk}": order, f"room_{allocations[0].pk}": ""})
    response = client_for(lead).post(page(workshop), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved" in content
    assert "C-002: the order must be a whole number from 0 to 10000." in content
    assert list(CaseAllocation.objects.order_by("pk").values_list("room_id", "position")) == [
        (room.pk, 1),
        (room.pk, 2),
        (room.pk, 3),
    ]


def test_a_room_that_is_not_a_number_is_refused_like_any_other(client_for, lead, workshop, room, allocations):
    response = client_for(lead).post(page(workshop), form_data(allocations, **{f"room_{allocations[2].pk}": "³"}))
    assert "C-003: choose one of this workshop" in response.content.decode()


def test_a_refused_draw_shows_the_page_whose_allocation_form_still_saves_the_allocation(
    client_for, lead, workshop, room, allocations
):
    response = client_for(lead).post(
        reverse("allocation_draw", kwargs={"workshop_pk": workshop.pk}), {"share": "²", "seed": "1"}
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Give the share as a whole number" in content
    assert f'<form method="post" action="{page(workshop)}">' in content


def test_the_draw_is_posted(client_for, lead, workshop, room, allocations):
    assert client_for(lead).get(reverse("allocation_draw", kwargs={"workshop_pk": workshop.pk})).status_code == 405
