"""Django's Redis cache, reusing its Redis client objects and failing open when Redis is down.

Django's client makes a new ``redis.Redis`` for every cache operation, and redis-py builds a table
of some 170 response callbacks for each one: a fifth of a millisecond per operation, on every phone's
answer (docs/benchmarks.md). A ``redis.Redis`` is safe to share between threads and draws its
connections from the pool, so one per pool is enough.

The cache only ever saves work: every page can do without it. So when Redis does not answer, a
read gives its default, and a write, add or delete does nothing; the failure is logged. This one place
covers every caller (the projector, results, the attendee limits...), which then read the
database as on a miss. After a failure the cache stays away from Redis for a few seconds, so a
page with several cache calls does not wait out the socket timeout for each of them."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from casereview.metrics import CACHE_ERRORS

logger = logging.getLogger(__name__)

# How long, after a failure, the cache answers as if empty without trying Redis.
RETRY_AFTER_SECONDS = 5.0


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0

    def _fail_open(self, operation: str, fallback, call):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except RedisError as error:
            CACHE_ERRORS.labels(operation).inc()
            if time.monotonic() >= self._down_until:
                logger.warning(
                    "Cache %s failed, carrying on without the cache for %ss: %s", operation, RETRY_AFTER_SECONDS, error
                )
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._fail_open("get", default, lambda: super(ReusingRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._fail_open("get_many", {}, lambda: super(ReusingRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._fail_open("has_key", False, lambda: super(ReusingRedisCache, self).has_key(key, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("set", None, lambda: super(ReusingRedisCache, self).set(key, value, timeout, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open(
            "set_many", list(data), lambda: super(ReusingRedisCache, self).set_many(data, timeout, version)
        )

    def with_client(self, operation: str, call, fallback=None):
        """``call(client)`` with this cache's Redis client, for what Django's cache has no word for (a
        sorted set: analytics/snapshots.py), failing open as every other operation does. Keys are
        the caller's to make, with ``make_and_validate_key``."""
        return self._fail_open(operation, fallback, lambda: call(self._cache.get_client(write=True)))

    @property
    def is_down(self) -> bool:
        """Whether Redis failed in the last few seconds (the cache is answering as if empty)."""
        return time.monotonic() < self._down_until

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # False, nothing added. A caller that must tell "someone else added it" from "Redis is
        # down" asks ``cache_is_down()``.
        return self._fail_open("add", False, lambda: super(ReusingRedisCache, self).add(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("touch", False, lambda: super(ReusingRedisCache, self).touch(key, timeout, version))

    def delete(self, key, version=None):
        return self._fail_open("delete", False, lambda: super(ReusingRedisCache, self).delete(key, version))

    def delete_many(self, keys, version=None):
        return self._fail_open("delete_many", None, lambda: super(ReusingRedisCache, self).delete_many(keys, version))

    def incr(self, key, delta=1, version=None):
        # None, not an error: a limit reads a count of None as "the cache failed" and lets the
        # request through (casereview/limits.py).
        return self._fail_open("incr", None, lambda: super(ReusingRedisCache, self).incr(key, delta, version))

    def count_in_slices(self, windows: list[tuple[str, int, list[str]]]) -> list[int] | None:
        """For each window (the current slice's counter, seconds to keep it, the earlier slices'
        counters): add one to the current counter, making it first if it is new, and read the
        earlier ones, every window in one round trip of three commands each (a phone's answer
        counts in two windows: docs/benchmarks.md). The totals after adding, or None when Redis
        does not answer."""

        def count():
            pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
            for current, seconds, earlier in windows:
                current = self.make_and_validate_key(current)
                pipeline.set(current, 0, ex=seconds, nx=True)
                pipeline.incr(current)
                pipeline.mget([self.make_and_validate_key(key) for key in earlier])
            replies = pipeline.execute()
            return [
                mine + sum(int(value) for value in earlier if value is not None)
                for mine, earlier in zip(replies[1::3], replies[2::3])
            ]

        return self._fail_open("count_in_slices", None, count)


def cache_is_down(cache=None) -> bool:
    """Whether the cache (the default one unless given) is failing open just now; always False
    for caches that cannot fail (the local-memory cache of the embedded default)."""
    if cache is None:
        from django.core.cache import cache as default_cache

        cache = default_cache
    return bool(getattr(cache, "is_down", False))


def move_version(key: str, seconds: int, *, start: bool = True) -> None:
    """One more version under ``key``: a number in the cache whose moving says that something
    changed (an LA's figures: analytics/snapshots.py; the plans: improvement/plan_version.py).
    One that does not exist is made (``start``) from the time in microseconds, never from 1, so a
    version lost from the cache (evicted, Redis restarted empty) never comes back with a number
    something was kept under or checked against. Never raises: a version that could not move is
    one the readers then do without, or trust until what they keep under it expires."""
    from django.core.cache import cache

    try:
        try:
            cache.incr(key)
        except ValueError:  # none yet
            if start and not cache.add(key, time.time_ns() // 1000, seconds):
                cache.incr(key)  # made meanwhile (by a reader, or another write): moved past it
    except Exception:  # noqa: BLE001
        pass


def read_version(key: str, *, make_for_seconds: int | None = None) -> str | None:
    """The version under ``key``, or None when the cache cannot say (Redis down, or none yet and
    ``make_for_seconds`` not given: otherwise one is made, to last that long). Read it before what
    it stands for."""
    from django.core.cache import cache

    try:
        version = cache.get(key)
        if version is None and make_for_seconds is not None:
            cache.add(key, time.time_ns() // 1000, make_for_seconds)
            version = cache.get(key)
    except Exception:  # noqa: BLE001
        return None
    return None if version is None else str(version)
