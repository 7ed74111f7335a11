"""Every wrong code (unknown, or its workshop ended) asked for on any attendee address counts
against one join-miss limit per client address, the follow check answered before Django included;
past it every attendee address refuses that client, a live code's too, so a guesser learns nothing
more. Each wrong code counts once, so a school's phones left open on a workshop that has ended
use up nothing; other addresses carry on."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from workshops.models import Workshop
from workshops.polls import limits
from workshops.polls.follow import follow_checks_first

GUESSER = "198.51.100.40"
WRONG = ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE")


class Django:
    """Stands in for Django behind the front, and says whether it was asked."""

    def __init__(self):
        self.asked = 0

    def __call__(self, environ, start_response):
        self.asked += 1
        start_response("299 From Django", [])
        return [b"django"]


def before_django(path, address=GUESSER):
    django, answered = Django(), {}
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "REMOTE_ADDR": address,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    b"".join(follow_checks_first(django)(environ, lambda status, headers: answered.update(status=status)))
    return int(answered["status"].split()[0])


@pytest.fixture
def three_a_hour(monkeypatch):
    monkeypatch.setattr(limits, "JOIN_MISSES", "3/h")


def every_address(client, code, poll):
    return [
        client.get(reverse("join"), {"code": code}).status_code,
        client.get(f"/j/{code}/").status_code,
        client.get(f"/j/{code}/follow/").status_code,
        client.get(f"/j/{code}/cards/").status_code,
        client.post(f"/j/{code}/polls/{poll.pk}/", {"word": ["hello"]}).status_code,
    ]


def test_wrong_codes_on_any_address_count_and_then_every_address_refuses(three_a_hour, workshop, words_poll):
    guesser = Client(REMOTE_ADDR=GUESSER)
    assert before_django(f"/j/{WRONG[0]}/follow/") == 200  # answered before Django, counted
    assert guesser.get(f"/j/{WRONG[1]}/cards/").status_code == 200
    assert guesser.get(f"/j/{WRONG[1]}/cards/").status_code == 200  # the same code again: not counted again
    assert guesser.post(f"/j/{WRONG[2]}/polls/{words_poll.pk}/", {"word": ["hi"]}).status_code == 302
    assert guesser.get(f"/j/{WRONG[3]}/").status_code == 429  # the fourth wrong code: over
    assert every_address(guesser, WRONG[4], words_poll) == [429] * 5
    assert every_address(guesser, workshop.join_code, words_poll) == [429] * 5  # a live code too
    # Before Django too: the front leaves the refusal to Django (299 here), which says to wait.
    assert before_django(f"/j/{workshop.join_code}/follow/") == 299
    assert before_django(f"/j/{workshop.join_code}/cards/") == 299
    # Someone elsewhere carries on.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert every_address(elsewhere, workshop.join_code, words_poll) == [302, 200, 200, 200, 302]
    assert before_django(f"/j/{workshop.join_code}/follow/", "203.0.113.9") == 200


def test_phones_left_open_on_an_ended_workshop_use_up_nothing(three_a_hour, organisation, workshop, words_poll):
    ended = Workshop.objects.create(
        organisation=organisation, title="Ended", date=workshop.date, status=Workshop.Status.CLOSED
    )
    statuses = {before_django(f"/j/{ended.join_code}/follow/", "198.51.100.20") for _ in range(300)}
    statuses |= {Client(REMOTE_ADDR="198.51.100.20").get(f"/j/{ended.join_code}/cards/").status_code for _ in range(20)}
    assert statuses == {200}
    phone = Client(REMOTE_ADDR="198.51.100.20")
    assert phone.get(reverse("join"), {"code": workshop.join_code}).status_code == 302
    assert phone.get(f"/j/{workshop.join_code}/").status_code == 200
