"""A worker killed in the middle of a report task: the snapshot it was computing is never
half-written (the old figures stay whole), and the figures are recomputed once a worker runs again."""

import pytest
from django.core.cache import cache

from analytics.models import ReportSnapshot
from analytics.snapshots import compute_snapshot, note_read, queued_marker
from bench import dataset
from casereview.models import VocabularyTerm
from tests.live import Processes, app_environment, database_url_of_tests, wait_until
from workshops.models import Case, CaseAllocation, CaseReview
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.mark.worker
def test_a_worker_killed_mid_report_leaves_the_old_snapshot_whole_and_a_new_worker_catches_up(
    postgresql, redis_url, cache_of_its_own, transactional_db, tmp_path
):
    # Enough reviews in one LA that computing its overview takes a while (about a second).
    organisation = dataset.generate(60_000, local_authorities=1)[0]
    before = compute_snapshot(organisation.pk, "all")
    assert before.figures["reviewed"] == 60_000
    note_read(organisation.pk, "all")  # a SEND lead reads it: saves keep it current (and the sweep)

    processes = Processes(tmp_path)
    environment = app_environment(database_url_of_tests(), redis_url, REPORT_SWEEP_SECONDS="1")
    try:
        worker = processes.worker(environment)
        # One more review: after commit, a refresh of "all" is queued for the worker.
        like = (
            CaseReview.objects.select_related("allocation__case", "allocation__workshop")
            .filter(allocation__workshop__organisation=organisation)
            .first()
            .allocation
        )
        case = Case.objects.create(
            organisation=organisation,
            reference="C-EXTRA",
            phase=like.case.phase,
            year_group="9",
            primary_need=like.case.primary_need,
            support_level=like.case.support_level,
            current_provision=like.case.current_provision,
        )
        allocation = CaseAllocation.objects.create(workshop=like.workshop, case=case)
        theme = VocabularyTerm.objects.filter(organisation=organisation, kind="theme").first()
        review_save(allocation=allocation, answer=ReviewAnswer(True, True, themes=[theme]), by=None, expected_version=0)
        marker = queued_marker(organisation.pk, "all")
        assert cache.get(marker) is not None
        # The task clears the marker as it starts: then it is computing. Kill the worker outright.
        wait_until(lambda: cache.get(marker) is None, 60, "the worker to start the report", [worker])
        processes.kill(worker)

        snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
        assert snapshot.computed_at == before.computed_at  # not written at all, so never half-written
        assert snapshot.figures == before.figures and snapshot.charts == before.charts

        # A worker again, with the beat's sweep: it finds the snapshot out of date and recomputes it.
        worker = processes.worker(environment, beat_schedule=tmp_path / "beat-schedule")
        wait_until(
            lambda: ReportSnapshot.objects.get(organisation=organisation, scope="all").figures["reviewed"] == 60_001,
            120,
            "a new worker to recompute the figures",
            [worker],
        )
        recomputed = ReportSnapshot.objects.get(organisation=organisation, scope="all")
        assert recomputed.figures == compute_snapshot(organisation.pk, "all").figures
    finally:
        processes.stop_all()
