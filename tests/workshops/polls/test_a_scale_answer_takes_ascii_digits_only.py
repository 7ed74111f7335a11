"""A phone's answer to a scale poll is a number from 1 to the poll's top, in ASCII digits. '²'
(isdigit() but not int()), '٣' or '３' (which int() reads as 3), 10,000 digits (past int()'s limit)
and the other strange numbers are refused with the poll's own message, and nothing is stored;
never a server error."""

import pytest

from tests.fixtures import answer
from tests.strange_numbers import NOT_UTF8, STRANGE_NUMBERS, UNICODE_DIGITS
from workshops.models import PollResponse

CHOOSE = "Choose a number from 1 to 5."


@pytest.mark.parametrize("value", STRANGE_NUMBERS)
def test_a_strange_number_is_refused_and_nothing_stored(phone, scale_poll, value):
    page = answer(phone, scale_poll, value=value)
    assert page.status_code == 200 and CHOOSE in page.content.decode()
    assert not PollResponse.objects.exists()


def test_no_unicode_digit_counts_as_a_number(phone, scale_poll):
    for digit in UNICODE_DIGITS + ["٣", "３", "۳", "३"]:
        assert CHOOSE in answer(phone, scale_poll, value=digit).content.decode(), repr(digit)
    assert not PollResponse.objects.exists()


def test_bytes_that_are_not_utf8_are_refused(phone, scale_poll):
    url = f"/j/{scale_poll.workshop.join_code}/polls/{scale_poll.pk}/"
    page = phone.post(url, b"value=" + NOT_UTF8, content_type="application/x-www-form-urlencoded", follow=True)
    assert page.status_code == 200 and CHOOSE in page.content.decode()
    assert not PollResponse.objects.exists()


@pytest.mark.parametrize("value", ["1", "3", "5", " 4 ", "05"])
def test_ascii_digits_in_range_are_stored(phone, scale_poll, value):
    answer(phone, scale_poll, value=value)
    assert list(PollResponse.objects.values_list("value", flat=True)) == [int(value)]
