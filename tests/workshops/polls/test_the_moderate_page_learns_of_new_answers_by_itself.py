"""Issue 33: two answers arrived and, 12 s later, the Moderate page still said "Waiting for
approval (0)". It now asks every 4 s (one aggregate query while nothing changed: 204) and is told
when answers arrive; the page then reloads itself unless boxes are ticked (static/js/moderate.js)."""

import re

from django.urls import reverse

from tests.fixtures import answer


def fingerprint_on(page: str) -> str:
    return re.search(r'hx-get="[^"]*\?f=([^"]+)"', page)[1]


def test_the_page_asks_and_hears_of_a_new_answer(client, client_for, lead, workshop, words_poll, phone):
    words_poll.approve_first = True
    words_poll.save()
    page = client_for(lead).get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()
    assert 'hx-trigger="every 4s"' in page and "js/moderate.js" in page
    status = reverse("poll_moderate_status", args=[words_poll.pk])
    known = {"f": fingerprint_on(page).replace("%3A", ":")}
    assert client_for(lead).get(status, known).status_code == 204

    answer(phone, words_poll, word=["feeling safe"])
    news = client_for(lead).get(status, known)
    assert news.status_code == 200 and "New answers have arrived" in news.content.decode()


def test_only_moderators_of_the_la_may_ask(client_for, facilitator, room, viewer, outsider, words_poll):
    """A facilitator with a room in the workshop (as the Moderate page itself), never a viewer or
    another LA's lead."""
    status = reverse("poll_moderate_status", args=[words_poll.pk])
    assert client_for(facilitator).get(status, {"f": "x"}).status_code == 200
    assert client_for(viewer).get(status, {"f": "x"}).status_code in (403, 404)
    assert client_for(outsider).get(status, {"f": "x"}).status_code == 404
