"""The workshop list opens with a big "Open Room" button per room of a live or today's workshop."""

import datetime

from django.urls import reverse
from django.utils import timezone

from workshops.models import Workshop


def _open_buttons(client):
    page = client.get(reverse("workshop_list")).content.decode()
    return (
        page.split('id="rooms-today-heading"', 1)[1].split("</section>", 1)[0] if "rooms-today-heading" in page else ""
    )


def test_a_room_of_todays_workshop_has_an_open_button(client_for, facilitator, workshop, room):
    Workshop.objects.filter(pk=workshop.pk).update(date=timezone.localdate())
    assert "Open Room 1" in _open_buttons(client_for(facilitator))


def test_a_live_workshop_on_another_day_is_offered_too(client_for, facilitator, workshop, room):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.LIVE, date=datetime.date(2026, 1, 5))
    assert "Open Room 1" in _open_buttons(client_for(facilitator))


def test_a_closed_workshop_is_not_offered_even_today(client_for, facilitator, workshop, room):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED, date=timezone.localdate())
    assert "Open Room 1" not in _open_buttons(client_for(facilitator))


def test_a_draft_workshop_on_another_day_is_not_offered(client_for, facilitator, workshop, room):
    assert "Open Room 1" not in _open_buttons(client_for(facilitator))


def test_only_the_persons_own_rooms_are_offered(
    client_for, facilitator, other_facilitator, outsider, workshop, room, other_room
):
    Workshop.objects.filter(pk=workshop.pk).update(date=timezone.localdate())
    assert "Open Room 2" not in _open_buttons(client_for(facilitator))
    assert "Open Room 2" in _open_buttons(client_for(other_facilitator))
    assert _open_buttons(client_for(outsider)) == ""
