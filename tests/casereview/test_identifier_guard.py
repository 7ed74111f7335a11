"""Free text never stores a child's identifier (docs/design.md, “Tenancy and privacy”)."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.gb import nhs, upn

from casereview.identifiers import find_identifiers, reject_identifiers


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Pupil B801200005001 moved", "a UPN (unique pupil number)"),
        ("nhs no 943 476 5919", "an NHS number"),
        ("nhs no 943-476-5870", "an NHS number"),
        ("email mum at parent.name@example.co.uk", "an email address"),
        ("lives near SW1A 1AA", "a postcode"),
        ("lives near m1 1ae", "a postcode"),
        ("call 07911 123456 after 4", "a phone number"),
        ("school on 0161 496 0000", "a phone number"),
    ],
)
def test_it_finds_each_kind_of_identifier(text, kind):
    assert [finding.kind for finding in find_identifiers(text)] == [kind]
    with pytest.raises(ValidationError, match=kind.split(" (")[0]):
        reject_identifiers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Year 9, SEMH, 3 fixed-term suspensions in 2024",
        "C-017: MSS placement; mainstream with outreach would be better",
        "943 476 5918",  # ten digits, wrong NHS check digit
        "B801200005002",  # UPN shape, wrong check letter
        "KS2 results at age 11, 20 pupils in class",
        "Happiness, friends, independence",
    ],
)
def test_it_lets_ordinary_case_discussion_through(text):
    assert find_identifiers(text) == []
    reject_identifiers(text)


def test_the_message_names_everything_it_found():
    with pytest.raises(ValidationError) as error:
        reject_identifiers("B801200005001 at SW1A 1AA")
    message = error.value.messages[0]
    assert "a UPN" in message and "B801200005001" in message and "a postcode" in message


def test_it_finds_an_nhs_number_only_once_even_though_it_could_be_dialled():
    assert [f.kind for f in find_identifiers("9434765919")] == ["an NHS number"]


@pytest.mark.parametrize("serial", range(0, 1000, 37))
def test_every_checksum_valid_upn_is_refused(serial):
    body = f"801200005{serial:03d}"[:12]
    number = upn.calc_check_digit(body) + body
    assert upn.is_valid(number)
    assert find_identifiers(f"ref {number} end")


@pytest.mark.parametrize("stem", ["943476591", "401023213", "123456788", "999999999"])
def test_every_checksum_valid_nhs_number_is_refused(stem):
    for check in range(10):
        number = stem + str(check)
        assert bool(find_identifiers(number)) == nhs.is_valid(number)
