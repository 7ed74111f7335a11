"""Two people saving the same review: the second is told and shown both answers; nothing is lost."""

import pytest
from django.test import Client

from tests.fixtures import not_ideal_post
from workshops.models import CaseReview, ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import ReviewConflict, review_save

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_save_based_on_an_old_version_raises_a_conflict_and_changes_nothing(allocations, facilitator, lead):
    first = review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="first"), by=facilitator, expected_version=0
    )
    with pytest.raises(ReviewConflict) as conflict:
        review_save(allocation=allocations[0], answer=ReviewAnswer(False, notes="second"), by=lead, expected_version=0)
    assert conflict.value.current.pk == first.pk
    review = CaseReview.objects.get()
    assert (review.notes, review.version, review.reviewed_by) == ("first", 1, facilitator)
    assert ReviewAudit.objects.count() == 1


def test_a_save_based_on_the_current_version_goes_through(allocations, facilitator, lead):
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="first"), by=facilitator, expected_version=0
    )
    review = review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="second"), by=lead, expected_version=1
    )
    assert (review.notes, review.version) == ("second", 2)


def test_the_second_facilitator_sees_both_answers_and_chooses(client_for, facilitator, lead, room, allocations, term):
    # Both opened the case at version 0. The lead (covering the room) saves first: ideal.
    first = client_for(lead)
    first.post(
        f"/rooms/{room.pk}/cases/{allocations[0].pk}/review/",
        {"action": "save", "version": 0, "ideal_outcome": "yes", "themes": [term("theme", "WORKFORCE_CAPACITY").pk]},
        **HTMX,
    )
    # The facilitator, still on version 0, saves "not ideal".
    second = Client()
    second.force_login(facilitator)
    response = second.post(f"/rooms/{room.pk}/cases/{allocations[0].pk}/review/", not_ideal_post(term), **HTMX)
    page = response.content.decode()
    assert "saved this case at" in page and "Nothing has been overwritten" in page
    assert "Their saved answer" in page and "Your answer" in page
    assert "Workforce capacity" in page and "Lack of parental confidence in mainstream" in page
    assert "Save my answer instead" in page
    assert 'name="version" value="1"' in page  # saving again now is a deliberate overwrite
    review = CaseReview.objects.get()
    assert (review.ideal_outcome, review.version) == (True, 1)

    # They choose to save theirs instead: version 2, both versions in the history.
    second.post(f"/rooms/{room.pk}/cases/{allocations[0].pk}/review/", not_ideal_post(term, version=1), **HTMX)
    review.refresh_from_db()
    assert (review.ideal_outcome, review.version, review.reviewed_by) == (False, 2, facilitator)
    assert list(ReviewAudit.objects.order_by("version").values_list("version", "changed_by__email")) == [
        (1, "lead@northshire.test"),
        (2, "facilitator@northshire.test"),
    ]
