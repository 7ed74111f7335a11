"""In every report but agreement, a case several rooms reviewed counts once: its moderated answer,
or until moderated the first room's (and, if the first room never answered, the earliest other
room's). The report's JSON keeps its shape, with ``agreement`` added."""

import io

import pytest
from django.core.management import call_command

from analytics.reports import build_report
from analytics.scopes import Scope
from workshops.agreement.services import moderation_save
from workshops.models import CaseAllocation
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def answers(term):
    not_ideal = ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "MAINSTREAM"),
        [term("theme", "WORKFORCE_CAPACITY")],
    )
    ideal = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    return {"not_ideal": not_ideal, "ideal": ideal}


@pytest.fixture
def doubled(workshop, room, other_room, allocations):
    """C-001 in Room 1, sent blind to Room 2 as well; C-002 and C-003 in Room 1 only."""
    allocation_save(workshop=workshop, placements={}, second_rooms={allocations[0].pk: other_room}, calibration=set())
    return allocations[0], CaseAllocation.objects.get(kind="another_room")


def outcome(organisation, scope=None):
    report = build_report(organisation, scope or Scope())
    return report["reviewed"], report["outcome"]["ideal"], report["outcome"]["non_ideal"]


def test_the_first_rooms_answer_counts_until_moderated_then_the_moderated_one(
    organisation, workshop, doubled, allocations, answers, facilitator, other_facilitator, lead
):
    first, copy = doubled
    review_save(allocation=first, answer=answers["not_ideal"], by=facilitator, expected_version=0)
    review_save(allocation=copy, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    review_save(allocation=allocations[1], answer=answers["ideal"], by=facilitator, expected_version=0)
    # Three reviews stored of two cases: two counted, C-001 by Room 1's "not ideal".
    assert outcome(organisation) == (2, 1, 1)
    assert outcome(organisation, Scope.of(workshop=workshop.pk)) == (2, 1, 1)
    report = build_report(organisation, Scope())
    assert report["agreement"]["awaiting_moderation"] == 1
    assert (
        report["breakdowns"]["room"][0]["reviewed"] == 2 and len(report["breakdowns"]["room"]) == 1
    )  # Room 2's answer not counted

    moderation_save(
        first=first, answer=answers["ideal"], reason="The panel agreed with Room 2", by=lead, expected_version=0
    )
    assert outcome(organisation) == (2, 2, 0)  # still two cases, C-001 now by its moderated answer
    report = build_report(organisation, Scope())
    assert report["agreement"]["awaiting_moderation"] == 0
    assert report["agreement"]["disagreements"][0]["moderated"] == "Ideal"


def test_a_second_room_answering_first_does_not_push_the_first_room_out_later(
    organisation, doubled, answers, facilitator, other_facilitator
):
    first, copy = doubled
    review_save(allocation=copy, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    # The first room has not answered: the case counts by the answer there is.
    assert outcome(organisation) == (1, 1, 0)
    review_save(allocation=first, answer=answers["not_ideal"], by=facilitator, expected_version=0)
    assert outcome(organisation) == (1, 0, 1)  # now the first room's
    copy.refresh_from_db()
    assert not copy.counts_in_reports


def test_a_calibration_case_every_room_reviewed_counts_once(
    organisation, workshop, room, other_room, allocations, answers, facilitator, other_facilitator
):
    allocation_save(workshop=workshop, placements={}, second_rooms={}, calibration={allocations[0].pk})
    review_save(allocation=allocations[0], answer=answers["ideal"], by=facilitator, expected_version=0)
    review_save(
        allocation=CaseAllocation.objects.get(kind="another_room"),
        answer=answers["ideal"],
        by=other_facilitator,
        expected_version=0,
    )
    assert outcome(organisation) == (1, 1, 0)
    assert build_report(organisation, Scope())["agreement"]["cases"] == 1


def test_the_report_keeps_its_shape_with_agreement_added(
    organisation, doubled, answers, facilitator, other_facilitator
):
    first, copy = doubled
    review_save(allocation=first, answer=answers["not_ideal"], by=facilitator, expected_version=0)
    review_save(allocation=copy, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    report = build_report(organisation, Scope())
    for key in (
        "reviewed",
        "excluded",
        "analysed",
        "outcome",
        "non_ideal_areas",
        "themes",
        "provision",
        "provision_crosstab",
        "breakdowns",
        "disciplines",
        "polls",
        "process_maps",
        "combined_themes",
        "agreement",
    ):
        assert key in report, key
    assert set(report["outcome"]) >= {"ideal", "non_ideal", "ideal_share", "non_ideal_share", "ci95", "n", "small"}
    agreement = report["agreement"]
    assert set(agreement) == {"cases", "outcome", "better_provision", "disagreements", "awaiting_moderation"}
    for key in ("outcome", "better_provision"):
        assert set(agreement[key]) >= {"cases", "percent", "kappa", "ci95", "reason"}
    # One case in common: percent agreement, but no κ (with the reason), as the JSON promises.
    assert agreement["cases"] == 1 and agreement["outcome"]["percent"] == 0.0
    assert (
        agreement["outcome"]["kappa"] is None
        and agreement["outcome"]["ci95"] is None
        and agreement["outcome"]["reason"]
    )
    assert agreement["better_provision"]["cases"] == 0 and agreement["better_provision"]["kappa"] is None
    assert agreement["disagreements"] == [
        {
            "reference": "C-001",
            "workshop": "Secondary case reviews",
            "workshop_id": first.workshop_id,
            "rooms": {"Room 1": "Not ideal, better: Mainstream school or academy", "Room 2": "Ideal"},
            "on": ["outcome"],
            "moderated": None,
        }
    ]
    assert agreement["awaiting_moderation"] == 1


def test_two_rooms_with_no_case_in_common_have_no_agreement_figures(
    organisation, workshop, room, other_room, allocations, other_allocation, answers, facilitator, other_facilitator
):
    review_save(allocation=allocations[0], answer=answers["ideal"], by=facilitator, expected_version=0)
    review_save(allocation=other_allocation, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    agreement = build_report(organisation, Scope())["agreement"]
    assert agreement["cases"] == 0 and agreement["outcome"]["kappa"] is None
    assert agreement["outcome"]["reason"].startswith("Too few cases to estimate agreement beyond chance")


def test_the_report_command_prints_agreement_too(organisation, doubled, answers, facilitator, other_facilitator):
    first, copy = doubled
    review_save(allocation=first, answer=answers["not_ideal"], by=facilitator, expected_version=0)
    review_save(allocation=copy, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    out = io.StringIO()
    call_command("report", "--org", "northshire", stdout=out)
    text = out.getvalue()
    assert "Reviewed 1 (1 child), excluded (no consensus) 0, analysed 1 (1 child)." in text
    assert "Agreement between rooms (1 cases reviewed by two or more rooms):" in text
    assert "  outcome: 0 of 1 agreed; Too few cases" in text
    assert "Disagreements awaiting moderation: 1" in text


def test_the_rooms_rows_add_up_to_the_total_with_the_moderated_answers_in_a_row_of_their_own(
    organisation, doubled, allocations, answers, facilitator, other_facilitator, lead
):
    first, copy = doubled
    review_save(allocation=first, answer=answers["not_ideal"], by=facilitator, expected_version=0)
    review_save(allocation=copy, answer=answers["ideal"], by=other_facilitator, expected_version=0)
    review_save(allocation=allocations[1], answer=answers["ideal"], by=facilitator, expected_version=0)
    moderation_save(first=first, answer=answers["ideal"], reason="The panel agreed", by=lead, expected_version=0)
    report = build_report(organisation, Scope())
    rows = report["breakdowns"]["room"]
    assert sum(row["analysed"] for row in rows) == report["analysed"] == 2
    assert sum(row["reviewed"] for row in rows) == report["reviewed"]
    assert [(row["label"], row["analysed"]) for row in rows][-1] == ("Moderated answers (no room)", 1)
    between_rooms = next(c for c in report["comparisons"] if c["by"] == "room")
    assert between_rooms["analysed"] == 1 and between_rooms["left_out"] == 1
    assert "1 moderated answer is not a room's judgement and is left out of this comparison" in between_rooms["words"]
