"""Sealed until answered: until every room given a doubled or calibration case has saved its answer,
nothing a facilitator can read depends on any room's answer to it (docs/design.md, "Agreement
between rooms"). Tried as the outsider did: Room 2's facilitator, before answering, asks every
download with the filter that narrows to the one case, and the dashboard; Room 1 then changes its
answer, and nothing Room 2 can read changes. The lead reads everything (and sees the change)."""

import pytest
from django.urls import reverse

from analytics.report_tables import tables_of
from analytics.snapshots import compute_snapshot
from workshops.models import CaseAllocation
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

ROOM_1_NOTE = "Room one thought the timing was the problem"


def answer_of_room_1(term, *, ideal: bool) -> ReviewAnswer:
    if ideal:
        return ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")], notes=ROOM_1_NOTE)
    return ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "MAINSTREAM"),
        [term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")],
        ROOM_1_NOTE,
    )


def narrowing_scope(allocation) -> str:
    case = allocation.case
    return (
        f"workshop:{allocation.workshop_id},phase:{case.phase.code},primary_need:{case.primary_need.code},"
        f"support_level:{case.support_level.code},provision:{case.current_provision.code}"
    )


def everything_readable(client, organisation, scope_key: str) -> dict[str, bytes]:
    """Every table of the dashboard as CSV, for the scope and for the whole LA."""
    read = {}
    for key in (scope_key, "all"):
        figures = compute_snapshot(organisation.pk, key).figures
        for name in tables_of(figures):
            response = client.get(reverse("dashboard_download", args=[name, "csv"]), {"scope": key})
            # A refusal (404) is the same refusal whatever its page says around it.
            read[f"{key} {name}"] = response.status_code, response.content if response.status_code == 200 else b""
    return read


@pytest.fixture
def doubled(workshop, room, other_room, allocations):
    first = allocations[0]
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    return first, CaseAllocation.objects.get(kind=CaseAllocation.Kind.OTHER_ROOM)


def changes_when_room_1_changes_its_answer(client, organisation, first, facilitator, term, scope_key):
    review_save(allocation=first, answer=answer_of_room_1(term, ideal=False), by=facilitator, expected_version=0)
    before = everything_readable(client, organisation, scope_key)
    review_save(allocation=first, answer=answer_of_room_1(term, ideal=True), by=facilitator, expected_version=1)
    after = everything_readable(client, organisation, scope_key)
    return {name for name in before if before[name] != after[name]}


def test_the_second_room_reads_nothing_that_depends_on_the_first_rooms_answer(
    client_for, organisation, other_facilitator, facilitator, doubled, term
):
    first, _ = doubled
    scope_key = narrowing_scope(first)
    client = client_for(other_facilitator)
    changed = changes_when_room_1_changes_its_answer(client, organisation, first, facilitator, term, scope_key)
    assert changed == set()
    page = client.get(reverse("dashboard"), {"scope": scope_key}).content.decode()
    assert "1 review is hidden until every room has answered it" in page
    assert ROOM_1_NOTE not in page


def test_the_lead_reads_every_answer(client_for, organisation, lead, facilitator, doubled, term):
    first, _ = doubled
    client = client_for(lead)
    changed = changes_when_room_1_changes_its_answer(client, organisation, first, facilitator, term, "all")
    assert {"all outcome", "all themes"} <= changed
    assert "hidden until every room" not in client.get(reverse("dashboard")).content.decode()


def test_once_the_last_room_answers_the_facilitators_see_both_answers(
    client_for, organisation, facilitator, other_facilitator, doubled, term
):
    first, copy = doubled
    review_save(allocation=first, answer=answer_of_room_1(term, ideal=False), by=facilitator, expected_version=0)
    client = client_for(other_facilitator)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 review is hidden" in page
    review_save(allocation=copy, answer=answer_of_room_1(term, ideal=True), by=other_facilitator, expected_version=0)
    page = client.get(reverse("dashboard")).content.decode()
    assert "hidden until every room" not in page
    outcome = client.get(reverse("dashboard_download", args=["outcome", "csv"])).content.decode()
    assert outcome.count("\n") > 1  # the counted answer (Room 1's) is in the figures again


def test_a_calibration_case_is_sealed_until_every_room_has_answered(
    client_for, organisation, workshop, facilitator, other_facilitator, room, other_room, allocations, term
):
    first = allocations[0]
    allocation_save(workshop=workshop, placements={}, second_rooms={}, calibration={first.pk})
    client = client_for(other_facilitator)
    changed = changes_when_room_1_changes_its_answer(
        client, organisation, first, facilitator, term, narrowing_scope(first)
    )
    assert changed == set()


def test_a_case_reviewed_by_one_room_only_is_not_sealed(client_for, organisation, facilitator, allocations, term):
    review_save(
        allocation=allocations[1], answer=answer_of_room_1(term, ideal=True), by=facilitator, expected_version=0
    )
    page = client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert "hidden until every room" not in page
