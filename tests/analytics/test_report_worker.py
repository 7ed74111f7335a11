"""A real Celery worker on Redis: a saved review reaches the dashboards someone reads without anyone
acting (a save refreshes the scopes read lately, analytics.snapshots.kept_scopes)."""

import pytest
from django.urls import reverse

from analytics.models import ReportSnapshot
from tests.casereview.test_celery_worker import start_worker, stop_worker, wait_for
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.mark.worker
def test_a_saved_review_reaches_the_dashboard_through_a_real_worker(
    postgresql,
    redis_url,
    cache_of_its_own,
    settings,
    transactional_db,
    organisation,
    allocations,
    facilitator,
    viewer,
    term,
    client_for,
):
    assert not settings.CELERY_TASK_ALWAYS_EAGER  # REDIS_URL is set: tasks go to the broker
    worker = start_worker(redis_url, cache_of_its_own)
    reader = client_for(viewer)
    try:
        # A SEND lead has the LA's dashboard, and the one narrowed to mainstream schools, open.
        for scope in ("all", "provision:MSS"):
            assert reader.get(reverse("dashboard"), {"scope": scope}).status_code == 200
        answer = ReviewAnswer(
            True,
            False,
            [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            term("provision", "MAINSTREAM"),
            [term("theme", "WORKFORCE_CAPACITY")],
        )
        review_save(
            allocation=allocations[0], answer=answer, by=facilitator, expected_version=0
        )  # commits; enqueues on commit

        def computed():
            snapshot = ReportSnapshot.objects.filter(organisation=organisation, scope="all").first()
            return snapshot is not None and snapshot.figures["reviewed"] == 1

        wait_for(computed, worker)
        wait_for(
            lambda: ReportSnapshot.objects.filter(organisation=organisation, scope="provision:MSS").exists(), worker
        )
    finally:
        stop_worker(worker)
    page = reader.get(reverse("dashboard")).content.decode()
    assert (
        "Of 1 review of 1 child the rooms agreed on, <strong>1 (100%)</strong> could have had a better outcome" in page
    )
    assert "✓ Up to date" in page
