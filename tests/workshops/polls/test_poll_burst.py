"""300 phones answering within a few seconds: every answer stored, every one on the projector."""

import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from django.urls import reverse

from workshops.models import PollResponse

PHONES = 300


def one_phone(base_url, code, poll_pk, n):
    """What a phone does: open the page (cookies, CSRF token), then send the form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base_url}/j/{code}/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "word": f"answer {n % 25}"}).encode()
    request = urllib.request.Request(
        f"{base_url}/j/{code}/polls/{poll_pk}/", data=data, headers={"Referer": f"{base_url}/j/{code}/"}
    )
    return opener.open(request, timeout=30).status


def test_a_burst_of_300_phones_loses_no_answer(postgresql, live_server, words_poll, lead, client):
    code = words_poll.workshop.join_code
    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(lambda n: one_phone(live_server.url, code, words_poll.pk, n), range(PHONES)))
    assert statuses == [200] * PHONES
    assert PollResponse.objects.filter(poll=words_poll).count() == PHONES
    assert PollResponse.objects.filter(poll=words_poll).values("phone").distinct().count() == PHONES

    client.force_login(lead)
    page = client.get(reverse("poll_present", args=[words_poll.pk])).content.decode()
    assert f'<strong data-testid="answer-count">{PHONES}</strong>' in page
    assert page.count('class="word-cloud__word') == 25
