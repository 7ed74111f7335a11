"""A room name holding an identifier is refused on the form with the guard's message, not a
server error (issue 16, item 4)."""

from django.urls import reverse

from workshops.models import BreakoutRoom


def test_a_room_name_holding_a_upn_is_refused_on_the_form(client_for, lead, workshop):
    response = client_for(lead).post(reverse("room_create", args=[workshop.pk]), {"name": "Room H801200001001"})
    assert response.status_code == 200
    assert "could identify a child" in response.content.decode()
    assert not BreakoutRoom.objects.filter(workshop=workshop).exists()
