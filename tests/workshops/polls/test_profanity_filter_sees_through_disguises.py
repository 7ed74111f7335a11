"""The profanity filter reads a word however it is disguised: invisible characters, look-alike
letters of other scripts, full-width letters; and refuses direction overrides outright (issue 16,
item 9)."""

import pytest

from tests.fixtures import answer
from workshops.models import PollResponse
from workshops.polls.text import DEFAULT_BLOCKED_WORDS, blocked_words_in


@pytest.mark.parametrize(
    "disguised",
    ["f\u200buck", "fu\u0441k", "ｆｕｃｋ", "f\u00aduck", "\u0455hit", "f\u2060u\u200dck off"],
)
def test_a_disguised_blocked_word_is_found(disguised):
    assert blocked_words_in(disguised, DEFAULT_BLOCKED_WORDS)


@pytest.mark.parametrize("ordinary", ["Scunthorpe", "assessment", "ключ", "naïve café", "Σωκράτης"])
def test_ordinary_words_in_any_script_pass(ordinary):
    assert blocked_words_in(ordinary, DEFAULT_BLOCKED_WORDS) == []


@pytest.mark.parametrize("answer_text", ["f\u200buck", "fu\u0441k"])
def test_a_phone_sending_one_is_refused_and_nothing_is_stored(phone, words_poll, answer_text):
    page = answer(phone, words_poll, word=[answer_text]).content.decode()
    assert "one of your words is not allowed on the shared screen" in page
    assert not PollResponse.objects.filter(poll=words_poll).exists()


@pytest.mark.parametrize("answer_text", ["\u202ekcuf", "nice\u202eworks", "a\u2067b\u2069"])
def test_direction_overrides_are_refused_outright(phone, words_poll, answer_text):
    page = answer(phone, words_poll, word=[answer_text]).content.decode()
    assert "change the direction of text" in page
    assert not PollResponse.objects.filter(poll=words_poll).exists()
