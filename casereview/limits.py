"""Request limits per client address (or any other key), counted in the cache in sliding windows.

A limit such as "600/h" promises that in no span of an hour are more than 600 requests taken.
Fixed windows (django-ratelimit's, used here before) break that promise at a window's end: a
client sending the whole limit in the last seconds of one minute and again in the first seconds
of the next got twice the limit through in a few seconds (issue "Hardening round 3": 1,300
answers in 28 s against 1,200 a minute).

So a window is cut into ``SLICES`` slices, and there is one counter for each span of ``SLICES +
1`` slices (a window and a slice), named by the slice it ends in. A request adds one to the
counter of every span it falls into (the one ending in its own slice and the ``SLICES`` after)
and is over the limit when the counter of the span ending now is over it. Any window-long span of
time lies inside the span of slices ending where it ends, so no window ever holds more than the
limit. The price: a client is held to the limit over a window and at most one slice (10% longer);
the limits in workshops/polls/limits.py leave room for that. With Redis every counter of every
window of a request is counted in one round trip (docs/benchmarks.md).

The counts live in the cache (Redis in production, shared by every web process). When Redis is
down the cache fails open (casereview/cache.py) and every request goes through: a limit is never
a reason to turn a real person away. Addresses come from ``casereview.client_ip`` (X-Forwarded-For
trusted only as far as our own proxies)."""

import hashlib
import math
import time

from django.core.cache import cache

from casereview.client_ip import client_ip

SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SLICES = 10


def _now() -> float:
    return time.time()  # a function of its own, so that tests can move the clock


def by_client(group, request) -> str:
    return client_ip(request)


def over_limit(request, *, group: str, rate: str, key=by_client, count: bool = True) -> bool:
    """Whether this request goes over ``rate`` ("600/h") for its key; ``count=False`` only looks."""
    return over_limit_for(key(group, request), group=group, rates=(rate,), count=count)


def over_any_limit(request, *, group: str, rates: tuple[str, ...]) -> bool:
    """Count this request from its client address in every window of ``rates`` (("1200/m",
    "6000/h"): each counts every request, so neither lets a burst through the other) and tell
    whether any is now over."""
    return over_limit_for(client_ip(request), group=group, rates=rates)


def over_limit_for(key: str, *, group: str, rates: tuple[str, ...], count: bool = True) -> bool:
    """Whether ``key`` (a client address, an email...) is over any of ``rates`` in ``group``:
    after counting one more request, or, with ``count=False``, as it stands (over once it has
    sent more than the limit). Every request counts, refused ones too, so a client that keeps
    pushing stays refused. With Redis down, never."""
    now = _now()
    spans = [_spans(group, rate, key, now) for rate in rates]
    if count:
        counters = [counter for _, rate_counters in spans for counter in rate_counters]
        counted = _count_in_windows(counters)
        # The first counter of each rate is the span ending now (``_spans``).
        starts = range(0, len(counters), SLICES + 1)
        return any(counted[start] is not None and counted[start] > limit for start, (limit, _) in zip(starts, spans))
    current = cache.get_many([rate_counters[0][0] for _, rate_counters in spans])
    return any(current.get(rate_counters[0][0], 0) > limit for limit, rate_counters in spans)


def _spans(group: str, rate: str, key: str, now: float) -> tuple[int, list[tuple[str, int]]]:
    """The limit of ``rate`` and the counters, as (cache key, seconds to keep it), of the spans a
    request at ``now`` falls into: the one ending in the slice of ``now`` first, then the later ones.
    Each is kept until its span has ended."""
    limit, unit = rate.split("/")
    slice_seconds = SECONDS_PER_UNIT[unit] / SLICES
    this_slice = int(now // slice_seconds)
    # Hashed: a key may be an email address, and the cache's keys must stay short and plain.
    name = hashlib.blake2b(key.encode(), digest_size=10).hexdigest()
    counters = [
        (f"limit:{group}:{rate}:{name}:{end}", max(1, math.ceil((end + 1) * slice_seconds - now)))
        for end in range(this_slice, this_slice + SLICES + 1)
    ]
    return int(limit), counters


def _count_in_windows(windows: list[tuple[str, int]]) -> list[int | None]:
    counted = getattr(cache, "count_in_windows", None)
    if counted is not None:  # Redis
        return counted(windows) or [None] * len(windows)
    counts = []
    for key, seconds in windows:  # the local-memory cache of the embedded default
        cache.add(key, 0, seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between the two calls: not counted
            counts.append(None)
    return counts
