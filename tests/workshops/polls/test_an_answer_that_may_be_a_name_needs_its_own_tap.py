"""An answer that looks like a person's name ("Jayden Smith Year 6", "Mrs Okoro at Oakfield") is
marked "May be a name" in the approval queue, with the reason, and left out of "Approve all" (whose
count says how many it approves) and "Approve ticked": it is approved only with its own tap."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from casereview.names import given_names
from tests.fixtures import answer
from workshops.models import Poll, PollResponse
from workshops.polls.services import load_word_dictionaries, words_answer_record

NAMES = ["Jayden Smith Year 6", "Mrs Okoro at Oakfield"]


@pytest.fixture
def approved_poll(workshop):
    return Poll.objects.create(workshop=workshop, question="What does good support look like?", kind="words")


@pytest.fixture
def queue(phone, approved_poll):
    """Two names and one ordinary answer waiting, by text."""
    approved_poll.is_open = True
    approved_poll.words_per_attendee = 3
    approved_poll.save()
    answer(phone, approved_poll, word=[NAMES[0], "friends", NAMES[1]])
    return dict(PollResponse.objects.filter(poll=approved_poll).values_list("text", "pk"))


def waiting(poll):
    return sorted(PollResponse.objects.filter(poll=poll, approved=False, hidden=False).values_list("text", flat=True))


def test_the_flag_is_set_when_the_answer_is_stored(queue, approved_poll):
    flags = dict(PollResponse.objects.filter(poll=approved_poll).values_list("text", "may_be_name"))
    assert flags == {NAMES[0]: True, "friends": False, NAMES[1]: True}
    typed = words_answer_record(poll=approved_poll, phone="paper1", text="Olivia Brown")
    ordinary = words_answer_record(poll=approved_poll, phone="paper2", text="Early Help")
    assert (typed.may_be_name, ordinary.may_be_name) == (True, False)


def test_the_queue_marks_a_name_in_words_and_approve_all_counts_only_the_others(client_for, lead, queue, approved_poll):
    page = client_for(lead).get(reverse("poll_moderate", args=[approved_poll.pk])).content.decode()
    assert page.count('data-testid="may-be-a-name"') == 2
    assert "May be a name</span> “Jayden Smith”: a first name before a capitalised word" in page
    assert "May be a name</span> “Mrs Okoro”: a title before a capitalised word" in page
    assert ">Approve all 1</button>" in page and "Approve all 3" not in page
    assert "leave out the 2 answers marked “May be a name”" in page


def test_approve_all_leaves_the_names_waiting_and_says_so(client_for, facilitator, room, queue, approved_poll):
    page = client_for(facilitator).post(
        reverse("poll_queue", args=[approved_poll.pk]), {"action": "approve-all"}, follow=True
    )
    html = page.content.decode()
    assert "Approved 1 answer." in html
    assert "2 answers that may be a name wait" in html
    assert waiting(approved_poll) == sorted(NAMES)


def test_approve_ticked_leaves_a_ticked_name_waiting(client_for, lead, queue, approved_poll):
    client_for(lead).post(
        reverse("poll_queue", args=[approved_poll.pk]), {"action": "approve", "response": list(queue.values())}
    )
    assert waiting(approved_poll) == sorted(NAMES)


def test_a_name_is_approved_with_its_own_tap(client_for, lead, queue, approved_poll):
    client = client_for(lead)
    page = client.post(
        reverse("poll_queue", args=[approved_poll.pk]), {"one": f"approve:{queue[NAMES[1]]}"}, follow=True
    ).content.decode()
    assert "Approved 1 answer." in page
    assert waiting(approved_poll) == sorted([NAMES[0], "friends"])


def test_hide_all_still_hides_the_names(client_for, lead, queue, approved_poll):
    client_for(lead).post(reverse("poll_queue", args=[approved_poll.pk]), {"action": "hide-all"})
    assert waiting(approved_poll) == []
    assert PollResponse.objects.filter(poll=approved_poll, hidden=True).count() == 3


def test_with_only_names_waiting_there_is_no_approve_all(client_for, lead, phone, approved_poll):
    approved_poll.is_open = True
    approved_poll.save()
    answer(phone, approved_poll, word=["Jayden Smith"])
    page = client_for(lead).get(reverse("poll_moderate", args=[approved_poll.pk])).content.decode()
    assert 'value="approve-all"' not in page and "May be a name" in page


def test_the_migration_marks_the_answers_already_waiting(queue, approved_poll):
    PollResponse.objects.filter(poll=approved_poll).update(may_be_name=False)
    migration = importlib.import_module("workshops.migrations.0010_pollresponse_may_be_name")
    migration.mark_waiting(apps, None)
    flagged = PollResponse.objects.filter(poll=approved_poll, may_be_name=True).values_list("text", flat=True)
    assert sorted(flagged) == sorted(NAMES)


def test_web_processes_read_the_names_before_the_first_answer():
    given_names.cache_clear()
    load_word_dictionaries()
    assert given_names.cache_info().currsize == 1
