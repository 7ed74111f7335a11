"""The projector and the lead's controls: live results, hiding answers, open / close / reset."""

from unittest import mock

import pytest
from django.urls import reverse

from tests.fixtures import answer
from workshops.models import Poll, PollResponse
from workshops.polls import selectors as poll_selectors


def test_the_projector_shows_join_url_code_qr_and_results(client_for, viewer, phone, words_poll):
    answer(phone, words_poll, word=["Happiness", "friends"])
    page = client_for(viewer).get(reverse("poll_present", args=[words_poll.pk])).content.decode()
    assert words_poll.workshop.join_code in page
    assert f"http://testserver/j/{words_poll.workshop.join_code}/" in page
    assert "<svg" in page  # the QR code, drawn by segno
    assert "happiness" in page and "friends" in page
    assert 'hx-trigger="every 2s"' in page
    assert "Results as a table" in page


def test_the_word_cloud_sizes_words_by_frequency(words_poll):
    for n, word in enumerate(["happiness"] * 4 + ["friends"]):
        PollResponse.objects.create(poll=words_poll, round=1, phone=f"p{n}", slot=1, text=word, normalised=word)
    results = poll_selectors.compute_results(words_poll)
    assert results.words == [("happiness", 4, 6), ("friends", 1, 3)]  # 1 + 5 x sqrt(1/4), rounded
    assert (results.answers, results.phones) == (5, 5)


def test_choice_and_scale_results_count_every_option(choice_poll, scale_poll):
    PollResponse.objects.create(poll=choice_poll, round=1, phone="p1", slot=1, choice="Secondary")
    bars = poll_selectors.compute_results(choice_poll).bars
    assert [(b.label, b.count, b.share) for b in bars] == [("Early years", 0, 0), ("Secondary", 1, 1.0)]
    for n, value in enumerate([2, 4, 4]):
        PollResponse.objects.create(poll=scale_poll, round=1, phone=f"p{n}", slot=1, value=value)
    results = poll_selectors.compute_results(scale_poll)
    assert [b.count for b in results.bars] == [0, 1, 0, 2, 0] and results.mean == pytest.approx(10 / 3)


def test_the_live_results_answer_204_and_compute_nothing_when_nothing_changed(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["friends"])
    client = client_for(lead)
    url = reverse("poll_live_results", args=[words_poll.pk])
    first = client.get(url)
    fingerprint = first.content.decode().split("since=")[1].split('"')[0]
    with mock.patch.object(poll_selectors, "compute_results", wraps=poll_selectors.compute_results) as compute:
        assert client.get(url, {"since": fingerprint}).status_code == 204
        assert client.get(url, {"since": fingerprint}).status_code == 204
        assert compute.call_count == 0
        answer(phone, words_poll, word=["independence"])
        changed = client.get(url, {"since": fingerprint})
        assert changed.status_code == 200 and "independence" in changed.content.decode()
        assert compute.call_count == 1
        # A second screen showing the same poll gets the cached result.
        client.get(url)
        assert compute.call_count == 1


def test_a_hidden_answer_leaves_the_screen_and_the_csv_but_is_kept(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["friends", "rude remark"])
    response = PollResponse.objects.get(text="rude remark")
    client = client_for(lead)
    assert "rude remark" in client.get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()
    client.post(reverse("response_hide", args=[response.pk]), {"hidden": "yes"})
    assert "rude remark" not in client.get(reverse("poll_present", args=[words_poll.pk])).content.decode()
    assert "rude remark" not in client.get(reverse("poll_results_csv", args=[words_poll.pk])).content.decode()
    assert PollResponse.objects.filter(text="rude remark", hidden=True).exists()
    client.post(reverse("response_hide", args=[response.pk]), {"hidden": "no"})
    assert "rude remark" in client.get(reverse("poll_present", args=[words_poll.pk])).content.decode()


def test_the_lead_opens_closes_and_resets_a_poll(
    client_for, lead, phone, words_poll, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    code = words_poll.workshop.join_code
    answer(phone, words_poll, word=["friends", "safe", "happy"])
    with django_capture_on_commit_callbacks(execute=True):  # as on a server: the change is announced as it commits
        client.post(reverse("poll_state", args=[words_poll.pk]), {"action": "close"})
    words_poll.refresh_from_db()
    assert not words_poll.is_open
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("poll_state", args=[words_poll.pk]), {"action": "open"})
        client.post(reverse("poll_state", args=[words_poll.pk]), {"action": "reset"})
    words_poll.refresh_from_db()
    assert (words_poll.is_open, words_poll.round, words_poll.workshop.join_code) == (True, 2, code)
    assert poll_selectors.poll_results(words_poll).answers == 0
    answer(phone, words_poll, word=["new round"])  # the phone may answer again in the new round
    assert PollResponse.objects.filter(poll=words_poll).count() == 4


def test_the_csv_holds_the_counts_and_cannot_smuggle_a_formula(client_for, viewer, words_poll):
    for n, word in enumerate(["=HYPERLINK(x)", "friends", "friends"]):
        PollResponse.objects.create(poll=words_poll, round=1, phone=f"p{n}", slot=1, text=word, normalised=word.lower())
    rows = (
        client_for(viewer)
        .get(reverse("poll_results_csv", args=[words_poll.pk]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert rows == ["answer,count", "friends,2", "'=hyperlink(x),1"]


def test_the_lead_creates_a_choice_poll_with_its_options(client_for, lead, workshop):
    data = {
        "question": "Where first?",
        "kind": "choice",
        "options_text": "Early years\nSecondary\n",
        "scale_max": 5,
        "words_per_attendee": 3,
    }
    assert client_for(lead).post(reverse("poll_create", args=[workshop.pk]), data).status_code == 302
    assert Poll.objects.get().options == ["Early years", "Secondary"]


def test_a_choice_poll_needs_two_different_options(client_for, lead, workshop):
    data = {
        "question": "Where?",
        "kind": "choice",
        "options_text": "Here\nhere",
        "scale_max": 5,
        "words_per_attendee": 3,
    }
    assert (
        "Each option must be different"
        in client_for(lead).post(reverse("poll_create", args=[workshop.pk]), data).content.decode()
    )
    data["options_text"] = "Only one"
    assert (
        "at least two options"
        in client_for(lead).post(reverse("poll_create", args=[workshop.pk]), data).content.decode()
    )
    assert not Poll.objects.exists()


# Access: the LA's lead controls; the lead or a facilitator decides what reaches the screen; the
# LA's members present; outsiders and anonymous get nothing.


def poll_urls(poll, response):
    return {
        "present": ("get", reverse("poll_present", args=[poll.pk]), {}),
        "live": ("get", reverse("poll_live_results", args=[poll.pk]), {}),
        "csv": ("get", reverse("poll_results_csv", args=[poll.pk]), {}),
        "moderate": ("get", reverse("poll_moderate", args=[poll.pk]), {}),
        "edit": ("get", reverse("poll_edit", args=[poll.workshop_id, poll.pk]), {}),
        "settings": ("get", reverse("poll_settings"), {}),
        "close": ("post", reverse("poll_state", args=[poll.pk]), {"action": "close"}),
        "hide": ("post", reverse("response_hide", args=[response.pk]), {"hidden": "yes"}),
        "approve": ("post", reverse("poll_queue", args=[poll.pk]), {"one": f"approve:{response.pk}"}),
        "merge": (
            "post",
            reverse("poll_merge", args=[poll.pk]),
            {"label": ["friends", "happiness"], "into": "friends"},
        ),
        "unmerge": ("post", reverse("poll_unmerge", args=[poll.pk]), {"label": "friends"}),
        "quick-hide": ("post", reverse("poll_quick_hide", args=[poll.pk]), {"label": "friends"}),
        "quick-hide-undo": (
            "post",
            reverse("poll_quick_hide_undo", args=[poll.pk]),
            {"label": "friends", "response": response.pk},
        ),
    }


EXPECTED = {
    # (lead, viewer, facilitator, outsider)
    "present": (200, 200, 200, 404),
    "live": (200, 200, 200, 404),
    "csv": (200, 200, 200, 404),
    "moderate": (200, 403, 200, 404),
    "edit": (200, 403, 403, 404),
    "settings": (200, 403, 403, 200),
    "close": (302, 403, 403, 404),
    "hide": (302, 403, 302, 404),
    "approve": (302, 403, 302, 404),
    "merge": (302, 403, 302, 404),
    "unmerge": (302, 403, 302, 404),
    "quick-hide": (302, 403, 302, 404),
    "quick-hide-undo": (302, 403, 302, 404),
}


@pytest.mark.parametrize("page", EXPECTED)
def test_each_poll_page_answers_each_role_as_it_should(
    page, client_for, lead, viewer, facilitator, room, outsider, words_poll, client
):
    response = PollResponse.objects.create(
        poll=words_poll, round=1, phone="p", slot=1, text="friends", normalised="friends"
    )
    method, url, data = poll_urls(words_poll, response)[page]
    got = []
    for person in (viewer, facilitator, outsider, lead):  # the lead last: its POSTs change things
        got.append(getattr(client_for(person), method)(url, data).status_code)
    assert tuple(got[-1:] + got[:-1]) == EXPECTED[page]
    anonymous = getattr(client.__class__(), method)(url, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


@pytest.mark.parametrize("page", ["moderate", "hide", "approve", "merge", "unmerge", "quick-hide"])
def test_a_facilitator_moderates_only_the_workshops_with_their_rooms(
    page, client_for, other_facilitator, room, words_poll
):
    response = PollResponse.objects.create(
        poll=words_poll, round=1, phone="p", slot=1, text="friends", normalised="friends"
    )
    method, url, data = poll_urls(words_poll, response)[page]
    assert getattr(client_for(other_facilitator), method)(url, data).status_code == 404
    response.refresh_from_db()
    assert not response.hidden and not words_poll.merges.exists()


def test_only_a_moderator_of_the_workshop_undoes_a_quick_hide(
    client_for, lead, viewer, other_facilitator, outsider, words_poll
):
    response = PollResponse.objects.create(
        poll=words_poll, round=1, phone="p", slot=1, text="friends", normalised="friends", hidden=True
    )
    method, url, data = poll_urls(words_poll, response)["quick-hide-undo"]
    for person, status in ((viewer, 403), (other_facilitator, 404), (outsider, 404)):
        assert client_for(person).post(url, data).status_code == status
        response.refresh_from_db()
        assert response.hidden
    assert client_for(lead).post(url, data).status_code == 302
    response.refresh_from_db()
    assert not response.hidden


def test_outsiders_change_nothing(client_for, outsider, words_poll):
    response = PollResponse.objects.create(
        poll=words_poll, round=1, phone="p", slot=1, text="friends", normalised="friends"
    )
    client = client_for(outsider)
    client.post(reverse("poll_state", args=[words_poll.pk]), {"action": "reset"})
    client.post(reverse("response_hide", args=[response.pk]), {"hidden": "yes"})
    words_poll.refresh_from_db()
    response.refresh_from_db()
    assert (words_poll.round, words_poll.is_open, response.hidden) == (1, True, False)
