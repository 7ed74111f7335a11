"""When the follow check says the open polls changed, a phone fetches their cards from a shared
address: the same for every phone, so each web process renders them once per version; no
session, no cookie, no form token (the page gave the phone one) (issue 23)."""

from django.urls import reverse

from workshops.models import Poll, Workshop
from workshops.polls import follow
from workshops.polls.services import poll_set_open


def shared(client, workshop):
    return client.get(reverse("poll_shared_cards", args=[workshop.join_code]))


def test_the_cards_of_the_open_polls_with_no_answers_of_a_phone_and_no_form_token(
    client, workshop, words_poll, choice_poll
):
    page = shared(client, workshop).content.decode()
    assert f'id="poll-{words_poll.pk}"' in page and f'id="poll-{choice_poll.pk}"' in page
    assert page.count("<form") == 2
    assert "csrfmiddlewaretoken" not in page and "Your answer:" not in page


def test_a_second_phone_costs_no_query_and_no_cookie_is_written(
    client, workshop, words_poll, django_assert_num_queries
):
    follow._shared_cards.clear()
    first = shared(client, workshop)
    with django_assert_num_queries(0):
        second = shared(client.__class__(), workshop)
    assert second.content == first.content
    assert not first.cookies and not second.cookies
    assert second["Cache-Control"] == "no-cache"


def test_a_poll_opened_is_in_the_next_version_s_cards(client, workshop, words_poll, django_capture_on_commit_callbacks):
    later = Poll.objects.create(
        workshop=workshop, question="Where first?", kind="choice", options=["Early years", "Secondary"]
    )
    assert f'id="poll-{later.pk}"' not in shared(client, workshop).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        poll_set_open(poll=later, is_open=True)
    attendee_page_version = (
        client.get(reverse("attend", args=[workshop.join_code]))
        .content.decode()
        .split('data-version="')[1]
        .split('"')[0]
    )
    page = shared(client, workshop).content.decode()
    assert f'id="poll-{later.pk}"' in page and f'data-version="{attendee_page_version}"' in page


def test_a_closed_workshop_has_no_cards(client, workshop, words_poll):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)
    follow._shared_cards.clear()
    response = shared(client, workshop)
    assert response.status_code == 200 and "<section" not in response.content.decode()


def test_the_page_gives_a_phone_its_form_token_even_before_any_poll_opens(client, workshop):
    response = client.get(reverse("attend", args=[workshop.join_code]))
    page = response.content.decode()
    assert "<form" not in page
    token = page.split('data-csrf-token="')[1].split('"')[0]
    assert len(token) == 64 and "csrftoken" in response.cookies


def test_a_code_that_cannot_exist_answers_404(client):
    assert client.get("/j/TOOLONGCODE/cards/").status_code == 404
