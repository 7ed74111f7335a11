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
from workshops.services import ReviewAnswer, review_save


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
    data = b"reference,phase,year_group,primary_need,support_level,current_provision\nC-001,Post-16,12,SEMH,SEN support,Mainstream\n"
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
