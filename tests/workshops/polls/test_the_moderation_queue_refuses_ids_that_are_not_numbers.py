"""The moderation queue takes the answers to approve or hide as ids (``one=approve:ID``, or ticked
``response`` ids). An id that is not a whole number in ASCII digits ('²', '٣', 10,000 digits...)
is refused with a message the lead understands, and nothing changes, not even the other ticked
answers; never a server error."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.strange_numbers import STRANGE_NUMBERS, UNICODE_DIGITS
from workshops.models import PollResponse

NOT_RECOGNISED = "Nothing changed: an answer sent was not recognised. Reload the page and try again."
NOT_IDS = [value for value in STRANGE_NUMBERS if value]


@pytest.fixture
def waiting(words_poll):
    """Two answers waiting for the lead's approval."""
    words_poll.approve_first = True
    words_poll.save()
    return [
        PollResponse.objects.create(
            poll=words_poll, round=1, phone=f"p{n}", slot=1, text=word, normalised=word, approved=False
        )
        for n, word in enumerate(["friends", "happiness"])
    ]


def queue(client, poll, data) -> str:
    """The message the lead is shown after sending ``data`` (the newest, as earlier ones are not read)."""
    response = client.post(reverse("poll_queue", args=[poll.pk]), data)
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def states(answers):
    return [PollResponse.objects.filter(pk=answer.pk).values_list("approved", "hidden").get() for answer in answers]


@pytest.mark.parametrize("bad", NOT_IDS)
def test_one_answer_that_is_not_an_id_is_refused(client_for, lead, words_poll, waiting, bad):
    client, before = client_for(lead), states(waiting)
    for action in ("approve", "hide"):
        assert queue(client, words_poll, {"one": f"{action}:{bad}"}) == NOT_RECOGNISED
    assert states(waiting) == before


@pytest.mark.parametrize("bad", NOT_IDS)
def test_a_ticked_answer_that_is_not_an_id_refuses_the_lot(client_for, lead, words_poll, waiting, bad):
    before = states(waiting)
    data = {"action": "approve", "response": [str(waiting[0].pk), bad]}
    assert queue(client_for(lead), words_poll, data) == NOT_RECOGNISED
    assert states(waiting) == before


def test_no_unicode_digit_is_taken_for_an_answer(client_for, lead, words_poll, waiting):
    client, before = client_for(lead), states(waiting)
    for digit in UNICODE_DIGITS:
        assert queue(client, words_poll, {"one": f"hide:{digit}"}) == NOT_RECOGNISED, repr(digit)
        assert queue(client, words_poll, {"one": f"hide:{waiting[0].pk}{digit}"}) == NOT_RECOGNISED, repr(digit)
    assert states(waiting) == before


def test_real_ids_are_still_approved_and_hidden(client_for, lead, words_poll, waiting):
    client = client_for(lead)
    assert queue(client, words_poll, {"one": f"approve:{waiting[0].pk}"}) == "Approved 1 answer."
    data = {"action": "hide", "response": [str(waiting[1].pk)]}
    assert queue(client, words_poll, data) == "Hid 1 answer."
    assert states(waiting) == [(True, False), (False, True)]
    assert (
        queue(client, words_poll, {"action": "hide"}) == "Nothing changed: tick the answers to approve or hide first."
    )
