"""Request limits per client address (or any other key), counted in the cache in sliding windows.

A limit such as "600/h" promises that in no span of an hour are more than 600 requests taken.
Fixed windows (django-ratelimit's, used here before) break that promise at a window's end: a
client sending the whole limit in the last seconds of one minute and again in the first seconds
of the next got twice the limit through in a few seconds (issue "Hardening round 3": 1,300
answers in 28 s against 1,200 a minute).

So a window is cut into ``SLICES`` slices, with one counter for each slice, and a request adds
one to its own slice's counter and is over the limit when the requests of its slice and the
``SLICES`` before it (a window and a slice) add up to more than the limit. Any window-long span of
time lies inside the span of slices ending where it ends, so no window ever holds more than the
limit. The price: a client is held to the limit over a window and at most one slice (10% longer);
the limits in workshops/polls/limits.py leave room for that. With Redis a request's every window
is counted and read in one round trip of three commands a window (docs/benchmarks.md). Until
issue 37 there was a counter for each span, and a request added one to the ``SLICES + 1`` spans it
fell into: 22 counters for a phone's answer in two windows, a fifth of the answer's CPU.

The counts live in the cache (Redis in production, shared by every web process). When Redis is
down the cache fails open (casereview/cache.py) and every request goes through: a limit is never
a reason to turn a real person away. Addresses come from ``casereview.client_ip`` (X-Forwarded-For
trusted only as far as our own proxies)."""

import hashlib
import math
import time
from dataclasses import dataclass

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
    windows = [_slices(group, rate, key, now) for rate in rates]
    if count:
        totals = _count_in_slices([(window.current, window.keep, window.earlier) for window in windows])
        return any(total is not None and total > window.limit for total, window in zip(totals, windows))
    found = cache.get_many([counter for window in windows for counter in (window.current, *window.earlier)])
    return any(
        sum(int(found.get(counter) or 0) for counter in (window.current, *window.earlier)) > window.limit
        for window in windows
    )


@dataclass(frozen=True)
class Window:
    limit: int
    current: str  # the cache key of the counter of the slice ``now`` falls in
    keep: int  # seconds to keep it: until the last span of slices holding it has ended
    earlier: list[str]  # the counters of the SLICES slices before it


def _slices(group: str, rate: str, key: str, now: float) -> Window:
    limit, unit = rate.split("/")
    slice_seconds = SECONDS_PER_UNIT[unit] / SLICES
    this_slice = int(now // slice_seconds)
    # Hashed: a key may be an email address, and the cache's keys must stay short and plain. "s"
    # before the slice: the spans' counters of before issue 37 had the bare number.
    name = hashlib.blake2b(key.encode(), digest_size=10).hexdigest()
    return Window(
        int(limit),
        f"limit:{group}:{rate}:{name}:s{this_slice}",
        max(1, math.ceil((this_slice + SLICES + 1) * slice_seconds - now)),
        [f"limit:{group}:{rate}:{name}:s{n}" for n in range(this_slice - SLICES, this_slice)],
    )


def _count_in_slices(windows: list[tuple[str, int, list[str]]]) -> list[int | None]:
    """For each (current counter, seconds to keep it, earlier counters): add one to the current
    counter, and the total of it and the earlier ones after adding; None where not counted."""
    counted = getattr(cache, "count_in_slices", None)
    if counted is not None:  # Redis
        return counted(windows) or [None] * len(windows)
    totals = []
    for current, seconds, earlier in windows:  # the local-memory cache of the embedded default
        cache.add(current, 0, seconds)
        try:
            mine = cache.incr(current)
        except ValueError:  # expired between the two calls: not counted
            totals.append(None)
            continue
        totals.append(mine + sum(int(value or 0) for value in cache.get_many(earlier).values()))
    return totals
