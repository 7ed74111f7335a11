"""Request limits per client address, counted in the cache with django-ratelimit.

The counts live in the cache (Redis in production, shared by every web process). When Redis is
down the cache fails open (casereview/cache.py) and RATELIMIT_FAIL_OPEN lets every request
through: a limit is never a reason to turn a real person away. Addresses come from
``casereview.client_ip`` (X-Forwarded-For trusted only as far as our own proxies)."""

import time

from django.core.cache import cache
from django_ratelimit.core import is_ratelimited

from casereview.client_ip import client_ip

SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def by_client(group, request) -> str:
    return client_ip(request)


def over_limit(request, *, group: str, rate: str, key=by_client, count: bool = True) -> bool:
    """Whether this request goes over ``rate`` ("600/h") for its key; ``count=False`` only looks."""
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=count)


def over_any_limit(request, *, group: str, rates: tuple[str, ...]) -> bool:
    """Count this request in every window of ``rates`` (("1200/m", "6000/h"): each counts every
    request, so neither lets a burst through the other) and tell whether any is now over.

    For the busiest limited request of the day, a phone's answer: with Redis all the windows are
    counted in one round trip, where django-ratelimit takes three a window (docs/benchmarks.md).
    Fixed windows, as django-ratelimit's; with Redis down nothing is refused."""
    address = client_ip(request)
    now = time.time()
    limits, windows = [], []
    for rate in rates:
        limit, unit = rate.split("/")
        seconds = SECONDS_PER_UNIT[unit]
        limits.append(int(limit))
        windows.append((f"limit:{group}:{rate}:{address}:{int(now // seconds)}", seconds))
    counts = _count_in_windows(windows)
    return any(count is not None and count > limit for count, limit in zip(counts, limits))


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
