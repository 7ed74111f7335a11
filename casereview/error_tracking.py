"""Error tracking with Sentry, switched on by SENTRY_DSN alone, sending nothing personal.

What an event may carry: the exception, the stack (without local variables: a frame's locals can hold
what an attendee typed), the request's method, path and harmless headers, the user's id. Never a
request body, cookies, the query string (a feed key may be in it), authorisation or CSRF headers, or
an email. sentry-sdk 3 says what integrations may collect in ``data_collection`` (it replaced 2.x's
send_default_pii and include_local_variables): nothing personal is collected, and before_send removes
anything an integration adds all the same.
"""

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured

# Request headers an event keeps: enough to tell a phone from the projector, nothing that identifies
# or authenticates anyone (Cookie, Authorization, X-CSRFToken, X-Forwarded-For are all dropped).
KEPT_HEADERS = {"accept", "content-type", "content-length", "host", "hx-request", "user-agent", "x-request-id"}


def _scrub_request(request: dict) -> None:
    for key in ("cookies", "data", "query_string", "env"):
        request.pop(key, None)
    if isinstance(request.get("url"), str):
        request["url"] = request["url"].split("?", 1)[0]
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}


def before_send(event, hint):
    if isinstance(event.get("request"), dict):
        _scrub_request(event["request"])
    if isinstance(event.get("user"), dict):
        event["user"] = {"id": event["user"]["id"]} if "id" in event["user"] else {}
    return event


def init_error_tracking(*, dsn, environment="production", traces_sample_rate="0", transport=None) -> bool:
    """Starts Sentry when a DSN is given; True when it did. ``transport`` is for tests only."""
    if not dsn:
        return False
    try:
        rate = float(traces_sample_rate)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {traces_sample_rate!r}."
        )
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=rate,
        data_collection={
            "user_info": False,  # no email, name or address; before_send keeps the id alone
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],  # never a form: it holds what was typed
            "url_query_params": {"mode": "off"},  # a feed key may be in one
            "database_query_data": False,  # a statement's values are answers
            "queues": False,
            "stack_frame_variables": False,  # a frame's locals can hold what an attendee typed
        },
        max_request_body_size="never",
        before_send=before_send,
        transport=transport,
    )
    return True
