"""Limits per client address on joining, opening the attendee page and answering (issue 16,
item 8): a real room behind one NAT is never refused, a flooder or a code guesser is, the lead
sees it, and with Redis down nobody is refused."""

import socket

from django.test import Client
from django.urls import reverse

from workshops.models import PollResponse, Workshop
from workshops.polls import limits

NAT = "198.51.100.20"


def _phone(workshop, address=NAT):
    phone = Client(REMOTE_ADDR=address)
    assert phone.get(reverse("join"), {"code": workshop.join_code}).status_code == 302
    assert phone.get(reverse("attend", args=[workshop.join_code])).status_code == 200
    return phone


def _answer(phone, poll, word):
    return phone.post(reverse("poll_answer", args=[poll.workshop.join_code, poll.pk]), {"word": [word]})


def test_a_room_of_300_phones_behind_one_school_nat_is_never_refused(workshop, words_poll):
    for n in range(300):
        phone = _phone(workshop)
        assert _answer(phone, words_poll, f"word{n}").status_code == 302
    assert PollResponse.objects.filter(poll=words_poll).count() == 300


def test_answers_past_the_limit_are_refused_and_the_lead_sees_it(workshop, words_poll, client_for, lead, monkeypatch):
    monkeypatch.setattr(limits, "ANSWERS", ("5/m", "100/h"))
    flooder = _phone(workshop)
    statuses = []
    for n in range(8):
        flooder.cookies.clear()  # fresh cookies each time, as the flooder did
        flooder.get(reverse("attend", args=[workshop.join_code]))
        statuses.append(_answer(flooder, words_poll, f"spam{n}").status_code)
    assert statuses == [302] * 5 + [429] * 3
    assert PollResponse.objects.filter(poll=words_poll).count() == 5
    # Another address is counted on its own.
    assert _answer(_phone(workshop, "203.0.113.9"), words_poll, "belonging").status_code == 302
    page = client_for(lead).get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()
    assert "may be being flooded" in page and "3 requests from phones were refused" in page


def test_a_refused_phone_is_told_to_wait_in_words(workshop, words_poll, monkeypatch):
    monkeypatch.setattr(limits, "PAGE_OPENS", "2/m")
    phone = Client(REMOTE_ADDR=NAT)
    for _ in range(2):
        assert phone.get(reverse("attend", args=[workshop.join_code])).status_code == 200
    response = phone.get(reverse("attend", args=[workshop.join_code]))
    assert response.status_code == 429 and "Please wait a minute" in response.content.decode()


def test_a_code_guesser_is_stopped_but_people_elsewhere_still_join(workshop, monkeypatch):
    monkeypatch.setattr(limits, "JOIN_MISSES", "3/h")
    guesser = Client(REMOTE_ADDR=NAT)
    statuses = [
        guesser.get(reverse("join"), {"code": code}).status_code for code in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD")
    ]
    assert statuses == [404, 404, 404, 429]  # the wrong code that goes over the limit is refused too
    assert guesser.get(reverse("join"), {"code": "EEEEEE"}).status_code == 429
    assert guesser.get(reverse("join"), {"code": workshop.join_code}).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.9").get(reverse("join"), {"code": workshop.join_code}).status_code == 302


def test_an_unknown_code_and_an_ended_workshops_code_are_answered_alike(client, workshop, organisation):
    ended = Workshop.objects.create(
        organisation=organisation, title="Ended", date=workshop.date, status=Workshop.Status.CLOSED
    )
    unknown = next(code for code in ("ZZZZZZ", "YYYYYY") if code != ended.join_code)
    for_ended = client.get(reverse("join"), {"code": ended.join_code})
    for_unknown = client.get(reverse("join"), {"code": unknown})
    assert for_ended.status_code == for_unknown.status_code == 404
    assert for_ended.content.decode().replace(ended.join_code, "CODE") == for_unknown.content.decode().replace(
        unknown, "CODE"
    )


def test_with_redis_down_nobody_is_refused(workshop, words_poll, settings, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "casereview.cache.ReusingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(limits, "ANSWERS", ("2/m", "2/h"))
    monkeypatch.setattr(limits, "PAGE_OPENS", "2/m")
    phone = _phone(workshop)
    statuses = []
    for n in range(5):
        phone.cookies.clear()
        phone.get(reverse("attend", args=[workshop.join_code]))
        statuses.append(_answer(phone, words_poll, f"w{n}").status_code)
    assert statuses == [302] * 5
    assert PollResponse.objects.filter(poll=words_poll).count() == 5
