"""The workshop's history (?case=ID narrows it to one case): a case that is not a whole number in
ASCII digits ('²', '٣', 10,000 digits...) is not found, like another workshop's case; never a
server error, and never quietly the whole history as if it were narrowed."""

import pytest
from django.urls import reverse

from tests.strange_numbers import STRANGE_NUMBERS, UNICODE_DIGITS
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def history(workshop):
    return reverse("audit_log", kwargs={"workshop_pk": workshop.pk})


@pytest.fixture
def reviewed(allocations, facilitator, term):
    answer = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    for allocation in allocations[:2]:
        review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)
    return allocations


@pytest.mark.parametrize("case", [value for value in STRANGE_NUMBERS if value.strip()])
def test_a_case_that_is_not_a_number_is_not_found(client_for, lead, history, reviewed, case):
    assert client_for(lead).get(history, {"case": case}).status_code == 404


def test_no_unicode_digit_is_taken_for_a_case(client_for, lead, history, reviewed):
    client = client_for(lead)
    for digit in UNICODE_DIGITS:
        assert client.get(history, {"case": digit}).status_code == 404, repr(digit)
        assert client.get(history, {"case": f"{reviewed[0].pk}{digit}"}).status_code == 404, repr(digit)


def test_a_case_that_is_a_number_narrows_the_history(client_for, lead, history, reviewed):
    client = client_for(lead)
    everything = client.get(history).content.decode()
    narrowed = client.get(history, {"case": str(reviewed[0].pk)}).content.decode()
    assert "C-001" in everything and "C-002" in everything
    assert "C-001" in narrowed and "C-002" not in narrowed
    assert client.get(history, {"case": ""}).status_code == 200  # an empty filter is no filter


def test_a_case_not_in_the_workshop_is_not_found(client_for, lead, history, reviewed, outsider_allocation):
    assert client_for(lead).get(history, {"case": str(outsider_allocation.pk)}).status_code == 404
