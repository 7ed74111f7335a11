"""Password-reset requests are throttled per address and per client (issue 16, item 12): ten
requests for one address sent ten emails."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from casereview import views


@pytest.fixture
def person(lead):
    lead.set_password("a-long-enough-password-1")  # reset emails go only to accounts with a password
    lead.save()
    return lead


def _ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_ten_requests_for_one_address_send_three_emails_and_look_the_same(person):
    responses = [_ask(Client(REMOTE_ADDR=f"203.0.113.{n}"), person.email) for n in range(10)]
    assert len(mail.outbox) == 3
    assert {(response.status_code, response.url) for response in responses} == {(302, reverse("password_reset_done"))}


def test_one_client_asking_for_many_addresses_is_stopped(db, monkeypatch):
    monkeypatch.setattr(views, "PASSWORD_RESET_PER_CLIENT", "5/h")
    client = Client(REMOTE_ADDR="198.51.100.20")
    statuses = [_ask(client, f"person{n}@northshire.test").status_code for n in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    assert "Too many password requests" in _ask(client, "someone@northshire.test").content.decode()
    assert _ask(Client(REMOTE_ADDR="203.0.113.1"), "person@northshire.test").status_code == 302


def test_a_person_asking_again_once_still_gets_the_email(person):
    _ask(Client(), person.email)
    _ask(Client(), person.email)
    assert len(mail.outbox) == 2
