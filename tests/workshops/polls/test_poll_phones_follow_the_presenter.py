"""A phone on the workshop's page follows the presenter: its check is nearly free (the version
from the cache, no database, no session, 204 when nothing changed) and still answers, from the
database, when the cache does not."""

from unittest import mock

from django.core.cache import cache
from django.urls import reverse

from workshops.polls import versions as poll_versions
from workshops.polls.versions import live_version_key


def follow(client, workshop, version=None, **headers):
    data = {"v": version} if version is not None else {}
    return client.get(reverse("poll_follow", args=[workshop.join_code]), data, **headers)


def version_on_the_page(client, workshop):
    page = client.get(reverse("attend", args=[workshop.join_code])).content.decode()
    return page.split('data-version="')[1].split('"')[0]


def test_the_page_tells_the_phone_where_to_check_and_which_version_it_shows(client, workshop, words_poll):
    page = client.get(reverse("attend", args=[workshop.join_code])).content.decode()
    assert f'data-follow="{reverse("poll_follow", args=[workshop.join_code])}"' in page
    assert "js/poll-phone.js" in page
    assert follow(client, workshop, version_on_the_page(client, workshop)).status_code == 204


def test_nothing_changed_answers_204_without_the_database_or_a_session(
    client, workshop, words_poll, django_assert_num_queries
):
    version = version_on_the_page(client, workshop)  # puts the version in the cache
    fresh = client.__class__()  # a phone with no cookie at all
    with django_assert_num_queries(0):
        response = follow(fresh, workshop, version)
        again = follow(fresh, workshop, HTTP_IF_NONE_MATCH=f'"{version}"')
    assert response.status_code == 204 and response.content == b""
    assert again.status_code == 304
    assert not response.cookies and not again.cookies  # no session, no cookie written
    assert response["Cache-Control"] == "no-cache"


def test_opening_or_closing_a_poll_changes_the_version_the_phones_see(
    client_for, lead, workshop, words_poll, choice_poll, django_capture_on_commit_callbacks
):
    phone = client_for(lead).__class__()
    version = version_on_the_page(phone, workshop)
    lead_client = client_for(lead)
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("poll_state", args=[choice_poll.pk]), {"action": "close"})
    changed = follow(phone, workshop, version)
    assert changed.status_code == 200
    new_version = changed.json()["version"]
    assert new_version != version
    page = phone.get(reverse("attend", args=[workshop.join_code])).content.decode()
    assert choice_poll.question not in page and words_poll.question in page
    assert follow(phone, workshop, new_version).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("poll_state", args=[choice_poll.pk]), {"action": "open"})
    assert follow(phone, workshop, new_version).status_code == 200


def test_a_reset_and_an_edit_of_an_open_poll_change_the_version_too(
    client_for, lead, workshop, words_poll, django_capture_on_commit_callbacks
):
    phone = client_for(lead).__class__()
    version = version_on_the_page(phone, workshop)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(reverse("poll_state", args=[words_poll.pk]), {"action": "reset"})
    after_reset = follow(phone, workshop, version).json()["version"]
    assert after_reset != version
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(
            reverse("poll_edit", args=[workshop.pk, words_poll.pk]),
            {
                "question": "What matters most?",
                "kind": "words",
                "scale_max": 5,
                "words_per_attendee": 3,
                "options_text": "",
            },
        )
    assert follow(phone, workshop, after_reset).status_code == 200


def test_without_the_cache_the_check_reads_the_database_and_gives_the_same_answer(client, workshop, words_poll):
    """A miss, which is also what Redis down looks like: the cache fails open (tests/casereview/
    test_the_cache_fails_open_when_redis_is_down.py, and the live fault test with Redis stopped)."""
    version = version_on_the_page(client, workshop)
    cache.delete(live_version_key(workshop.join_code))
    with (
        mock.patch.object(poll_versions.cache, "get", return_value=None) as get,
        mock.patch.object(poll_versions.cache, "set"),
    ):
        poll_versions.forget_live_version(workshop.join_code)
        assert follow(client, workshop, version).status_code == 204
        words_poll.is_open = False
        words_poll.save()  # behind the services' back: only the database knows
        poll_versions.forget_live_version(workshop.join_code)
        assert follow(client, workshop, version).status_code == 200
        # The version asked of the cache once per check (other reads: the join-miss limit's).
        key = live_version_key(workshop.join_code)
        assert [call.args[0] for call in get.call_args_list].count(key) == 2


def test_within_a_second_a_process_answers_from_its_own_memory(client, workshop, words_poll):
    version = version_on_the_page(client, workshop)
    poll_versions.forget_live_version(workshop.join_code)
    key = live_version_key(workshop.join_code)
    with mock.patch.object(poll_versions.cache, "get", wraps=poll_versions.cache.get) as get:
        for _ in range(5):
            assert follow(client, workshop, version).status_code == 204
        # Other reads are the join-miss limit's moment a client last went over, once a second.
        assert [call.args[0] for call in get.call_args_list].count(key) == 1
        with mock.patch.object(poll_versions.time, "monotonic", return_value=poll_versions.time.monotonic() + 1.5):
            assert follow(client, workshop, version).status_code == 204
        assert [call.args[0] for call in get.call_args_list].count(key) == 2


def test_a_check_for_a_code_that_cannot_exist_answers_404(client):
    assert client.get("/j/%00%00%00%00%00%00/follow/").status_code == 404
    assert client.get("/j/TOOLONGCODE/follow/").status_code == 404
