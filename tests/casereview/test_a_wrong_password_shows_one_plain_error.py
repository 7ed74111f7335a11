"""A wrong password shows one error, once, without Django's "both fields may be case-sensitive"."""

from django.urls import reverse

PASSWORD = "a-long-enough-password-2026"


def test_a_wrong_password_shows_one_error_once(client, lead):
    lead.set_password(PASSWORD)
    lead.save()
    page = client.post(reverse("login"), {"username": lead.email, "password": "not-the-password"}).content.decode()
    assert page.count("Enter the email address and password of your casereview account.") == 1
    assert "case-sensitive" not in page


def test_empty_fields_say_what_to_enter(client, db):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "Enter your email address" in page and "Enter your password" in page
    assert "This field is required." not in page


def test_the_right_password_still_signs_in(client, lead):
    lead.set_password(PASSWORD)
    lead.save()
    response = client.post(reverse("login"), {"username": lead.email, "password": PASSWORD})
    assert response.status_code == 302
