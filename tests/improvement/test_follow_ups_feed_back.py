"""Follow-ups that feed back (issue 36): a case reviewed by two workshops is one line; the next
follow-up is scheduled 3, 6 or 12 months on and listed as due until it is recorded; a room reviewing
a child again sees the earlier review and its latest follow-up, never a sealed room's answer."""

import dataclasses
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement import follow_ups, services
from improvement.models import ScheduledFollowUp
from workshops.models import BreakoutRoom, CaseAllocation, Workshop
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

HTMX = {"HTTP_HX_REQUEST": "true"}


def not_ideal(term, provision="RESOURCED", area="TIMING_OF_SUPPORT"):
    return ReviewAnswer(
        True, False, [term("non_ideal_area", area)], term("provision", provision), [term("theme", "WORKFORCE_CAPACITY")]
    )


@pytest.fixture
def earlier_workshop(organisation, facilitator):
    workshop = Workshop.objects.create(
        organisation=organisation, title="Primary case reviews", date=datetime.date(2026, 3, 11)
    )
    room = BreakoutRoom.objects.create(workshop=workshop, name="Room A")
    room.facilitators.add(facilitator)
    return workshop


def review_in(workshop, case, answer, by, room=None):
    room = room or workshop.rooms.first()
    allocation = CaseAllocation.objects.create(workshop=workshop, room=room, case=case)
    return review_save(allocation=allocation, answer=answer, by=by, expected_version=0)


@pytest.fixture
def reviewed_before(earlier_workshop, allocations, facilitator, lead, term):
    """C-001 was reviewed in March (not ideal: timing of support; better: resourced provision) and
    followed up; it comes up again in May's room."""
    review = review_in(earlier_workshop, allocations[0].case, not_ideal(term), facilitator)
    services.follow_up_add(
        review=review, date=timezone.localdate(), outcome="support_changed", note="Outreach added in June.", by=lead
    )
    return review


def console(client, room, allocation):
    return client.get(reverse("room_console_case", args=[room.pk, allocation.pk])).content.decode()


# --- the room reviewing a child again ----------------------------------------------------------


def test_the_room_sees_the_earlier_review_and_its_latest_follow_up(
    reviewed_before, room, allocations, facilitator, client_for, term
):
    page = console(client_for(facilitator), room, allocations[0])
    section = page[page.index('data-testid="earlier-reviews"') :]
    assert "11 Mar 2026" in section and "Primary case reviews" in section
    assert "not ideal" in section and term("non_ideal_area", "TIMING_OF_SUPPORT").label in section
    assert f"better provision: {term('provision', 'RESOURCED').label}" in section
    assert "Support changed" in section and "Outreach added in June." in section
    # A case never reviewed before shows nothing of the kind.
    assert 'data-testid="earlier-reviews"' not in console(client_for(facilitator), room, allocations[1])


def test_the_next_case_after_a_save_shows_its_earlier_review_too(
    earlier_workshop, room, allocations, facilitator, client_for, term
):
    review_in(earlier_workshop, allocations[1].case, not_ideal(term), facilitator)
    from tests.fixtures import not_ideal_post

    page = client_for(facilitator).post(
        reverse("review_save", args=[room.pk, allocations[0].pk]), not_ideal_post(term), **HTMX
    )
    page = page.content.decode()
    assert "Case C-002" in page and 'data-testid="earlier-review"' in page


def test_a_sealed_sibling_rooms_answer_never_appears_in_the_console(
    workshop, room, other_room, allocations, facilitator, other_facilitator, client_for, term
):
    """Blind double review in this workshop: room 1 has answered C-002, room 2 has not. Room 2's
    console shows no earlier review (a sibling is never "earlier"), whatever room 1 said."""
    allocation_save(workshop=workshop, placements={}, second_rooms={allocations[1].pk: other_room}, calibration=set())
    second = CaseAllocation.objects.get(first_allocation=allocations[1])
    review_save(
        allocation=allocations[1],
        answer=dataclasses.replace(not_ideal(term), notes="Room one's sealed words"),
        by=facilitator,
        expected_version=0,
    )
    page = console(client_for(other_facilitator), other_room, second)
    assert "Case C-002" in page
    assert 'data-testid="earlier-review' not in page and "Room one&#x27;s sealed words" not in page
    assert "sealed words" not in page


def test_an_earlier_workshops_double_review_stays_hidden_until_every_room_has_answered(
    earlier_workshop, room, allocations, facilitator, other_facilitator, client_for, term
):
    second_room = BreakoutRoom.objects.create(workshop=earlier_workshop, name="Room B")
    second_room.facilitators.add(other_facilitator)
    first = CaseAllocation.objects.create(
        workshop=earlier_workshop, room=earlier_workshop.rooms.get(name="Room A"), case=allocations[2].case
    )
    allocation_save(workshop=earlier_workshop, placements={}, second_rooms={first.pk: second_room}, calibration=set())
    review_save(allocation=first, answer=not_ideal(term), by=facilitator, expected_version=0)
    assert 'data-testid="earlier-review"' not in console(client_for(facilitator), room, allocations[2])
    # The second room answers: nothing is sealed any more, and the answer that counts shows.
    second = CaseAllocation.objects.get(first_allocation=first)
    review_save(
        allocation=second,
        answer=ReviewAnswer(True, True, [], None, [term("theme", "WORKFORCE_CAPACITY")]),
        by=other_facilitator,
        expected_version=0,
    )
    page = console(client_for(facilitator), room, allocations[2])
    assert page.count('data-testid="earlier-review"') == 1 and "not ideal" in page


def test_a_later_workshops_review_is_not_shown_as_earlier(
    organisation, room, allocations, facilitator, client_for, term
):
    later = Workshop.objects.create(organisation=organisation, title="Later reviews", date=datetime.date(2026, 9, 1))
    BreakoutRoom.objects.create(workshop=later, name="Room L")
    review_in(later, allocations[0].case, not_ideal(term), facilitator)
    assert 'data-testid="earlier-review"' not in console(client_for(facilitator), room, allocations[0])


def test_earlier_reviews_cost_the_same_queries_however_many_there_are(
    organisation, room, allocations, facilitator, lead, client_for, term
):
    client = client_for(facilitator)

    def add_earlier(month):
        workshop = Workshop.objects.create(
            organisation=organisation, title=f"Reviews {month}", date=datetime.date(2026, month, 1)
        )
        BreakoutRoom.objects.create(workshop=workshop, name="Room")
        review = review_in(workshop, allocations[0].case, not_ideal(term), facilitator)
        services.follow_up_add(review=review, date=timezone.localdate(), outcome="no_change", note="", by=lead)

    add_earlier(1)
    console(client, room, allocations[0])  # the session and the first visit's writes settle
    with CaptureQueriesContext(connection) as one:
        page = console(client, room, allocations[0])
    assert page.count('data-testid="earlier-review"') == 1
    for month in (2, 3, 4):
        add_earlier(month)
    with CaptureQueriesContext(connection) as four:
        page = console(client, room, allocations[0])
    assert page.count('data-testid="earlier-review"') == 4
    assert len(four.captured_queries) == len(one.captured_queries)


# --- one line per child ------------------------------------------------------------------------


def test_a_case_reviewed_by_two_workshops_is_one_line_with_both_outcomes_and_the_latest_follow_up(
    reviewed_before, workshop, allocations, facilitator, lead, viewer, client_for, term
):
    review_save(
        allocation=allocations[0], answer=not_ideal(term, provision="MAINSTREAM"), by=facilitator, expected_version=0
    )
    page = client_for(viewer).get(reverse("follow_up_list")).content.decode()
    lines = re.findall(r'<tr id="case-\d+" data-testid="case-line">(.*?)</tr>', page, re.S)
    assert len(lines) == 1
    line = lines[0]
    assert "C-001" in line and line.count('data-testid="review-outcome"') == 2
    assert "Primary case reviews" in line and workshop.title in line
    assert "Support changed" in line and "Outreach added in June." in line


def test_a_double_review_in_one_workshop_counts_once_and_stays_sealed_from_a_facilitator(
    workshop, room, other_room, allocations, facilitator, other_facilitator, lead, client_for, term
):
    allocation_save(workshop=workshop, placements={}, second_rooms={allocations[0].pk: other_room}, calibration=set())
    review_save(allocation=allocations[0], answer=not_ideal(term), by=facilitator, expected_version=0)
    assert "C-001" not in client_for(other_facilitator).get(reverse("follow_up_list")).content.decode()
    assert "C-001" in client_for(lead).get(reverse("follow_up_list")).content.decode()
    second = CaseAllocation.objects.get(first_allocation=allocations[0])
    review_save(allocation=second, answer=not_ideal(term), by=other_facilitator, expected_version=0)
    page = client_for(other_facilitator).get(reverse("follow_up_list")).content.decode()
    assert page.count('data-testid="case-line"') == 1 and page.count('data-testid="review-outcome"') == 1


# --- scheduling --------------------------------------------------------------------------------


@pytest.fixture
def review(allocations, facilitator, term):
    return review_save(allocation=allocations[0], answer=not_ideal(term), by=facilitator, expected_version=0)


def schedule_url(review):
    return reverse("follow_up_schedule", args=[review.pk])


def test_a_member_schedules_the_next_follow_up_months_after_the_review(review, facilitator, client_for):
    response = client_for(facilitator).post(schedule_url(review), {"when": "6", "back": "list"})
    assert response.status_code == 302 and response.url.endswith(f"#case-{review.allocation.case_id}")
    schedule = ScheduledFollowUp.objects.get()
    reviewed = review.reviewed_at.date()
    assert schedule.due == reviewed.replace(
        year=reviewed.year + (reviewed.month + 6 - 1) // 12, month=(reviewed.month + 6 - 1) % 12 + 1
    )
    assert schedule.scheduled_by == facilitator
    # Scheduling again moves it: one next follow-up per review.
    client_for(facilitator).post(
        schedule_url(review), {"when": "date", "due": str(timezone.localdate() + datetime.timedelta(days=20))}
    )
    assert ScheduledFollowUp.objects.count() == 1
    assert ScheduledFollowUp.objects.get().due == timezone.localdate() + datetime.timedelta(days=20)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"when": "date", "due": "2020-01-01"}, "has passed: give a date from today on"),
        ({"when": "date"}, "Give the date of the next follow-up"),
        ({"when": "date", "due": "next tuesday"}, "Enter the date as a date"),
        ({"when": "24"}, "Select a valid choice"),
        ({}, "Choose 3, 6 or 12 months after the review, or a date."),
        ({"when": "date", "due": "2040-01-01"}, "within five years"),
    ],
)
def test_a_bad_schedule_is_explained_and_changes_nothing(review, lead, client_for, data, message):
    response = client_for(lead).post(schedule_url(review), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScheduledFollowUp.objects.exists()


def test_months_that_have_passed_are_refused_with_the_date_they_came_to(review, lead):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        follow_ups.follow_up_schedule(
            review=review, by=lead, months=3, today=review.reviewed_at.date() + datetime.timedelta(days=200)
        )
    assert "3 months after the review was" in refused.value.messages[0]
    assert not ScheduledFollowUp.objects.exists()


def test_an_ideal_review_is_not_scheduled(allocations, facilitator, lead, client_for, term):
    ideal = review_save(
        allocation=allocations[1],
        answer=ReviewAnswer(True, True, [], None, [term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    page = client_for(lead).post(schedule_url(ideal), {"when": "3"}).content.decode()
    assert "Only a review whose outcome was not ideal is followed up" in page
    assert not ScheduledFollowUp.objects.exists()


def test_a_schedule_is_done_once_a_follow_up_of_its_review_is_recorded_after_it(review, organisation, lead, client_for):
    earlier_follow_up = services.follow_up_add(
        review=review, date=timezone.localdate(), outcome="no_change", note="", by=lead
    )
    schedule = follow_ups.follow_up_schedule(review=review, by=lead, months=3)
    assert earlier_follow_up.recorded_at < schedule.scheduled_at
    until = schedule.due
    assert list(follow_ups.follow_ups_due(organisation, until=until)) == [schedule]  # the earlier one does not count
    assert not follow_ups.follow_ups_due(organisation, until=until - datetime.timedelta(days=1)).exists()
    client_for(lead).post(
        reverse("follow_up_add", args=[review.pk]), {"date": str(timezone.localdate()), "outcome": "moved"}
    )
    assert not follow_ups.follow_ups_due(organisation, until=until).exists()
    assert ScheduledFollowUp.objects.filter(pk=schedule.pk).exists()  # done, not deleted


def test_follow_ups_due_reads_the_case_and_workshop_with_the_schedule(
    review, organisation, lead, django_assert_num_queries
):
    follow_ups.follow_up_schedule(review=review, by=lead, months=12)
    schedules = list(follow_ups.follow_ups_due(organisation, until=timezone.localdate() + datetime.timedelta(days=400)))
    with django_assert_num_queries(0):
        assert [(s.review.allocation.case.reference, s.review.allocation.workshop.title) for s in schedules] == [
            ("C-001", "Secondary case reviews")
        ]


def test_the_due_list_puts_overdue_first_then_the_next_14_days_then_later(
    organisation, allocations, facilitator, viewer, client_for, term
):
    today = timezone.localdate()
    reviews = [
        review_save(allocation=a, answer=not_ideal(term), by=facilitator, expected_version=0) for a in allocations
    ]
    for review, days in zip(reviews, (40, -3, 10), strict=True):
        ScheduledFollowUp.objects.create(
            review=review, due=today + datetime.timedelta(days=days), scheduled_by=facilitator
        )
    page = client_for(viewer).get(reverse("follow_ups_due")).content.decode()
    order = [page.index(f'data-testid="due-{key}"') for key in ("overdue", "soon", "later")]
    assert order == sorted(order)
    overdue, soon, later = (page[i:] for i in order)
    assert overdue.index("C-002") < overdue.index('data-testid="due-soon"')
    assert soon.index("C-003") < soon.index('data-testid="due-later"')
    assert "C-001" in later
    assert "Cancel" not in page and "Record the follow-up" not in page  # a viewer reads only
    assert reverse("follow_ups_due") in client_for(viewer).get(reverse("follow_up_list")).content.decode()


# --- access: the owner LA's lead, a facilitator and a viewer of the LA, an outsider -------------


def test_who_may_schedule_and_cancel(review, lead, facilitator, viewer, outsider, client_for):
    assert client_for(viewer).post(schedule_url(review), {"when": "3"}).status_code == 403
    assert client_for(outsider).post(schedule_url(review), {"when": "3"}).status_code == 404
    assert not ScheduledFollowUp.objects.exists()
    assert client_for(lead).post(schedule_url(review), {"when": "3"}).status_code == 302
    schedule = ScheduledFollowUp.objects.get()
    cancel = reverse("follow_up_schedule_cancel", args=[schedule.pk])
    assert client_for(viewer).post(cancel).status_code == 403
    assert client_for(outsider).post(cancel).status_code == 404
    assert client_for(facilitator).get(cancel).status_code == 405
    assert ScheduledFollowUp.objects.filter(pk=schedule.pk).exists()
    response = client_for(facilitator).post(cancel, {"back": "due"})
    assert response.status_code == 302 and response.url == reverse("follow_ups_due")
    assert not ScheduledFollowUp.objects.exists()


def test_the_due_list_shows_only_the_las_own(review, lead, outsider, client_for):
    follow_ups.follow_up_schedule(review=review, by=lead, months=3)
    assert "C-001" in client_for(lead).get(reverse("follow_ups_due")).content.decode()
    theirs = client_for(outsider).get(reverse("follow_ups_due"))
    assert theirs.status_code == 200 and "C-001" not in theirs.content.decode()
