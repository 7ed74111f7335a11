"""The address of the client that sent a request, for login throttling and the attendee limits.

Behind a load balancer every request comes from the balancer's address, so the client's own
address must be read from X-Forwarded-For. That header is typed by the client, though: each proxy
appends the address it received the request from, so only the last ``TRUSTED_PROXY_HOPS`` entries
were written by proxies we run. The client is the entry those proxies saw, counted from the right;
anything further left is the client's own claim and is ignored. With no proxy (hops 0) the header
is ignored altogether."""

from django.conf import settings


def client_ip(request) -> str:
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    remote = request.META.get("REMOTE_ADDR") or ""
    if hops <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not forwarded:
        return remote  # a request that did not come through the proxy (a health check on the host)
    # With N proxies the header holds at least N entries; the N-th from the right is the client.
    return forwarded[-hops] if len(forwarded) >= hops else forwarded[0]


def axes_client_ip(request) -> str:
    """django-axes 8 reads the client address from AXES_CLIENT_IP_CALLABLE (it ignores the old
    AXES_BEHIND_REVERSE_PROXY). None when there is no address (a test's force_login)."""
    return client_ip(request) or None
