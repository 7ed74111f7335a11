"""A review keeps the case's phase, primary need and support level as they were when it was
reviewed, like its provision: re-importing the case (a new phase, an EHCP issued) moves no past
review, and it still changes the snapshot fingerprint, so no dashboard keeps old figures as fresh."""

import importlib

from django.apps import apps

from analytics.reports import build_report
from analytics.scopes import Scope
from analytics.selectors import data_fingerprint
from tests.fixtures import make_case
from workshops.imports import case_import
from workshops.models import CaseAllocation, CaseReview
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def reviewed_case(organisation, term, workshop, room, facilitator):
    allocation = CaseAllocation.objects.create(
        workshop=workshop, room=room, case=make_case(organisation, term, "C-001", "MAINSTREAM")
    )
    answer = ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "RESOURCED"),
        [term("theme", "WORKFORCE_CAPACITY")],
    )
    return review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)


def reimport(organisation, workshop):
    """The same child a year on: post-16, SEMH, on SEN support, in mainstream."""
    data = (
        b"reference,phase,year_group,primary_need,support_level,current_provision\n"
        b"C-001,Post-16,12,SEMH,SEN support,Mainstream\n"
    )
    case_import(organisation=organisation, workshop=workshop, filename="cases.csv", data=data)


def test_the_review_stores_the_case_as_it_was(organisation, term, workshop, room, facilitator):
    review = reviewed_case(organisation, term, workshop, room, facilitator)
    assert (review.phase_at_review.code, review.primary_need_at_review.code, review.support_level_at_review.code) == (
        "SECONDARY",
        "ASD",
        "EHCP",
    )


def test_re_importing_the_case_moves_no_past_review(organisation, term, workshop, room, facilitator):
    reviewed_case(organisation, term, workshop, room, facilitator)
    reimport(organisation, workshop)
    figures = build_report(organisation, Scope())
    assert [(r["key"], r["analysed"]) for r in figures["breakdowns"]["phase"]] == [("SECONDARY", 1)]
    assert [(r["key"], r["analysed"]) for r in figures["breakdowns"]["primary_need"]] == [("ASD", 1)]
    assert [(r["key"], r["analysed"]) for r in figures["breakdowns"]["support_level"]] == [("EHCP", 1)]
    assert build_report(organisation, Scope.of(phase="SECONDARY"))["analysed"] == 1
    assert build_report(organisation, Scope.of(phase="POST16"))["analysed"] == 0


def test_a_change_to_a_reviewed_case_changes_the_fingerprint(organisation, term, workshop, room, facilitator):
    reviewed_case(organisation, term, workshop, room, facilitator)
    before = data_fingerprint(organisation, Scope())
    reimport(organisation, workshop)
    assert data_fingerprint(organisation, Scope()) != before


def test_the_migration_fills_the_fields_from_the_cases_values_of_today(organisation, term, workshop, room, facilitator):
    review = reviewed_case(organisation, term, workshop, room, facilitator)
    CaseReview.objects.filter(pk=review.pk).update(
        phase_at_review=term("phase", "PRIMARY"),
        primary_need_at_review=term("primary_need", "SEMH"),
        support_level_at_review=term("support_level", "SEN_SUPPORT"),
    )
    migration = importlib.import_module("workshops.migrations.0004_casereview_case_at_review")
    migration.fill_from_the_case(apps, None)
    review.refresh_from_db()
    assert (review.phase_at_review.code, review.primary_need_at_review.code, review.support_level_at_review.code) == (
        "SECONDARY",
        "ASD",
        "EHCP",
    )


def moment(review) -> tuple:
    review.refresh_from_db()
    return (
        review.phase_at_review.code,
        review.primary_need_at_review.code,
        review.support_level_at_review.code,
        review.provision_at_review.code,
    )


def test_editing_an_old_review_keeps_its_moment(organisation, term, workshop, room, facilitator):
    review = reviewed_case(organisation, term, workshop, room, facilitator)
    reimport(organisation, workshop)
    edited = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")], notes="The outcome changes")
    review_save(allocation=review.allocation, answer=edited, by=facilitator, expected_version=1)
    assert moment(review) == ("SECONDARY", "ASD", "EHCP", "MAINSTREAM")
    assert build_report(organisation, Scope.of(phase="POST16"))["analysed"] == 0


def test_a_moderated_answer_takes_the_moment_the_rooms_reviewed(
    organisation, term, workshop, room, other_room, facilitator, other_facilitator, lead
):
    from workshops.agreement.services import moderation_save
    from workshops.services.allocation import allocation_save

    first = reviewed_case(organisation, term, workshop, room, facilitator).allocation
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    other = CaseAllocation.objects.get(kind=CaseAllocation.Kind.OTHER_ROOM)
    ideal = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    review_save(allocation=other, answer=ideal, by=other_facilitator, expected_version=0)
    reimport(organisation, workshop)  # the case moves on before the panel meets
    moderated = moderation_save(
        first=first, answer=ideal, reason="The panel agreed with Room 2", by=lead, expected_version=0
    )
    assert moment(moderated) == ("SECONDARY", "ASD", "EHCP", "MAINSTREAM")
    assert build_report(organisation, Scope.of(phase="SECONDARY"))["analysed"] == 1
    assert build_report(organisation, Scope.of(phase="POST16"))["analysed"] == 0


def test_the_migration_repairs_a_moderated_answer_stored_with_the_case_as_it_was_moderated(
    organisation, term, workshop, room, other_room, facilitator, other_facilitator, lead, capsys
):
    from workshops.agreement.services import moderation_save
    from workshops.services.allocation import allocation_save

    first = reviewed_case(organisation, term, workshop, room, facilitator).allocation
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    ideal = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    moderated = moderation_save(first=first, answer=ideal, reason="The panel decided", by=lead, expected_version=0)
    # As the code before it stored it: the case as it was at moderation.
    CaseReview.objects.filter(pk=moderated.pk).update(phase_at_review=term("phase", "POST16"))
    migration = importlib.import_module("workshops.migrations.0009_moderated_answers_keep_the_rooms_moment")
    migration.repair(apps, None)
    assert moment(moderated)[0] == "SECONDARY"
    assert "Repaired 1 moderated answer(s)" in capsys.readouterr().out
    migration.repair(apps, None)  # run again: nothing left to repair
    assert "Repaired" not in capsys.readouterr().out
