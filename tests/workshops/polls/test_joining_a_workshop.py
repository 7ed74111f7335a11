"""Attendees join with the code on the screen; wrong, ended and closed are said plainly."""

from django.urls import reverse

from tests.fixtures import answer
from workshops.models import JOIN_CODE_ALPHABET, PollResponse, Workshop
from workshops.polls.views.attendee import PHONE_COOKIE


def test_every_workshop_gets_a_short_unambiguous_code(workshop, organisation):
    other = Workshop.objects.create(organisation=organisation, title="Another", date=workshop.date)
    for code in (workshop.join_code, other.join_code):
        assert len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & set("O0I1L2Z5S8B")
    assert workshop.join_code != other.join_code


def test_a_good_code_takes_the_phone_to_the_workshop_however_it_is_typed(client, workshop):
    typed = " " + workshop.join_code.lower()[:3] + "-" + workshop.join_code.lower()[3:] + " "
    response = client.get(reverse("join"), {"code": typed})
    assert response.status_code == 302 and response.url == reverse("attend", args=[workshop.join_code])


def test_a_wrong_code_says_so(client, workshop):
    response = client.get(reverse("join"), {"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "No open workshop has the code “ZZZZZZ”" in response.content.decode()


def test_something_that_cannot_be_a_code_is_not_looked_up(client, workshop):
    for typed in ("\x00", "ABC", "ABCDEFGH", "ÀBCDEF"):
        assert client.get(reverse("join"), {"code": typed}).status_code == 404
    assert client.get("/j/%00%00%00%00%00%00/").status_code == 302  # back to the join page


def test_the_code_of_an_ended_workshop_no_longer_works(client, workshop, words_poll):
    workshop.status = Workshop.Status.CLOSED
    workshop.save()
    response = client.get(reverse("join"), {"code": workshop.join_code})
    assert response.status_code == 404 and "No open workshop has the code" in response.content.decode()
    # As an unknown code does (issue 32: they look alike): the join page with its message, not the polls.
    page = client.get(reverse("attend", args=[workshop.join_code]))
    assert page.status_code == 200 and "No open workshop has the code" in page.content.decode()
    assert words_poll.question not in page.content.decode()


def test_the_page_shows_open_polls_and_gives_the_phone_a_signed_cookie(client, workshop, words_poll, choice_poll):
    choice_poll.is_open = False
    choice_poll.save()
    response = client.get(reverse("attend", args=[workshop.join_code]))
    page = response.content.decode()
    assert words_poll.question in page and choice_poll.question not in page
    cookie = response.cookies[PHONE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Which best describes your role?" in page


def test_no_open_poll_says_what_to_do(client, workshop):
    assert "No poll is open right now" in client.get(reverse("attend", args=[workshop.join_code])).content.decode()


def test_an_answer_to_a_closed_poll_is_refused_with_a_message(phone, words_poll, choice_poll):
    # The phone still shows the poll, then the facilitator closes it before the answer arrives.
    words_poll.is_open = False
    words_poll.save()
    phone.post(f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/", {"word": ["friends"]})
    words_poll.is_open = True
    words_poll.save()
    page = phone.get(f"/j/{words_poll.workshop.join_code}/").content.decode()
    assert "This poll is closed" in page
    assert not PollResponse.objects.exists()


def test_a_phone_without_its_cookie_stores_nothing(client, words_poll):
    response = answer(client, words_poll, word=["friends"])
    assert "did not keep this page" in response.content.decode()
    assert not PollResponse.objects.exists()


def test_a_forged_cookie_is_ignored(client, words_poll):
    client.cookies[PHONE_COOKIE] = "forged-token"
    answer(client, words_poll, word=["friends"])
    assert not PollResponse.objects.exists()


def test_an_attendee_cookie_grants_nothing_but_answering(phone, words_poll, workshop):
    for url in (
        reverse("home"),
        reverse("workshop_detail", args=[workshop.pk]),
        reverse("poll_present", args=[words_poll.pk]),
        reverse("poll_results_csv", args=[words_poll.pk]),
        reverse("poll_moderate", args=[words_poll.pk]),
    ):
        response = phone.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
