"""import_reviews takes several reviews of one case in one workshop when each names a different
room (a double review on paper); otherwise every such row is refused with its line, nothing imported."""

import pytest

from analytics.reports import build_report
from analytics.scopes import Scope
from casereview.uploads import ImportRejected
from tests.fixtures import make_case
from workshops.imports import review_import
from workshops.models import CaseAllocation, CaseReview

HEADER = "reference,workshop,room,consensus,ideal_outcome,non_ideal_areas,better_provision,themes,notes"


@pytest.fixture
def cases(organisation, term, workshop):
    return [make_case(organisation, term, reference) for reference in ("C-001", "C-002")]


def run(organisation, *rows):
    return review_import(organisation=organisation, filename="reviews.csv", data="\n".join([HEADER, *rows]).encode())


def test_two_rooms_reviews_of_one_case_are_both_imported_and_the_case_counts_once(organisation, workshop, cases):
    assert (
        run(
            organisation,
            "C-001,Secondary case reviews,Room A,yes,no,Timing of support,MAINSTREAM,Workforce capacity,",
            "C-001,Secondary case reviews,Room B,yes,yes,,,Workforce capacity,",
            "C-002,Secondary case reviews,Room A,no,,,,,",
        )
        == 3
    )
    first = CaseAllocation.objects.get(case__reference="C-001", kind="first")
    copy = CaseAllocation.objects.get(case__reference="C-001", kind="another_room")
    assert (first.room.name, copy.room.name, copy.first_allocation) == ("Room A", "Room B", first)
    assert CaseReview.objects.count() == 3
    report = build_report(organisation, Scope())
    assert report["reviewed"] == 2 and report["outcome"]["non_ideal"] == 1  # Room A's answer counts
    assert report["agreement"]["cases"] == 1 and report["agreement"]["awaiting_moderation"] == 1


def test_a_second_rooms_review_joins_one_already_recorded(organisation, workshop, cases):
    run(organisation, "C-001,Secondary case reviews,Room A,no,,,,,")
    run(organisation, "C-001,Secondary case reviews,Room B,no,,,,,")
    assert sorted(CaseAllocation.objects.values_list("kind", "room__name")) == [
        ("another_room", "Room B"),
        ("first", "Room A"),
    ]


def test_a_case_allocated_to_a_room_not_yet_reviewed_moves_to_the_room_on_paper(
    organisation, workshop, room, allocations
):
    run(organisation, "C-001,Secondary case reviews,Room 9,no,,,,,")
    allocation = CaseAllocation.objects.get(case__reference="C-001")
    assert allocation.kind == "first" and allocation.room.name == "Room 9" and allocation.review


def test_the_same_room_twice_or_a_review_without_its_room_is_refused_with_every_line(organisation, workshop, cases):
    run(organisation, "C-002,Secondary case reviews,Room A,no,,,,,")
    with pytest.raises(ImportRejected) as rejected:
        run(
            organisation,
            "C-001,Secondary case reviews,Room A,no,,,,,",
            "C-001,Secondary case reviews,room a,no,,,,,",  # the same room again
            "C-001,Secondary case reviews,,no,,,,,",  # which room?
            "C-002,Secondary case reviews,Room A,no,,,,,",  # Room A has already reviewed it
            "C-002,Secondary case reviews,Room B,no,,,,,",  # fine on its own
        )
    problems = [str(problem) for problem in rejected.value.problems]
    assert "Line 3: C-001 in “Secondary case reviews” from room a is also on line 2." in problems
    assert (
        "Line 4: C-001 in “Secondary case reviews” has another review on line 2: name the room of each; "
        "several reviews of one case in one workshop must come from different rooms."
    ) in problems
    assert (
        "Line 5: C-002 already has a review from Room A in “Secondary case reviews”; change it in the room console."
        in problems
    )
    assert len(problems) == 3
    assert CaseReview.objects.count() == 1 and CaseAllocation.objects.count() == 1
