"""The lead's setup forms say what to do ("Enter a title", "Choose a date"), not "This field is required."."""

from django.urls import reverse


def test_an_empty_workshop_form_asks_for_a_title_and_a_date(client_for, lead):
    page = (
        client_for(lead).post(reverse("workshop_create"), {"title": "", "date": "", "status": "draft"}).content.decode()
    )
    assert "Enter a title" in page and "Choose a date" in page
    assert "This field is required." not in page


def test_a_date_that_is_not_a_date_says_how_to_write_one(client_for, lead):
    page = (
        client_for(lead)
        .post(reverse("workshop_create"), {"title": "Spring", "date": "31/02/2026", "status": "draft"})
        .content.decode()
    )
    assert "Enter a real date, such as 20/05/2026" in page


def test_an_empty_room_form_asks_for_a_name(client_for, lead, workshop):
    page = client_for(lead).post(reverse("room_create", args=[workshop.pk]), {"name": ""}).content.decode()
    assert "Enter a name for the room" in page and "This field is required." not in page


def test_an_import_without_a_file_asks_for_one(client_for, lead, workshop):
    page = client_for(lead).post(reverse("case_import", args=[workshop.pk]), {"file": ""}).content.decode()
    assert "Choose a file to import" in page and "This field is required." not in page
