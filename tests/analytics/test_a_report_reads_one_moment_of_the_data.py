"""A report's queries all read one moment of the data: a review saved while a report is being
computed is in all of its figures or in none (never a theme named by more reviews than were
analysed, which once made a share above 100% and an interval of NaN that PostgreSQL refused)."""

import threading

import pytest
from django.db import connection

from analytics import selectors
from analytics.reports import build_report
from analytics.scopes import Scope
from tests.fixtures import make_case
from workshops.models import CaseAllocation
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def save(organisation, term, workshop, facilitator, reference):
    allocation = CaseAllocation.objects.create(workshop=workshop, case=make_case(organisation, term, reference))
    answer = ReviewAnswer(True, True, [], None, [term("theme", "WORKFORCE_CAPACITY")])
    review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)


@pytest.mark.django_db(transaction=True)
def test_a_review_saved_during_a_report_is_in_all_of_its_figures_or_none(
    postgresql, organisation, term, workshop, facilitator, monkeypatch
):
    save(organisation, term, workshop, facilitator, "C-001")
    counts_of_terms = selectors.review_term_children

    def meanwhile(*args, **kwargs):
        # Another request commits a review between the outcome's query and the themes' query.
        if not getattr(meanwhile, "done", False):
            meanwhile.done = True
            other = threading.Thread(
                target=lambda: (save(organisation, term, workshop, facilitator, "C-002"), connection.close())
            )
            other.start()
            other.join()
        return counts_of_terms(*args, **kwargs)

    monkeypatch.setattr(selectors, "review_term_children", meanwhile)
    figures = build_report(organisation, Scope())
    workforce = next(row for row in figures["themes"] if row["code"] == "WORKFORCE_CAPACITY")
    assert meanwhile.done and figures["analysed"] == 1
    assert (workforce["count"], workforce["share"]) == (1, 1.0)
    assert build_report(organisation, Scope())["analysed"] == 2  # and the next report has it everywhere
