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


# Hardening round 3, part E: marks and fillers that draw nothing, and letters NFKD leaves whole.
INVISIBLE_OR_MARKS = [
    "\ufe0f",  # variation selector 16
    "\ufe00",  # variation selector 1
    "\U000e0100",  # variation selector 17
    "\u0301",  # combining acute accent
    "\u0336",  # combining long stroke overlay
    "\u20dd",  # combining enclosing circle
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler
    "\uffa0",  # half-width Hangul filler
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u180b",  # Mongolian free variation selector
    "\u200b",  # zero-width space (kept from before)
]


@pytest.mark.parametrize("word", ["fuck", "shit", "twat", "wanker"])
def test_a_blocked_word_is_found_with_a_mark_or_filler_at_any_place(word):
    for hidden, place in ((hidden, place) for hidden in INVISIBLE_OR_MARKS for place in range(1, len(word))):
        disguised = word[:place] + hidden * (1 + place % 2) + word[place:]
        for text in (disguised, disguised.upper(), f"you {disguised} off", f"{disguised}!"):
            assert blocked_words_in(text, DEFAULT_BLOCKED_WORDS), repr(text)


@pytest.mark.parametrize(
    "disguised",
    [
        "fu\ufe0fck",
        "fu\u0301ck",
        "fu\u3164ck",
        "sh\u0131t",
        "\u0455h\u0131t",
        "sh\u00eft",
        "p\u0131ss",
        "d\u0131ck",
        "ｓｈ\u0131ｔ",
    ],
)
def test_the_examples_of_round_3_are_found(disguised):
    assert blocked_words_in(disguised, DEFAULT_BLOCKED_WORDS)


def test_an_entry_of_the_la_with_an_accent_or_another_script_is_matched_however_it_is_typed():
    assert blocked_words_in("p\u00e9d\u00e9", ["p\u00e9d\u00e9"]) == ["p\u00e9d\u00e9"]
    assert blocked_words_in("pe\u0301de\u0301", ["p\u00e9d\u00e9"]) == ["p\u00e9d\u00e9"]
    assert blocked_words_in("\u0431\u043b\u044f\u0442\u044c", ["\u0431\u043b\u044f\u0442\u044c"])  # Cyrillic entry


@pytest.mark.parametrize(
    "ordinary",
    [
        "feeling safe",
        "Early Help",
        "naïve café résumé",
        "İstanbul ılık",
        "❤️ being heard 👍🏽",
        "한국어 학교",
        "नमस्ते दोस्त",
        "Ελπίδα",
        "crèche",
        "Scunthorpe",
        "shiitake",
        "cocktail",
        "assessment",
    ],
)
def test_ordinary_answers_with_marks_emoji_and_other_scripts_pass(ordinary):
    assert blocked_words_in(ordinary, DEFAULT_BLOCKED_WORDS) == []


@pytest.mark.parametrize("answer_text", ["fu\ufe0fck", "fu\u0301ck", "fu\u3164ck", "sh\u0131t"])
def test_a_phone_sending_one_of_round_3_is_refused_and_nothing_is_stored(phone, words_poll, answer_text):
    page = answer(phone, words_poll, word=[answer_text]).content.decode()
    assert "one of your words is not allowed on the shared screen" in page
    assert not PollResponse.objects.filter(poll=words_poll).exists()
