"""Both rooms of a double-reviewed case press Save at the same moment: both reviews are stored,
and exactly one counts in the reports, the first room's (every allocation of the case is locked
while it is settled, so neither save decides on what the other has not committed yet)."""

import threading

from django.db import connection

from workshops.models import CaseAllocation, CaseReview
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def test_simultaneous_saves_by_both_rooms_leave_the_first_rooms_review_counted(
    postgresql, transactional_db, workshop, room, other_room, allocations, facilitator, other_facilitator
):
    allocation_save(
        workshop=workshop, placements={}, second_rooms={a.pk: other_room for a in allocations}, calibration=set()
    )
    for first in allocations:  # several rounds: a race lost once would show
        copy = CaseAllocation.objects.get(first_allocation=first)
        barrier = threading.Barrier(2)
        errors = []

        def save(allocation, person):
            try:
                barrier.wait()
                review_save(allocation=allocation, answer=ReviewAnswer(False), by=person, expected_version=0)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=save, args=args) for args in ((first, facilitator), (copy, other_facilitator))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors
        assert CaseReview.objects.filter(allocation__in=[first, copy]).count() == 2
        counted = list(CaseAllocation.objects.filter(pk__in=[first.pk, copy.pk], counts_in_reports=True))
        assert counted == [first]
