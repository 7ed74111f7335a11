"""The identifier guard reads text the way a person does: separators, full-width digits and
invisible characters do not hide an identifier (issue 16, item 2), and an attendee's answer
shaped like a UPN or an NHS number is refused whatever its check digit."""

import pytest
from django.core.exceptions import ValidationError

from casereview.identifiers import find_identifiers, reject_attendee_identifiers, reject_identifiers


@pytest.mark.parametrize(
    "text,kind",
    [
        ("H801 2000 01001", "a UPN (unique pupil number)"),
        ("H801-2000-01001", "a UPN (unique pupil number)"),
        ("Ｈ８０１２００００１００１", "a UPN (unique pupil number)"),  # full-width letters and digits
        ("943.476.5919", "an NHS number"),
        ("9434 765919", "an NHS number"),
        ("943\u200b476\u200b5919", "an NHS number"),  # zero-width spaces
        ("943\u00ad476\u2060 5919", "an NHS number"),  # a soft hyphen and a word joiner
        ("943 – 476 — 5919", "an NHS number"),  # dashes of any kind
        ("SW1A\u200b1AA", "a postcode"),
        ("a.b＠example.com", "an email address"),  # full-width @
    ],
)
def test_it_finds_identifiers_however_they_are_typed(text, kind):
    assert [finding.kind for finding in find_identifiers(f"note {text} end")] == [kind]
    with pytest.raises(ValidationError):
        reject_identifiers(f"note {text} end")


def test_the_message_quotes_what_was_typed():
    with pytest.raises(ValidationError) as error:
        reject_identifiers("see 943\u200b476\u200b5919 please")
    assert "943\u200b476\u200b5919" in error.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "nhs 485 777 3456",  # ten digits, wrong check digit
        "4857773456",
        "485.777.3456",
        "B801200005002",  # UPN shape, wrong check letter
        "B801 2000 05002",
    ],
)
def test_an_attendee_answer_shaped_like_a_upn_or_nhs_number_is_refused_whatever_its_check_digit(text):
    assert find_identifiers(text) == []  # a review note may hold such a number: it is no identifier
    with pytest.raises(ValidationError, match="UPN|NHS"):
        reject_attendee_identifiers(text)


@pytest.mark.parametrize(
    "text",
    ["Year 9, 3 fixed-term suspensions in 2024", "KS2 at 11, 20 pupils", "2019-2020", "to be listened to", "5 4 3 2 1"],
)
def test_ordinary_answers_pass_the_strict_check(text):
    reject_attendee_identifiers(text)


@pytest.mark.parametrize("text", ["nhs 485 777 3456", "943\u200b476\u200b5919", "H801-2000-01001", "a.b＠example.com"])
def test_a_phone_answer_holding_one_never_reaches_the_screen(phone, words_poll, text):
    from tests.fixtures import answer
    from workshops.models import PollResponse

    page = answer(phone, words_poll, word=[text]).content.decode()
    assert "casereview never stores anything that could identify a child" in page
    assert not PollResponse.objects.filter(poll=words_poll).exists()
