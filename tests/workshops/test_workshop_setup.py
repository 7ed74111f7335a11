"""The lead sets up workshops and rooms and allocates cases; others read or are kept out."""

import pytest
from django.urls import reverse

from workshops.models import BreakoutRoom, CaseAllocation, RoomDiscipline, Workshop

NEW_WORKSHOP = {"title": "Early years transition", "date": "2026-12-09", "focus": "Starting school", "status": "draft"}


def test_the_lead_creates_a_workshop(client_for, lead, organisation):
    response = client_for(lead).post(reverse("workshop_create"), NEW_WORKSHOP)
    workshop = Workshop.objects.get(title="Early years transition")
    assert response.url == reverse("workshop_detail", args=[workshop.pk])
    assert workshop.organisation == organisation and str(workshop.date) == "2026-12-09"


def test_a_duplicate_title_or_an_identifier_is_refused(client_for, lead, workshop):
    client = client_for(lead)
    page = client.post(reverse("workshop_create"), {**NEW_WORKSHOP, "title": "secondary CASE reviews"}).content.decode()
    assert "already has a workshop with this title" in page
    page = client.post(
        reverse("workshop_create"), {**NEW_WORKSHOP, "focus": "Review of B801200005001"}
    ).content.decode()
    assert "a UPN" in page
    assert Workshop.objects.count() == 1


def test_another_la_may_use_the_same_title(client_for, outsider, workshop):
    client_for(outsider).post(reverse("workshop_create"), {**NEW_WORKSHOP, "title": workshop.title})
    assert Workshop.objects.filter(title=workshop.title).count() == 2


def test_the_lead_adds_a_room_with_facilitators_and_who_was_there(client_for, lead, facilitator, viewer, workshop):
    response = client_for(lead).post(
        reverse("room_create", args=[workshop.pk]),
        {
            "name": "Blue room",
            "facilitators": [facilitator.pk],
            "discipline_school": 3,
            "discipline_health": 1,
            "discipline_other": "",
        },
    )
    assert response.status_code == 302
    room = BreakoutRoom.objects.get(name="Blue room")
    assert list(room.facilitators.all()) == [facilitator]
    assert dict(RoomDiscipline.objects.filter(room=room).values_list("discipline", "count")) == {
        "school": 3,
        "health": 1,
    }


def test_a_viewer_or_another_las_person_cannot_facilitate_a_room(client_for, lead, viewer, outsider, workshop):
    page = (
        client_for(lead)
        .post(reverse("room_create", args=[workshop.pk]), {"name": "Blue room", "facilitators": [viewer.pk]})
        .content.decode()
    )
    assert "Select a valid choice" in page
    page = (
        client_for(lead)
        .post(reverse("room_create", args=[workshop.pk]), {"name": "Blue room", "facilitators": [outsider.pk]})
        .content.decode()
    )
    assert "Select a valid choice" in page
    assert not BreakoutRoom.objects.exists()


def test_editing_a_room_changes_its_counts_and_name(client_for, lead, room):
    RoomDiscipline.objects.create(room=room, discipline="school", count=2)
    client_for(lead).post(
        reverse("room_edit", args=[room.workshop.pk, room.pk]), {"name": "Room One", "discipline_health": 2}
    )
    room.refresh_from_db()
    assert room.name == "Room One"
    assert dict(room.disciplines.values_list("discipline", "count")) == {"health": 2}
    assert not room.facilitators.exists()


def test_the_lead_allocates_cases_to_rooms_and_orders_them(client_for, lead, allocations, room, other_room):
    data = {f"room_{a.pk}": other_room.pk for a in allocations} | {
        f"position_{a.pk}": 10 - i for i, a in enumerate(allocations)
    }
    data[f"room_{allocations[0].pk}"] = ""
    response = client_for(lead).post(reverse("allocation", args=[room.workshop.pk]), data)
    assert response.status_code == 302
    placed = {a.case.reference: (a.room_id, a.position) for a in CaseAllocation.objects.all()}
    assert placed == {"C-001": (None, 10), "C-002": (other_room.pk, 9), "C-003": (other_room.pk, 8)}


def test_a_room_of_another_workshop_is_refused_and_nothing_changes(client_for, lead, organisation, allocations, room):
    elsewhere = BreakoutRoom.objects.create(
        workshop=Workshop.objects.create(organisation=organisation, title="Other", date=room.workshop.date),
        name="Elsewhere",
    )
    data = {f"room_{a.pk}": elsewhere.pk for a in allocations} | {f"position_{a.pk}": 1 for a in allocations}
    page = client_for(lead).post(reverse("allocation", args=[room.workshop.pk]), data).content.decode()
    assert "choose one of this workshop" in page
    assert set(CaseAllocation.objects.values_list("room_id", flat=True)) == {room.pk}


# Access to the set-up pages, per role.


def urls(workshop, room):
    return {
        "list": reverse("workshop_list"),
        "detail": reverse("workshop_detail", args=[workshop.pk]),
        "create": reverse("workshop_create"),
        "edit": reverse("workshop_edit", args=[workshop.pk]),
        "room_create": reverse("room_create", args=[workshop.pk]),
        "room_edit": reverse("room_edit", args=[workshop.pk, room.pk]),
        "import": reverse("case_import", args=[workshop.pk]),
        "template": reverse("case_import_template", args=[workshop.pk, "csv"]),
        "allocation": reverse("allocation", args=[workshop.pk]),
        "control_room": reverse("control_room", args=[workshop.pk]),
        "history": reverse("audit_log", args=[workshop.pk]),
    }


EXPECTED = {
    # page: (lead, viewer, facilitator of a room in it, facilitator of no room in it, outsider)
    "list": (200, 200, 200, 200, 200),
    "detail": (200, 200, 200, 404, 404),
    "create": (200, 403, 403, 403, 200),
    "edit": (200, 403, 403, 403, 404),
    "room_create": (200, 403, 403, 403, 404),
    "room_edit": (200, 403, 403, 403, 404),
    "import": (200, 403, 403, 403, 404),
    "template": (200, 403, 403, 403, 404),
    "allocation": (200, 403, 403, 403, 404),
    "control_room": (200, 200, 403, 403, 404),
    "history": (200, 403, 403, 403, 404),
}


@pytest.mark.parametrize("page", EXPECTED)
def test_each_page_answers_each_role_as_it_should(
    page, client_for, lead, viewer, facilitator, other_facilitator, outsider, workshop, room
):
    url = urls(workshop, room)[page]
    people = (lead, viewer, facilitator, other_facilitator, outsider)
    got = tuple(client_for(person).get(url).status_code for person in people)
    assert got == EXPECTED[page]


def test_the_workshop_list_shows_only_ones_own_la(client_for, outsider, lead, workshop):
    assert workshop.title in client_for(lead).get(reverse("workshop_list")).content.decode()
    assert workshop.title not in client_for(outsider).get(reverse("workshop_list")).content.decode()


def test_a_facilitator_sees_only_workshops_with_their_rooms_and_a_button_to_open_them(
    client_for, facilitator, other_facilitator, room
):
    page = client_for(facilitator).get(reverse("workshop_list")).content.decode()
    assert room.workshop.title in page and reverse("room_console", args=[room.pk]) in page
    assert room.workshop.title not in client_for(other_facilitator).get(reverse("workshop_list")).content.decode()


def test_outsiders_cannot_change_anything_by_post(client_for, outsider, workshop, room, allocations):
    client = client_for(outsider)
    assert client.post(reverse("workshop_edit", args=[workshop.pk]), NEW_WORKSHOP).status_code == 404
    assert client.post(reverse("room_edit", args=[workshop.pk, room.pk]), {"name": "Hacked"}).status_code == 404
    assert client.post(reverse("allocation", args=[workshop.pk]), {f"room_{allocations[0].pk}": ""}).status_code == 404
    workshop.refresh_from_db()
    room.refresh_from_db()
    assert workshop.title == "Secondary case reviews" and room.name == "Room 1"
    assert CaseAllocation.objects.filter(room=room).count() == 3
