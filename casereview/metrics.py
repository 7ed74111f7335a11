"""Prometheus metrics at /metrics, and the probes the health page shares with them.

What is counted where: every request by view name and status, timed (``RequestMetricsMiddleware``);
poll answers (workshops/polls/services.py) and reviews saved (post_save, connected in
casereview/apps.py); report refreshes queued, started, finished, skipped and failed
(analytics/snapshots.py, analytics/tasks.py); the
cache's failures (casereview/cache.py) and the requests that met a database error (the
middleware). Read when scraped, never kept: how long the longest-waiting figures have waited, and
the Celery queue's length in Redis.

The endpoint answers only with ``Authorization: Bearer <METRICS_TOKEN>``, and is not there at all
(404) without a token. Under gunicorn's several workers each keeps its own counts; with
PROMETHEUS_MULTIPROC_DIR set (an empty folder of their own, emptied at every start) prometheus-client
writes them there and a scrape adds them up, whichever worker answers it. docs/operations.md,
"Monitoring", lists every metric with the alerts to set.

Imported by casereview/cache.py, so by the cache's start: nothing here may import models at the top."""

import hmac
import os
import time

import redis
from django.conf import settings
from django.db import connections
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from casereview.pending_refreshes import figures_age_seconds

# No *_created series: they double the series and no alert here reads them.
disable_created_metrics()

HTTP_REQUESTS = Counter(
    "casereview_http_requests", "Requests answered, by view name (never the address) and status.", ["view", "status"]
)
HTTP_DURATION = Histogram(
    "casereview_http_request_duration_seconds",
    "Time from the request reaching Django to its answer, by view name.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
POLL_ANSWERS = Counter(
    "casereview_poll_answers_stored",
    "Poll answers stored by phones (each word of a words answer counts; a changed choice counts again).",
)
REVIEWS_SAVED = Counter("casereview_reviews_saved", "Case reviews saved, new or changed.")
REFRESHES = Counter(
    "casereview_report_refreshes",
    "Report snapshot refreshes by stage: queued (web), started, finished, skipped (already current or no "
    "such LA) and failed (worker).",
    ["stage"],
)
CACHE_ERRORS = Counter(
    "casereview_cache_errors", "Redis cache operations that failed (the cache fails open).", ["operation"]
)
DATABASE_ERRORS = Counter(
    "casereview_database_errors",
    "Requests that met a database error that may leave the connection unusable (refused, lost...).",
)

# A probe must answer well within a load balancer's own timeout, Redis down or not.
PROBE_TIMEOUT_SECONDS = 0.5
# Kombu's names in Redis: the default queue's list, and the hash of messages delivered and not yet
# acknowledged (held by a worker until their countdown, or running).
CELERY_QUEUE = "celery"
CELERY_UNACKED = "unacked"
# Redis clients by URL, one each: a client draws connections from its pool and is thread-safe.
_probe_clients: dict[str, redis.Redis] = {}


def _probe_client(url: str) -> redis.Redis:
    client = _probe_clients.get(url)
    if client is None:
        client = _probe_clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
        )
    return client


def uses_redis(url: str | None) -> bool:
    return bool(url) and url.startswith(("redis://", "rediss://"))


def ping(url: str) -> dict:
    """A PING straight to Redis at ``url`` (not through the cache, which fails open): its state and
    how long it took, in milliseconds. Never raises."""
    started = time.perf_counter()
    try:
        _probe_client(url).ping()
        state = "ok"
    except Exception:  # noqa: BLE001 - refused, timed out, wrong password...: all mean "unavailable"
        state = "unavailable"
    return {"state": state, "ms": round((time.perf_counter() - started) * 1000, 1)}


def broker_lengths() -> tuple[int, int] | None:
    """The Celery queue's length and the messages held unacknowledged, read from the broker; None
    when the broker is not Redis (tasks run in-process) or does not answer."""
    url = settings.CELERY_BROKER_URL
    if not uses_redis(url):
        return None
    try:
        pipeline = _probe_client(url).pipeline(transaction=False)
        pipeline.llen(CELERY_QUEUE)
        pipeline.hlen(CELERY_UNACKED)
        queued, unacked = pipeline.execute()
    except Exception:  # noqa: BLE001 - no sample rather than a failed scrape
        return None
    return queued, unacked


class ReadWhenScraped:
    """Gauges computed at each scrape, so they are true whichever process answers it."""

    def describe(self):
        return []  # nothing read when registered

    def collect(self):
        age = figures_age_seconds()
        figures = GaugeMetricFamily(
            "casereview_figures_age_seconds",
            "Seconds the longest-waiting requested report refresh has waited (0: none waiting).",
        )
        figures.add_metric([], age or 0)
        yield figures
        lengths = broker_lengths()
        broker_up = GaugeMetricFamily("casereview_broker_up", "1 when the Celery broker (Redis) answers.")
        broker_up.add_metric([], 0 if lengths is None and uses_redis(settings.CELERY_BROKER_URL) else 1)
        yield broker_up
        if lengths is not None:
            queue = GaugeMetricFamily(
                "casereview_celery_queue_length", "Tasks waiting in the broker for a worker.", labels=["queue"]
            )
            queue.add_metric([CELERY_QUEUE], lengths[0])
            yield queue
            unacked = GaugeMetricFamily(
                "casereview_celery_unacked_tasks",
                "Tasks a worker took and has not finished (waiting for their countdown, or running).",
            )
            unacked.add_metric([], lengths[1])
            yield unacked


_read_when_scraped = CollectorRegistry(auto_describe=False)
_read_when_scraped.register(ReadWhenScraped())


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's (or, in multiprocess mode, every
    live and dead worker's added up) and those read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    return generate_latest(counted) + generate_latest(_read_when_scraped)


@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404  # no token set: nothing to find here
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse("A bearer token is needed.", status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Counts and times every request by the name of the view that answered it (never its address,
    which may carry ids or a key), and counts the requests that met a database error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        for connection in connections.all(initialized_only=True):
            if connection.connection is None:
                # A flag left by an earlier request's failed connect: nothing to check without a
                # connection, and the next connect clears it anyway.
                connection.errors_occurred = False
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unmatched"  # e.g. a 404 for an address no view has
        HTTP_REQUESTS.labels(view, str(response.status_code)).inc()
        HTTP_DURATION.labels(view).observe(time.perf_counter() - started)
        # Django flags a connection whenever an error that may make it unusable (refused, lost, any
        # database error but data and integrity ones) passes through it: the one place that sees
        # them all, whether a view, a middleware, the 503 page for a blip or the health check
        # handled them.
        if any(connection.errors_occurred for connection in connections.all(initialized_only=True)):
            DATABASE_ERRORS.inc()
        return response


def _review_saved(sender, instance, **kwargs):
    REVIEWS_SAVED.inc()


def connect_model_signals() -> None:
    from django.db.models.signals import post_save

    post_save.connect(_review_saved, sender="workshops.CaseReview", dispatch_uid="metrics-reviews")
