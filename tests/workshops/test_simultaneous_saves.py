"""Two facilitators press Save on the same case at the same moment: one wins, the other is told;
nothing is silently overwritten (the allocation row lock serialises them)."""

import threading

from django.db import connection

from workshops.models import CaseReview, ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import ReviewConflict, review_save


def test_simultaneous_first_saves_store_one_review_and_report_one_conflict(
    postgresql, transactional_db, allocations, facilitator, lead
):
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(person, notes):
        try:
            barrier.wait()
            review_save(
                allocation=allocations[0], answer=ReviewAnswer(False, notes=notes), by=person, expected_version=0
            )
            outcomes[notes] = "saved"
        except ReviewConflict:
            outcomes[notes] = "conflict"
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=save, args=args) for args in ((facilitator, "first"), (lead, "second"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    review = CaseReview.objects.get()
    winner = next(notes for notes, outcome in outcomes.items() if outcome == "saved")
    assert (review.notes, review.version) == (winner, 1)
    assert ReviewAudit.objects.count() == 1
