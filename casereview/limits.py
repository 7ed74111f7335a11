"""Request limits per client address, counted in the cache with django-ratelimit.

The counts live in the cache (Redis in production, shared by every web process). When Redis is
down the cache fails open (casereview/cache.py) and RATELIMIT_FAIL_OPEN lets every request
through: a limit is never a reason to turn a real person away. Addresses come from
``casereview.client_ip`` (X-Forwarded-For trusted only as far as our own proxies)."""

from django_ratelimit.core import is_ratelimited

from casereview.client_ip import client_ip


def by_client(group, request) -> str:
    return client_ip(request)


def over_limit(request, *, group: str, rate: str, key=by_client, count: bool = True) -> bool:
    """Whether this request goes over ``rate`` ("600/h") for its key; ``count=False`` only looks."""
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=count)
