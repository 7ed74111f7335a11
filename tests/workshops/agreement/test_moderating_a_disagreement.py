"""The lead, or a facilitator on the workshop's moderation panel, sees every room's answer to a
disagreement and records the moderated answer with a reason: audited like any review, guarded
against identifiers, never silently overwriting another moderator."""

import pytest
from django.urls import reverse

from tests.fixtures import not_ideal_post
from workshops.models import CaseAllocation, CaseReview, Moderator, ReviewAudit
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def disagreement(workshop, room, other_room, allocations, facilitator, other_facilitator, term):
    first = allocations[0]
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    review_save(
        allocation=first,
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    copy = CaseAllocation.objects.get(kind="another_room")
    review_save(
        allocation=copy, answer=ReviewAnswer(False, notes="Room two split"), by=other_facilitator, expected_version=0
    )
    return first


def url(first, name="moderation_case"):
    if name == "moderation_list":
        return reverse(name, args=[first.workshop_id])
    return reverse(name, args=[first.workshop_id, first.pk])


def moderated():
    return CaseReview.objects.filter(allocation__kind="moderation")


def test_the_lead_sees_every_rooms_answer_and_records_the_moderated_one(client_for, lead, disagreement, term):
    listing = client_for(lead).get(url(disagreement, "moderation_list")).content.decode()
    assert "C-001" in listing and "≠ Disagree" in listing and "Awaiting moderation" in listing
    page = client_for(lead).get(url(disagreement)).content.decode()
    assert "Room 1 (first room)" in page and "Room 2" in page and "≠ Differ" in page
    response = client_for(lead).post(
        url(disagreement), not_ideal_post(term, reason="The panel read the EP report again")
    )
    assert response.status_code == 302
    review = moderated().get()
    assert (review.ideal_outcome, review.better_provision.code, review.reviewed_by) == (False, "MAINSTREAM", lead)
    assert review.allocation.counts_in_reports and review.allocation.room is None
    entry = ReviewAudit.objects.get(review=review)
    assert entry.source == "moderation" and entry.changes["Reason"] == [None, "The panel read the EP report again"]
    # The rooms' own reviews are kept as they were.
    assert CaseReview.objects.filter(allocation__kind__in=["first", "another_room"]).count() == 2
    assert (
        "✓ Moderated by lead@northshire.test"
        in client_for(lead).get(url(disagreement, "moderation_list")).content.decode()
    )
    history = client_for(lead).get(reverse("audit_log", args=[disagreement.workshop_id])).content.decode()
    assert "Moderated answer" in history and "The panel read the EP report again" in history


def test_a_moderated_answer_needs_a_reason_without_identifiers(client_for, lead, disagreement, term):
    response = client_for(lead).post(url(disagreement), not_ideal_post(term, reason=""))
    assert "Say why this is the moderated answer." in response.content.decode()
    response = client_for(lead).post(url(disagreement), not_ideal_post(term, reason="Mum on 07911 123456 agreed"))
    assert "phone number" in response.content.decode()
    assert not moderated().exists()


def test_an_incomplete_answer_is_explained_and_nothing_stored(client_for, lead, disagreement, term):
    response = client_for(lead).post(url(disagreement), not_ideal_post(term, reason="Agreed", better_provision=""))
    assert "Choose the provision that would better support" in response.content.decode()
    assert not moderated().exists()


def test_a_second_moderator_saving_over_a_newer_answer_is_shown_both(
    client_for, lead, facilitator, disagreement, workshop, term
):
    Moderator.objects.create(workshop=workshop, user=facilitator)
    client_for(lead).post(url(disagreement), not_ideal_post(term, reason="Lead's view"))
    stale = not_ideal_post(
        term, version=0, reason="Panel's view", ideal_outcome="yes", non_ideal_areas=[], better_provision=""
    )
    response = client_for(facilitator).post(url(disagreement), stale)
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing has been overwritten" in page
    review = moderated().get()
    assert review.version == 1 and review.ideal_outcome is False


def test_who_may_moderate(
    client_for, lead, facilitator, other_facilitator, viewer, outsider, disagreement, workshop, term
):
    data = not_ideal_post(term, reason="Agreed")
    # A facilitator not on the panel, and a viewer: 403; an outsider: 404; nothing stored.
    for person, status in ((facilitator, 403), (viewer, 403), (outsider, 404)):
        assert client_for(person).get(url(disagreement)).status_code == status
        assert client_for(person).post(url(disagreement), data).status_code == status
        assert client_for(person).get(url(disagreement, "moderation_list")).status_code == status
    assert not moderated().exists()
    # The lead names the panel; then that facilitator may moderate (but not name the panel).
    client_for(lead).post(url(disagreement, "moderation_list"), {"facilitators": [facilitator.pk]})
    assert list(Moderator.objects.values_list("user", flat=True)) == [facilitator.pk]
    assert client_for(facilitator).post(url(disagreement), data).status_code == 302
    assert (
        client_for(facilitator)
        .post(url(disagreement, "moderation_list"), {"facilitators": [other_facilitator.pk]})
        .status_code
        == 403
    )
    assert list(Moderator.objects.values_list("user", flat=True)) == [facilitator.pk]


def test_a_case_one_room_reviewed_has_nothing_to_moderate(client_for, lead, allocations, room):
    response = client_for(lead).get(
        reverse("moderation_case", args=[allocations[1].workshop_id, allocations[1].pk]), follow=True
    )
    assert "reviewed by one room only: there is nothing to moderate" in response.content.decode()
