"""A worker killed while it holds a refresh (taken from the queue, waiting for its countdown) does
not leave the dashboards stale for the broker's visibility timeout or a ten-minute "queued" marker:
a new worker and the beat's sweep redo it within one sweep period of the restart (issue 34).

The worker runs on a Redis of the test's own, so the message the killed worker leaves behind can
never reach another test's worker."""

import os
import subprocess
import sys
import time

import pytest
import redis

from analytics.models import ReportSnapshot
from analytics.scopes import Scope
from analytics.selectors import data_fingerprint
from analytics.snapshots import COALESCE_SECONDS, compute_snapshot, queued_marker
from casereview.cache import ReusingRedisCache
from tests.live import PROJECT, OwnRedis, Processes, database_url_of_tests, wait_until
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

# The beat's default, as in production: the promise is catch-up within one sweep period.
REPORT_SWEEP_SECONDS = 60
# A sweep's run and the report themselves, on a shared two-core machine.
SLACK_SECONDS = 20
# Kombu's names in Redis: the queue's list, and the hash of messages taken and not acknowledged.
CELERY_QUEUE = "celery"
CELERY_UNACKED = "unacked"


def fresh(organisation) -> bool:
    snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
    return snapshot.fingerprint == data_fingerprint(organisation, Scope())


def waiting_on_the_queue(broker) -> bool:
    """Whether a worker is connected and waiting for messages (kombu's Redis transport: a BRPOP)."""
    return any(client.get("cmd") == "brpop" for client in broker.client_list())


@pytest.mark.worker
def test_a_refresh_held_by_a_killed_worker_is_redone_within_a_sweep_period_of_the_restart(
    postgresql,
    redis_url,
    cache_of_its_own,
    transactional_db,
    tmp_path,
    monkeypatch,
    organisation,
    allocations,
    facilitator,
):
    own = OwnRedis(tmp_path)
    own.start()
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "REDIS_URL": own.url,
        "CACHE_KEY_PREFIX": cache_of_its_own,
        "DATABASE_URL": database_url_of_tests(),
        "REPORT_SWEEP_SECONDS": str(REPORT_SWEEP_SECONDS),
    }
    broker = redis.Redis.from_url(own.url)
    cache = ReusingRedisCache(own.url, {"KEY_PREFIX": cache_of_its_own})  # what the worker's cache reads
    processes = Processes(tmp_path)
    try:
        compute_snapshot(organisation.pk, "all")
        # The review is saved here; its refresh is asked for below, by a process on the test's Redis.
        monkeypatch.setattr("analytics.snapshots.request_refresh", lambda *args, **kwargs: None)
        review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
        assert not fresh(organisation)

        worker = processes.worker(environment)
        ask = (
            "from analytics.snapshots import request_refresh; "
            f"request_refresh({organisation.pk}, ['all'])"  # as a save does: run in COALESCE_SECONDS
        )
        asked = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", ask],
            cwd=PROJECT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert asked.returncode == 0, asked.stderr
        saved = time.monotonic()
        # The worker has taken the message (out of the queue, not acknowledged) and waits for its countdown.
        wait_until(
            lambda: broker.llen(CELERY_QUEUE) == 0 and broker.hlen(CELERY_UNACKED) == 1,
            60,
            "the worker to take the refresh",
            [worker],
        )
        processes.kill(worker)  # kill -9, the whole process group
        killed = time.monotonic()
        assert cache.get(queued_marker(organisation.pk, "all")) is not None  # the marker it leaves behind
        assert broker.hlen(CELERY_UNACKED) == 1  # and the message, unacknowledged

        worker = processes.worker(environment, beat_schedule=tmp_path / "beat-schedule")
        restarted = time.monotonic()
        # Up once it waits on the queue (the killed worker's connections closed with it): the promise runs from then.
        wait_until(lambda: waiting_on_the_queue(broker), 60, "the new worker to start", [worker])
        ready = time.monotonic()
        wait_until(
            lambda: fresh(organisation),
            REPORT_SWEEP_SECONDS + SLACK_SECONDS,
            "the figures to be current again after the restart",
            [worker],
        )
        recovered = time.monotonic()
    finally:
        processes.stop_all()
        own.stop()
    print(
        f"\nkilled {killed - saved:.1f} s after the refresh was asked for (countdown {COALESCE_SECONDS} s); "
        f"new worker up {ready - restarted:.1f} s after its start; figures current {recovered - ready:.1f} s after "
        f"it was up, {recovered - restarted:.1f} s after the restart, {recovered - saved:.1f} s after the save "
        f"(sweep every {REPORT_SWEEP_SECONDS} s)"
    )
    snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
    assert snapshot.figures["reviewed"] == 1
