"""A phone with JavaScript answers in one request: the reply is the poll's card, updated, never a
redirect to the whole page (issue 23). Without JavaScript the form still posts and redirects."""

import html

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from workshops.models import PollResponse
from workshops.polls.services import poll_saved, poll_settings_of


def send(client, poll, **data):
    return client.post(f"/j/{poll.workshop.join_code}/polls/{poll.pk}/", data, HTTP_HX_REQUEST="true")


def test_a_word_answer_is_answered_with_the_updated_card_alone(phone, words_poll):
    response = send(phone, words_poll, word=["friends", "", "being heard"])
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<section class="card mb-4 poll-card" id="poll-{words_poll.pk}"')
    assert "<html" not in page and "<form" in page
    assert "Thank you, your answer is in." in page
    assert "“friends”, “being heard”" in page  # what this phone has given, the new answers included
    assert "You can give 1 more." in page
    assert sorted(PollResponse.objects.values_list("text", flat=True)) == ["being heard", "friends"]


def test_a_refused_box_comes_back_in_the_card_as_typed_and_nothing_is_stored(phone, words_poll):
    response = send(phone, words_poll, word=["friends", "x" * 41], role="health")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="friends"' in page and f'value="{"x" * 41}"' in page
    assert page.count('aria-invalid="true"') == 1
    assert '<option value="health" selected>' in page
    assert not PollResponse.objects.exists()


def test_a_choice_answer_and_a_refusal_say_so_in_the_card(phone, choice_poll):
    refused = send(phone, choice_poll, choice="Nowhere")
    assert refused.status_code == 400 and "Choose one of the options." in refused.content.decode()
    page = send(phone, choice_poll, choice="Secondary").content.decode()
    assert "Thank you, your answer is in." in page and "Change my answer" in page
    assert list(PollResponse.objects.values_list("choice", flat=True)) == ["Secondary"]


def test_a_phone_without_its_cookie_is_told_to_answer_again_and_nothing_is_stored(words_poll):
    response = send(Client(), words_poll, word=["friends"])
    assert response.status_code == 400
    assert "did not keep this page's cookie" in html.unescape(response.content.decode())
    assert not PollResponse.objects.exists()


def statements_of(client, poll, **data) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert send(client, poll, **data).status_code == 200
    # The test's own transaction wraps each write in a savepoint, which production does not.
    return [query["sql"].split()[0] for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_the_one_request_reads_the_poll_once_and_then_only_the_phones_answers(
    phone, words_poll, workshop, django_capture_on_commit_callbacks
):
    poll_settings_of(words_poll.workshop.organisation)  # made once per LA, before its first answer
    with django_capture_on_commit_callbacks(execute=True):
        poll_saved(poll=words_poll)  # as the lead's poll form does: the phones' version is announced
    # The polls' version and the poll with its LA's settings (once per web process and version),
    # the phone's answers (its free slots, and with the new one what its card shows), the INSERT.
    assert statements_of(phone, words_poll, word=["friends"]) == ["SELECT", "SELECT", "SELECT", "INSERT"]
    # The next phone: the web process kept the poll, the polls being unchanged.
    other = Client()
    other.get(f"/j/{workshop.join_code}/")
    assert statements_of(other, words_poll, word=["safe", "heard"]) == ["SELECT", "INSERT"]
    assert "“safe”, “heard”" in send(other, words_poll, word=["happy"]).content.decode()


def test_a_choice_answer_and_its_change_are_one_statement_each(phone, choice_poll, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        poll_saved(poll=choice_poll)
    send(phone, choice_poll, choice="Early years")  # reads the poll, which is then kept
    assert statements_of(phone, choice_poll, choice="Secondary") == ["INSERT"]  # INSERT ... ON CONFLICT DO UPDATE
    assert list(PollResponse.objects.values_list("choice", "slot")) == [("Secondary", 1)]


def test_without_javascript_the_form_still_posts_and_returns_to_the_page(phone, words_poll):
    response = phone.post(f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/", {"word": ["friends"]})
    assert response.status_code == 302
    assert response["Location"] == f"/j/{words_poll.workshop.join_code}/#poll-{words_poll.pk}"
    page = phone.get(response["Location"]).content.decode()
    assert "<html" in page and "Thank you, your answer is in." in page
