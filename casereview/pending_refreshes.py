"""Report refreshes asked for and not yet taken up by a run, kept where the health page and /metrics
can read them without knowing the reports (analytics writes them: analytics.snapshots and
analytics.tasks). How long the oldest has waited is the figures' age an operator alerts on."""

import time

from django.core.cache import cache

# Refreshes asked for and not yet taken up by a run: one sorted set in Redis, its members
# "<organisation id>:<scope key>", each scored with the Unix time of the first request since the
# scope's last run started. Read by the health page and /metrics in one call, and by the sweep.
PENDING_KEY = "report-refresh-pending"


def _pending(operation: str, call, fallback=None):
    """``call(client, key)`` on the pending set; ``fallback`` with the local-memory cache (tasks run
    in-process: nothing waits) or when Redis does not answer."""
    with_client = getattr(cache, "with_client", None)
    if with_client is None:
        return fallback
    key = cache.make_and_validate_key(PENDING_KEY)
    return with_client(operation, lambda client: call(client, key), fallback)


def note_pending(organisation_id: int, scope_key: str) -> None:
    # NX: a request already waiting keeps its time, so the age counts from the first.
    _pending("zadd", lambda client, key: client.zadd(key, {f"{organisation_id}:{scope_key}": time.time()}, nx=True))


def take_up_pending(organisation_id: int, scope_key: str) -> float | None:
    """A run has started: every request so far is its to serve. The first request's time, to put back
    if the run fails."""

    def take(client, key):
        pipeline = client.pipeline()  # MULTI: read and remove in one step
        pipeline.zscore(key, f"{organisation_id}:{scope_key}")
        pipeline.zrem(key, f"{organisation_id}:{scope_key}")
        return pipeline.execute()[0]

    return _pending("zrem", take)


def put_back_pending(organisation_id: int, scope_key: str, since: float | None) -> None:
    """A run failed: what it took up waits again, since its first request."""
    if since is not None:
        _pending("zadd", lambda client, key: client.zadd(key, {f"{organisation_id}:{scope_key}": since}, nx=True))


def pending_refreshes() -> list[tuple[int, str, float]]:
    """Every refresh asked for and not yet taken up: (organisation id, scope key, first asked at)."""
    members = _pending("zrange", lambda client, key: client.zrange(key, 0, -1, withscores=True), [])
    pending = []
    for member, since in members:
        organisation_id, _, scope_key = member.decode().partition(":")
        pending.append((int(organisation_id), scope_key, since))
    return pending


def figures_age_seconds() -> float | None:
    """How long the longest-waiting refresh request has gone unserved: seconds since the first
    request for a scope's refresh that no run has taken up since (a run takes up every request made
    before it starts; a failed run gives them back). None when nothing waits, with tasks run
    in-process, or when Redis does not answer. A normal wait is the coalescing delay (15 s after a
    review, 60 s after poll answers); a lost run makes it grow until the sweep has it redone. One
    Redis call; never raises."""
    oldest = _pending("zrange", lambda client, key: client.zrange(key, 0, 0, withscores=True), [])
    if not oldest:
        return None
    return round(max(0.0, time.time() - oldest[0][1]), 1)
