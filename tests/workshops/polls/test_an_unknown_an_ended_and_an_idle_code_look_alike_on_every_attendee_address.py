"""An unknown code, an ended workshop's code and an open workshop's with no poll open are answered
alike on every attendee address (the workshop's page, the follow check, in Django and before it,
the shared cards, an answer): the same status and the same size class (the follow check and the
cards byte for byte), so that a guesser cannot tell which codes exist."""

import io

from django.test import Client

from workshops.models import Workshop
from workshops.polls.follow import follow_checks_first
from workshops.polls.views.attendee import PAGE_SIZE_CLASS


def before_django(path):
    answered = {}

    def start_response(status, headers):
        answered["status"] = int(status.split()[0])

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "REMOTE_ADDR": "198.51.100.30",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    body = b"".join(follow_checks_first(lambda environ, start_response: [b"django"])(environ, start_response))
    return answered["status"], body


def what_a_guesser_sees(code, poll_pk):
    client = Client(REMOTE_ADDR="198.51.100.30")
    page = client.get(f"/j/{code}/")
    follow = client.get(f"/j/{code}/follow/")
    cards = client.get(f"/j/{code}/cards/")
    answer = client.post(f"/j/{code}/polls/{poll_pk}/", {"word": ["hello"]})
    return {
        "page": (page.status_code, -(-len(page.content) // PAGE_SIZE_CLASS), "casereview_phone" in page.cookies),
        "follow": (follow.status_code, follow.content),
        "follow before Django": before_django(f"/j/{code}/follow/"),
        "cards": (cards.status_code, cards.content),
        "cards before Django": before_django(f"/j/{code}/cards/"),
        "answer": (answer.status_code, answer.get("Location", "").replace(code, "CODE")),
    }


def test_an_unknown_an_ended_and_an_idle_code_look_alike(organisation, workshop, words_poll):
    idle = Workshop.objects.create(organisation=organisation, title="Idle", date=workshop.date)
    ended = Workshop.objects.create(
        organisation=organisation, title="Ended", date=workshop.date, status=Workshop.Status.CLOSED
    )
    unknown = next(code for code in ("ZZZZZZ", "YYYYYY", "XXXXXX") if code not in (idle.join_code, ended.join_code))
    seen = {
        name: what_a_guesser_sees(code, words_poll.pk + 1000)
        for name, code in (("idle", idle.join_code), ("ended", ended.join_code), ("unknown", unknown))
    }
    assert seen["idle"]["page"][0] == 200 and seen["idle"]["follow"][0] == 200
    assert seen["unknown"] == seen["ended"] == seen["idle"]
    # Once Django has answered the cards, the front answers them, alike too.
    assert seen["unknown"]["cards before Django"] == seen["unknown"]["cards"]
    # A workshop with a poll open is what a phone needs to tell apart, and does.
    assert what_a_guesser_sees(workshop.join_code, words_poll.pk)["follow"] != seen["idle"]["follow"]
