"""Approve before showing: an answer to a words poll with approval on waits in a queue, and only
approved answers reach the projector, the dashboards and every export. The lead or a facilitator
approves or hides, one at a time or several at once; the presenter hides a word from the Moderate
page on their own device (never on the projector) and can undo it."""

import re

import pytest
from django.urls import reverse

from analytics.reports import build_report
from analytics.scopes import Scope
from tests.fixtures import answer
from workshops.models import Poll, PollResponse
from workshops.polls.selectors import compute_results


@pytest.fixture
def approved_poll(workshop):
    """A words poll as a new one is made: approve before showing is on by default."""
    return Poll.objects.create(
        workshop=workshop, question="What does good support look like?", kind="words", is_open=True
    )


def shown_words(poll):
    return [word for word, _ in compute_results(poll).all_words]


def test_approval_is_on_by_default_for_a_new_words_poll_and_never_applies_to_choices(approved_poll, choice_poll):
    assert approved_poll.approve_first and approved_poll.needs_approval
    assert not choice_poll.needs_approval


def test_an_answer_waits_and_the_phone_says_so(phone, approved_poll):
    page = answer(phone, approved_poll, word=["Jayden Smith Year 6"]).content.decode()
    assert "Sent — it will appear once approved." in page
    assert "(waiting for approval)" in page
    stored = PollResponse.objects.get(poll=approved_poll)
    assert (stored.approved, stored.hidden) == (False, False)


def test_an_unapproved_answer_is_not_on_the_projector_the_dashboard_or_the_csv(
    client_for, lead, phone, approved_poll, organisation
):
    answer(phone, approved_poll, word=["Jayden Smith Year 6", "friends"])
    client = client_for(lead)
    screen = client.get(reverse("poll_present", args=[approved_poll.pk])).content.decode()
    assert "jayden" not in screen.lower() and "2 waiting for approval" in screen
    csv = client.get(reverse("poll_results_csv", args=[approved_poll.pk])).content.decode()
    assert "jayden" not in csv.lower()
    assert build_report(organisation, Scope())["polls"] == []  # nothing shown, nothing counted

    friends = PollResponse.objects.get(poll=approved_poll, text="friends")
    client.post(reverse("poll_queue", args=[approved_poll.pk]), {"one": f"approve:{friends.pk}"})
    assert shown_words(approved_poll) == ["friends"]
    assert [w["word"] for w in build_report(organisation, Scope())["polls"][0]["words"]] == ["friends"]
    assert "friends" in client.get(reverse("poll_results_csv", args=[approved_poll.pk])).content.decode()


def test_a_facilitator_hides_one_answer_and_approves_several_at_once(
    client_for, facilitator, room, phone, approved_poll
):
    answer(phone, approved_poll, word=["Jayden Smith", "friends", "being heard"])
    by_text = dict(PollResponse.objects.filter(poll=approved_poll).values_list("text", "pk"))
    client = client_for(facilitator)
    client.post(reverse("poll_queue", args=[approved_poll.pk]), {"one": f"hide:{by_text['Jayden Smith']}"})
    page = client.post(
        reverse("poll_queue", args=[approved_poll.pk]),
        {"action": "approve", "response": [by_text["friends"], by_text["being heard"]]},
        follow=True,
    ).content.decode()
    assert "Approved 2 answers." in page
    assert sorted(shown_words(approved_poll)) == ["being heard", "friends"]
    assert PollResponse.objects.get(pk=by_text["Jayden Smith"]).hidden  # kept, never shown


def test_approve_all_empties_the_queue(client_for, lead, phone, approved_poll):
    answer(phone, approved_poll, word=["friends", "safety"])
    client_for(lead).post(reverse("poll_queue", args=[approved_poll.pk]), {"action": "approve-all"})
    assert sorted(shown_words(approved_poll)) == ["friends", "safety"]


def test_ticking_nothing_or_another_polls_answer_changes_nothing(client_for, lead, phone, approved_poll, workshop):
    other = Poll.objects.create(workshop=workshop, question="Another", kind="words", is_open=True)
    answer(phone, other, word=["elsewhere"])
    theirs = PollResponse.objects.get(poll=other)
    client = client_for(lead)
    page = client.post(
        reverse("poll_queue", args=[approved_poll.pk]), {"action": "approve"}, follow=True
    ).content.decode()
    assert "tick the answers to approve or hide first" in page
    client.post(reverse("poll_queue", args=[approved_poll.pk]), {"one": f"approve:{theirs.pk}"})
    theirs.refresh_from_db()
    assert not theirs.approved


def test_a_poll_without_approval_shows_answers_at_once(phone, words_poll):
    page = answer(phone, words_poll, word=["friends"]).content.decode()
    assert "Thank you, your answer is in." in page
    assert shown_words(words_poll) == ["friends"]


def test_the_presenter_hides_a_word_from_the_moderate_page_not_the_projector(
    client_for, facilitator, room, viewer, phone, words_poll
):
    answer(phone, words_poll, word=["friends", "Friend", "rubbish talk"])
    quick_hide = reverse("poll_quick_hide", args=[words_poll.pk])
    for person in (viewer, facilitator):  # the projector shows answers only, whoever opened it
        screen = client_for(person).get(reverse("poll_present", args=[words_poll.pk])).content.decode()
        assert quick_hide not in screen and "hide an answer" not in screen.lower()
    client = client_for(facilitator)
    page = client.get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()
    # "friends" and "Friend" count together, shown as the shorter of two equally given phrases.
    assert "Shown on the projector (2)" in page and f'action="{quick_hide}"' in page and 'value="friend"' in page
    hid = client.post(quick_hide, {"label": "friend"})
    assert hid.status_code == 302 and hid.url == reverse("poll_moderate", args=[words_poll.pk]) + "#shown"
    assert shown_words(words_poll) == ["rubbish talk"]
    assert PollResponse.objects.filter(poll=words_poll, hidden=True).count() == 2  # both spellings, kept
    page = client.get(hid.url).content.decode()
    assert "Hid “friend” (2 answers)" in page and "Undo<span" in page and "Shown on the projector (1)" in page


def test_the_undo_shows_again_exactly_what_the_quick_hide_hid(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["friends", "rubbish talk"])
    earlier = PollResponse.objects.create(
        poll=words_poll, round=1, phone="p2", slot=1, text="Friend", normalised="friend", lemma="friend", hidden=True
    )  # hidden before, for its own reasons: the Undo leaves it hidden
    client = client_for(lead)
    client.post(reverse("poll_quick_hide", args=[words_poll.pk]), {"label": "friends"})
    page = client.get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()
    undo = reverse("poll_quick_hide_undo", args=[words_poll.pk])
    assert f'action="{undo}"' in page
    undo_form = page.split(f'action="{undo}"')[1].split("</form>")[0]
    ids = [int(value) for value in re.findall(r'name="response" value="(\d+)"', undo_form)]
    assert ids == [PollResponse.objects.get(poll=words_poll, text="friends").pk]
    # The Undo is offered once, on the page the hide came back to (the page keeps it, moderate.js).
    assert f'action="{undo}"' not in client.get(reverse("poll_moderate", args=[words_poll.pk])).content.decode()

    shown = client.post(undo, {"label": "friends", "response": ids}, follow=True).content.decode()
    assert "Showed “friends” again" in shown
    assert sorted(shown_words(words_poll)) == ["friends", "rubbish talk"]
    earlier.refresh_from_db()
    assert earlier.hidden
    again = client.post(undo, {"label": "friends", "response": ids}, follow=True).content.decode()
    assert "Nothing changed: “friends” was already shown again." in again


def test_a_quick_hide_of_a_word_no_longer_shown_says_so(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["friends"])
    page = (
        client_for(lead)
        .post(reverse("poll_quick_hide", args=[words_poll.pk]), {"label": "gone"}, follow=True)
        .content.decode()
    )
    assert "Nothing changed: “gone” is no longer shown." in page and shown_words(words_poll) == ["friends"]


def test_the_workshop_page_shows_the_queue_to_the_lead_and_the_facilitator_not_the_viewer(
    client_for, lead, facilitator, room, viewer, phone, approved_poll, workshop
):
    answer(phone, approved_poll, word=["friends"])
    moderate = reverse("poll_moderate", args=[approved_poll.pk])
    for person, sees in ((lead, True), (facilitator, True), (viewer, False)):
        page = client_for(person).get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
        assert (moderate in page) is sees
        assert "1 waiting for approval" in page
