"""/health/ reads each dependency itself, so none can look fine while it is down (issue 34): the
cache fails open and used to say "ok" with Redis gone. Redis and PostgreSQL here are the test's
own, really stopped."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from analytics import snapshots, tasks
from casereview.tasks import HEARTBEAT_KEY, worker_heartbeat
from tests.live import OwnRedis, Processes, app_environment, wait_until


def health(client):
    response = client.get("/health/")
    return response.status_code, response.json()


@pytest.fixture
def own_redis_as_everything(settings, tmp_path, redis_url, cache_of_its_own):
    """The app's cache, broker and REDIS_URL all on a Redis of the test's own."""
    own = OwnRedis(tmp_path)
    own.start()
    settings.REDIS_URL = own.url
    settings.CELERY_BROKER_URL = own.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own.url}}
    yield own
    own.stop()


def test_with_redis_stopped_it_says_degraded_and_redis_unavailable(client, db, own_redis_as_everything):
    worker_heartbeat()
    status, body = health(client)
    assert status == 200 and body["status"] == "ok", body
    assert body["redis"]["state"] == body["broker"]["state"] == body["cache"] == "ok"

    own_redis_as_everything.stop()
    asked = time.monotonic()
    status, body = health(client)
    took = time.monotonic() - asked
    assert status == 200, body  # the site still serves: not a reason to take web out
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["cache"] == "unavailable"
    assert body["redis"]["state"] == "unavailable" and body["broker"]["state"] == "unavailable"
    assert isinstance(body["redis"]["ms"], float) and body["redis"]["ms"] < 1000
    assert body["worker"]["state"] == "unavailable"  # its heartbeat cannot be read
    assert took < 2  # a probe with a short timeout, however many callers

    own_redis_as_everything.start()  # the same port, empty
    back = time.monotonic()
    wait_until(lambda: health(client)[1]["redis"]["state"] == "ok", 15, "/health/ to see Redis again")
    redis_seen = time.monotonic() - back

    def heartbeat_seen():
        # What a worker does every minute; the cache stays away from Redis for a few seconds after a
        # failure (casereview/cache.py), so the first may be dropped.
        worker_heartbeat()
        return health(client)[1]["status"] == "ok"

    wait_until(heartbeat_seen, 15, "/health/ to say ok again")
    print(
        f"\n/health/ with Redis stopped answered in {took * 1000:.0f} ms (PING {body['redis']['ms']} ms); "
        f"Redis seen again {redis_seen:.2f} s after it restarted, status ok {time.monotonic() - back:.2f} s after"
    )


def test_with_no_recent_heartbeat_the_worker_is_unavailable_and_status_degraded(client, db, redis_url):
    cache.delete(HEARTBEAT_KEY)
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["worker"] == {"last_seen": None, "seconds_ago": None, "state": "unavailable"}

    long_ago = (timezone.now() - timedelta(minutes=4)).isoformat()
    cache.set(HEARTBEAT_KEY, {"at": long_ago, "hostname": "gone"}, timeout=None)
    body = health(client)[1]
    assert body["worker"]["state"] == "unavailable" and body["worker"]["seconds_ago"] >= 239
    assert body["status"] == "degraded"

    worker_heartbeat()
    body = health(client)[1]
    assert body["worker"]["state"] == "ok" and body["worker"]["seconds_ago"] <= 5
    assert body["status"] == "ok" and body["figures_age_seconds"] is None


def test_it_reports_how_long_a_requested_refresh_has_waited(client, settings, organisation, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker_heartbeat()
    with mock.patch.object(tasks.refresh_snapshot, "apply_async"):  # queued, and no worker takes it
        snapshots.request_refresh(organisation.pk, ["all"])
        time.sleep(1.2)
        snapshots.request_refresh(organisation.pk, ["all", "phase:PRIMARY"])  # coalesced: the first counts
    age = health(client)[1]["figures_age_seconds"]
    assert 1.2 <= age < 10
    tasks.refresh_snapshot.run(organisation.pk, "all")  # what a worker does with it
    assert health(client)[1]["figures_age_seconds"] < 1.2  # only phase:PRIMARY waits now
    tasks.refresh_snapshot.run(organisation.pk, "phase:PRIMARY")
    assert health(client)[1]["figures_age_seconds"] is None


def test_in_the_embedded_shape_redis_broker_and_worker_are_not_used(client, db, settings):
    settings.REDIS_URL = None
    settings.CELERY_BROKER_URL = "memory://"
    status, body = health(client)
    assert status == 200 and body["status"] == "ok"
    assert body["redis"]["state"] == body["broker"]["state"] == body["worker"]["state"] == "not used"


def database_errors(server) -> float:
    status, _, text = server.get("/metrics", headers={"Authorization": "Bearer token"})
    assert status == 200, text
    (line,) = [line for line in text.splitlines() if line.startswith("casereview_database_errors_total ")]
    return float(line.split()[1])


def test_with_the_database_stopped_it_answers_503_and_200_once_it_is_back(own_postgres, redis_url, tmp_path):
    redis = OwnRedis(tmp_path)
    redis.start()
    processes = Processes(tmp_path)
    try:
        metrics_folder = tmp_path / "metrics"  # gunicorn's two processes add up their counts there
        metrics_folder.mkdir()
        environment = app_environment(
            own_postgres.url, redis.url, METRICS_TOKEN="token", PROMETHEUS_MULTIPROC_DIR=str(metrics_folder)
        )
        server = processes.web(environment)  # /health/ needs no tables
        status, _, page = server.get("/health/")
        assert status == 200 and '"database": "ok"' in page
        assert database_errors(server) == 0
        own_postgres.stop()
        asked = time.monotonic()
        status, _, page = server.get("/health/")
        took = time.monotonic() - asked
        assert status == 503 and '"database": "unavailable"' in page and '"status": "unavailable"' in page
        assert database_errors(server) >= 1  # counted though the health check handled it
        own_postgres.start()
        back = time.monotonic()
        wait_until(lambda: server.get("/health/")[0] == 200, 30, "/health/ to answer 200 again")
        recovered = time.monotonic() - back
    finally:
        processes.stop_all()
        redis.stop()
    print(
        f"\n/health/ answered 503 in {took * 1000:.0f} ms with PostgreSQL stopped; "
        f"200 {recovered:.2f} s after it restarted"
    )
