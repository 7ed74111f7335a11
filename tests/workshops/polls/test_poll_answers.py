"""What a phone may answer: limits, one answer per phone, and refusals that say why."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.fixtures import answer
from workshops.models import PollResponse
from workshops.polls.services import poll_settings_of
from workshops.polls.text import blocked_words_in, normalise_phrase


def stored(poll):
    return sorted(PollResponse.objects.filter(poll=poll).values_list("text", flat=True))


def test_a_phone_gives_up_to_the_word_limit_over_several_sends(phone, words_poll):
    answer(phone, words_poll, word=["Happiness", "friends"])
    page = answer(phone, words_poll, word=["independence", "more"]).content.decode()
    assert "You can give 3 answers to this poll and have 1 left." in page
    assert stored(words_poll) == ["Happiness", "friends"]
    answer(phone, words_poll, word=["independence"])
    page = answer(phone, words_poll, word=["one more"]).content.decode()
    assert "You have given all 3 answers. Thank you!" in page
    assert stored(words_poll) == ["Happiness", "friends", "independence"]


def test_empty_boxes_are_ignored_but_an_empty_answer_is_refused(phone, words_poll):
    answer(phone, words_poll, word=["friends", "", "  "])
    assert stored(words_poll) == ["friends"]
    assert "Type at least one word" in answer(phone, words_poll, word=["", " "]).content.decode()


def test_each_phone_has_its_own_limit(words_poll):
    for _ in range(3):
        phone = Client()
        phone.get(f"/j/{words_poll.workshop.join_code}/")
        answer(phone, words_poll, word=["a1", "b2", "c3"])
    assert PollResponse.objects.filter(poll=words_poll).count() == 9


def test_a_second_choice_replaces_the_first(phone, choice_poll):
    answer(phone, choice_poll, choice="Early years")
    page = answer(phone, choice_poll, choice="Secondary").content.decode()
    assert list(PollResponse.objects.values_list("choice", flat=True)) == ["Secondary"]
    assert "Change my answer" in page


def test_a_second_scale_answer_replaces_the_first(phone, scale_poll):
    answer(phone, scale_poll, value="2")
    answer(phone, scale_poll, value="5")
    assert list(PollResponse.objects.values_list("value", flat=True)) == [5]


@pytest.mark.parametrize("value", ["0", "6", "x", ""])
def test_a_scale_answer_out_of_range_is_refused(phone, scale_poll, value):
    assert "Choose a number from 1 to 5" in answer(phone, scale_poll, value=value).content.decode()
    assert not PollResponse.objects.exists()


def test_an_option_that_is_not_offered_is_refused(phone, choice_poll):
    assert "Choose one of the options" in answer(phone, choice_poll, choice="Tertiary").content.decode()
    assert not PollResponse.objects.exists()


@pytest.mark.parametrize(
    "word,message",
    [
        ("x" * 41, "This answer has 41 characters: shorten it to 40 or fewer."),
        ("call 07911 123456", "a phone number"),
        ("B801200005001", "a UPN"),
        ("what a load of shit", "Please rephrase: one of your words is not allowed on the shared screen."),
        ("the", "“the” on its own is too general"),
        ("nul\x00byte", "Use letters, numbers and punctuation only."),
    ],
)
def test_refused_answers_say_why_and_store_nothing(phone, words_poll, word, message):
    page = answer(phone, words_poll, word=["friends", word]).content.decode()
    assert message in page
    assert not PollResponse.objects.exists()  # all or nothing: "friends" was not stored either


def test_the_filter_matches_whole_words_only(phone, words_poll):
    answer(phone, words_poll, word=["Scunthorpe schools", "assessment", "cockpit"])
    assert len(stored(words_poll)) == 3


def test_the_la_edits_its_list_or_switches_the_filter_off(
    phone, words_poll, organisation, lead, django_capture_on_commit_callbacks
):
    """Through the lead's settings page, as an LA does it; phones' very next answers follow the new
    rules, though the web process keeps the poll between answers (versions.poll_to_answer)."""
    lead_client = Client()
    lead_client.force_login(lead)
    blocked = poll_settings_of(organisation).blocked_words
    answer(phone, words_poll, word=["friends"])  # the poll is now kept by this process
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            reverse("poll_settings"), {"profanity_filter_on": "on", "blocked_words": blocked + "\nrubbish service"}
        )
    assert "Please rephrase" in answer(phone, words_poll, word=["Rubbish  service!"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("poll_settings"), {"blocked_words": blocked + "\nrubbish service"})  # the box unticked
    answer(phone, words_poll, word=["rubbish service"])
    assert stored(words_poll) == ["friends", "rubbish service"]


def test_the_role_is_kept_with_the_answer(phone, words_poll):
    answer(phone, words_poll, word=["friends"], role="health")
    assert PollResponse.objects.get().role == "health"
    assert "Choose a role from the list" in answer(phone, words_poll, word=["safe"], role="boss").content.decode()


@pytest.mark.parametrize(
    "typed,normalised",
    [
        ("  Happiness! ", "happiness"),
        ("HAPPINESS", "happiness"),
        ("“Friends”", "friends"),
        ("to be happy", "be happy"),
        ("being listened to", "being listened to"),
        ("being heard", "being heard"),
        ("Quality of life", "quality of life"),
        ("right   support at the right time.", "right support at the right time"),
        ("the", ""),
    ],
)
def test_answers_are_normalised_for_the_word_cloud(typed, normalised):
    assert normalise_phrase(typed) == normalised


def test_blocked_words_are_found_as_whole_words_and_phrases():
    assert blocked_words_in("What the HELL", ["hell"]) == ["hell"]
    assert blocked_words_in("shell", ["hell"]) == []
    assert blocked_words_in("a load of rubbish", ["load of rubbish"]) == ["load of rubbish"]


def test_the_blocked_word_list_is_guarded_against_identifiers_too(client_for, lead, organisation):
    page = (
        client_for(lead)
        .post(reverse("poll_settings"), {"profanity_filter_on": "on", "blocked_words": "rude\nparent@example.org"})
        .content.decode()
    )
    assert "an email address" in page
    assert "parent@example.org" not in poll_settings_of(organisation).blocked_words
