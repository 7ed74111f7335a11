"""A dated follow-up of a reviewed case records whether the suggested provision or support happened."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from improvement import services
from improvement.models import CaseFollowUp
from improvement.selectors import follow_up_summary
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def review(allocations, facilitator, term):
    return review_save(
        allocation=allocations[0],
        by=facilitator,
        expected_version=0,
        answer=ReviewAnswer(
            True,
            False,
            [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            term("provision", "MAINSTREAM"),
            [term("theme", "WORKFORCE_CAPACITY")],
        ),
    )


def test_the_lead_records_a_follow_up_and_every_member_sees_it(review, lead, viewer, client_for):
    response = client_for(lead).post(
        f"/follow-ups/reviews/{review.pk}/new/",
        {"date": "2027-01-10", "outcome": "moved", "note": "Started at the local secondary with outreach."},
    )
    assert response.status_code == 302
    page = client_for(viewer).get("/follow-ups/").content.decode()
    assert "Moved to the suggested provision" in page and "Started at the local secondary" in page
    assert "Record a follow-up" not in page


def test_a_follow_up_dated_before_the_review_is_refused(review, lead):
    with pytest.raises(ValidationError) as refused:
        services.follow_up_add(
            review=review,
            date=review.reviewed_at.date() - datetime.timedelta(days=1),
            outcome="moved",
            note="",
            by=lead,
        )
    assert "on or after the day the case was reviewed" in refused.value.message_dict["date"][0]
    assert not CaseFollowUp.objects.exists()


def test_another_las_review_cannot_be_followed_up(outsider_allocation, outsider, lead, client_for):
    their = review_save(allocation=outsider_allocation, answer=ReviewAnswer(False), by=outsider, expected_version=0)
    assert (
        client_for(lead)
        .post(f"/follow-ups/reviews/{their.pk}/new/", {"date": "2027-01-10", "outcome": "moved"})
        .status_code
        == 404
    )
    assert not CaseFollowUp.objects.exists()


def test_the_summary_counts_reviews_once_by_their_latest_follow_up(review, organisation, lead):
    services.follow_up_add(review=review, date=datetime.date(2027, 1, 1), outcome="no_change", note="", by=lead)
    services.follow_up_add(review=review, date=datetime.date(2027, 4, 1), outcome="support_changed", note="", by=lead)
    summary = follow_up_summary(organisation)
    assert summary["non_ideal"] == 1 and summary["followed_up"] == 1
    assert {row["code"]: row["count"] for row in summary["outcomes"]} == {
        "moved": 0,
        "support_changed": 1,
        "no_change": 0,
        "other": 0,
    }
