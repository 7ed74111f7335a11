"""A case's first review answered with the next case, as the workshop day's facilitators send it
(htmx, a session due its renewal), costs at most ten SQL statements, and keeps every guarantee of
the write path: the version check, the audit row, the areas and themes, which review counts
(issue 37, docs/benchmarks.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casereview.sessions import TOUCHED_KEY
from tests.fixtures import not_ideal_post
from workshops.models import CaseAllocation, CaseReview, ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import ReviewConflict, review_save

HTMX = {"HTTP_HX_REQUEST": "true"}


def statements_of_save(client, room, allocation, data) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/rooms/{room.pk}/cases/{allocation.pk}/review/", data, **HTMX)
    assert response.status_code == 200 and "HX-Push-Url" in response.headers
    # Every statement, as production sends them: in a test, a transaction of the view's is a
    # SAVEPOINT and its RELEASE, where production sends BEGIN and COMMIT.
    return [query["sql"] for query in queries.captured_queries]


def ideal_post(term):
    return {
        "action": "save",
        "version": 0,
        "ideal_outcome": "yes",
        "themes": [term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM").pk],
        "notes": "",
    }


@pytest.mark.parametrize("answer", ["not ideal", "ideal"])
def test_a_first_review_answered_with_the_next_case_costs_at_most_ten_statements(
    client_for, facilitator, room, allocations, term, answer
):
    client = client_for(facilitator)  # signed in just now: the first request renews the session, as the day's do
    data = not_ideal_post(term) if answer == "not ideal" else ideal_post(term)
    statements = statements_of_save(client, room, allocations[0], data)
    assert len(statements) <= 10, "\n".join(statements)
    assert not [sql for sql in statements if sql.startswith(("BEGIN", "SAVEPOINT"))], "\n".join(statements)
    # What the answer with the next case shows, and everything the save stores.
    page = client.get(f"/rooms/{room.pk}/cases/{allocations[1].pk}/", **HTMX).content.decode()
    assert "Case C-002" in page
    review = CaseReview.objects.get(allocation=allocations[0])
    assert review.version == 1 and review.reviewed_by == facilitator
    assert review.provision_at_review.code == "MSS"
    assert [term.code for term in review.themes.all()] == ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"]
    if answer == "not ideal":
        assert sorted(term.code for term in review.non_ideal_areas.all()) == ["TIMING_OF_SUPPORT", "TYPE_OF_PROVISION"]
    audit = ReviewAudit.objects.get(review=review)
    assert (audit.version, audit.changed_by, audit.source) == (1, facilitator, "console")
    assert audit.changes["Consensus reached"] == [None, "Yes"]
    room.refresh_from_db()
    assert room.current_allocation == allocations[1]
    assert client.session[TOUCHED_KEY]  # the session was renewed


def test_the_next_case_is_answered_from_what_the_save_read(client_for, facilitator, room, allocations, term):
    """The room's lines are read once, before the save, with each case's review: neither the room's
    cases, nor the next case's review, nor its earlier workshops' reviews (it has none) again."""
    client = client_for(facilitator)
    statements = statements_of_save(client, room, allocations[0], not_ideal_post(term))
    reads_of_cases = [sql for sql in statements if sql.startswith('SELECT "workshops_caseallocation".')]
    assert len(reads_of_cases) == 1
    assert not [sql for sql in statements if sql.startswith('SELECT "workshops_casereview".')]
    assert len([sql for sql in statements if 'FROM "casereview_vocabularyterm"' in sql]) == 1


def test_a_session_is_renewed_in_one_statement(client_for, facilitator, room, allocations):
    client = client_for(facilitator)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/rooms/{room.pk}/")
    statements = [query["sql"] for query in queries.captured_queries]
    assert [sql.split()[0] for sql in statements if "django_session" in sql] == ["SELECT", "UPDATE"]
    assert not [sql for sql in statements if sql.startswith(("BEGIN", "SAVEPOINT"))], "\n".join(statements)
    assert client.session[TOUCHED_KEY]
    assert client.get(f"/rooms/{room.pk}/").status_code == 200  # still signed in


def answer_of(term) -> ReviewAnswer:
    return ReviewAnswer(
        consensus_reached=True,
        ideal_outcome=False,
        non_ideal_areas=[term("non_ideal_area", "TYPE_OF_PROVISION")],
        better_provision=term("provision", "MAINSTREAM"),
        themes=[term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")],
        notes="",
    )


def test_a_second_first_save_of_a_case_is_a_conflict_never_an_overwrite(facilitator, lead, allocations, term):
    allocation = CaseAllocation.objects.select_related("workshop", "case__phase").get(pk=allocations[0].pk)
    saved = review_save(allocation=allocation, answer=answer_of(term), by=facilitator, expected_version=0)
    again = CaseAllocation.objects.select_related("workshop").get(pk=allocations[0].pk)
    with pytest.raises(ReviewConflict) as conflict:
        review_save(allocation=again, answer=answer_of(term), by=lead, expected_version=0)
    assert conflict.value.current.pk == saved.pk
    assert CaseReview.objects.get().reviewed_by == facilitator
    assert ReviewAudit.objects.count() == 1


def test_a_first_room_saving_after_a_second_room_counts_again(
    facilitator, other_facilitator, allocations, other_room, term
):
    """A case another room reviews too is saved under the case's locks, which settle which review
    counts: the first room's, once it has one."""
    first = allocations[0]
    second = CaseAllocation.objects.create(
        workshop=first.workshop,
        case=first.case,
        room=other_room,
        kind=CaseAllocation.Kind.OTHER_ROOM,
        first_allocation=first,
        counts_in_reports=False,
    )
    review_save(allocation=second, answer=answer_of(term), by=other_facilitator, expected_version=0)
    first.refresh_from_db()
    assert CaseAllocation.objects.get(pk=second.pk).counts_in_reports and not first.counts_in_reports
    review_save(allocation=first, answer=answer_of(term), by=facilitator, expected_version=0)
    assert CaseAllocation.objects.get(pk=first.pk).counts_in_reports
    assert not CaseAllocation.objects.get(pk=second.pk).counts_in_reports
