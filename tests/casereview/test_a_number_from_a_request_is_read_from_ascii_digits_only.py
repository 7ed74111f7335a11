"""casereview.numbers.whole_number, the one way a view or an import reads a number a stranger
sent: ASCII digits only, at most 18 of them, within the bounds given; None for anything else, and
never an exception."""

import re
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.numbers import MAX_DIGITS, object_id, whole_number

# Every character Unicode calls a digit or a number that is not an ASCII digit: str.isdigit() is
# true for the superscripts and circled ones, isdecimal() for the Arabic-Indic and full-width ones.
NOT_ASCII_DIGITS = [
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) in ("Nd", "No", "Nl") and not "0" <= chr(code) <= "9"
]


def test_ascii_digits_are_read():
    assert whole_number("7") == 7
    assert whole_number("0042") == 42
    assert whole_number(" 12 ") == 12
    assert whole_number("-3") == -3
    assert whole_number("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)


@pytest.mark.parametrize(
    "text",
    ["", " ", "-", "²", "³", "①", "٣", "３", "1e9", "1.0", "+1", "1_000", "0x10", "1 2", "--1", "1-", "one", "\x00"],
)
def test_anything_else_is_none(text):
    assert whole_number(text) is None


def test_no_unicode_digit_but_ascii_is_read_alone_or_among_ascii_ones():
    assert len(NOT_ASCII_DIGITS) > 1000
    for character in NOT_ASCII_DIGITS:
        for text in (character, f"1{character}", f"{character}1", character * 3):
            assert whole_number(text) is None, repr(text)


@pytest.mark.parametrize("digits", [MAX_DIGITS + 1, 19, 20, 4301, 10_000, 100_000])
def test_a_number_too_long_for_a_database_id_is_none(digits):
    assert whole_number("1" * digits) is None
    assert whole_number("-" + "1" * digits) is None


def test_bounds_are_kept():
    assert whole_number("1", minimum=1, maximum=10) == 1
    assert whole_number("10", minimum=1, maximum=10) == 10
    for text in ("0", "11", "-1", "-0"):
        assert whole_number(text, minimum=1, maximum=10) is None


def test_an_id_is_one_or_more():
    assert object_id("12") == 12
    for value in ("0", "-1", None, "", "²", b"12", 12):
        assert object_id(value) is None


@given(st.text())
def test_any_text_is_read_as_int_reads_it_or_is_none_and_never_raises(text):
    number = whole_number(text)
    stripped = text.strip(" \t\r\n")
    if re.fullmatch(r"-?[0-9]{1,18}", stripped, flags=re.ASCII):
        assert number == int(stripped)
    else:
        assert number is None


@given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1))
def test_every_number_of_up_to_18_digits_comes_back(number):
    assert whole_number(str(number)) == number
