"""What phones following the presenter ask: the follow check, every 2 to 3 seconds, by far the
commonest request of a workshop day (100 phones: 40 a second); and, when it says the open polls
changed, their shared cards (the room's 100 phones within 3 seconds, every room opening its polls
at much the same time).

Both are answered in web processes by ``follow_checks_first``, in front of Django, before Django
builds a request and runs its middleware: that was most of their cost on a small server
(docs/benchmarks.md). The follow check is answered from the one function here, ``follow_answer``,
also used by the Django view (``views.attendee.follow``, what tests and the development server
reach). The cards are answered from what the Django view (``views.attendee.shared_cards``) rendered
for the workshop's current version in this process, kept here; until it has, the request goes to
Django. Nothing in either answer depends on a session, a cookie, the host or the user."""

import json
import re
from http import HTTPStatus

from csp.utils import build_policy
from django.conf import settings

from workshops.models import JOIN_CODE_LENGTH
from workshops.polls.versions import live_version

FOLLOW_PATH = re.compile(rf"^/j/([A-Za-z0-9]{{{JOIN_CODE_LENGTH}}})/follow/$")
CARDS_PATH = re.compile(rf"^/j/([A-Za-z0-9]{{{JOIN_CODE_LENGTH}}})/cards/$")

# (join code, version) -> the open polls' cards every phone gets for that version, as the view
# rendered them (utf-8); bounded, whatever codes are asked for.
_shared_cards: dict[tuple[str, str], bytes] = {}
SHARED_CARDS_KEPT = 1000
CARDS_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}


def follow_answer(code: str, asked_version: str | None, if_none_match: str | None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body): 204 when the phone's version (``?v=``) is current, 304 to a
    current If-None-Match, else 200 with the version as JSON; 404 for what cannot be a code."""
    if len(code) != JOIN_CODE_LENGTH or not code.isalnum():
        return 404, {}, b""
    version = live_version(code)
    etag = f'"{version}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if asked_version == version:
        return 204, headers, b""
    if if_none_match == etag:
        return 304, headers, b""
    return 200, {**headers, "Content-Type": "application/json"}, json.dumps({"version": version}).encode()


def kept_shared_cards(code: str, version: str) -> bytes | None:
    return _shared_cards.get((code, version))


def keep_shared_cards(code: str, version: str, html: bytes) -> None:
    """``html`` must be the cards of exactly ``version`` (``versions.open_polls_with_version``)."""
    if len(_shared_cards) >= SHARED_CARDS_KEPT:
        _shared_cards.clear()
    _shared_cards[(code, version)] = html


def follow_checks_first(django_application):
    """A WSGI application that answers the follow check, and the shared cards this process has
    already rendered for the current version, itself and passes everything else to Django. Only a
    GET of those exact addresses over HTTPS (when the site asks for HTTPS) is answered here; a
    request Django would redirect or refuse otherwise still goes to Django. The answers carry the
    headers Django's security middleware (and, for the cards' HTML, django-csp's) would add."""
    security_headers = _security_headers()
    cards_headers = {**CARDS_HEADERS, **security_headers, "Content-Security-Policy": build_policy()}

    def answer(start_response, status, headers, body):
        start_response(f"{status} {HTTPStatus(status).phrase}", [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and _is_secure_enough(environ):
            path = environ.get("PATH_INFO", "")
            if found := FOLLOW_PATH.match(path):
                status, headers, body = follow_answer(
                    found.group(1), _query_version(environ), environ.get("HTTP_IF_NONE_MATCH")
                )
                if status != 404:
                    return answer(start_response, status, {**headers, **security_headers}, body)
            elif found := CARDS_PATH.match(path):
                code = found.group(1)
                html = kept_shared_cards(code, live_version(code))
                if html is not None:
                    return answer(start_response, 200, cards_headers, html)
        return django_application(environ, start_response)

    return application


def _query_version(environ) -> str | None:
    # Phones send exactly "v=<16 hex digits>"; anything else is read as no version (a 200 answer).
    query = environ.get("QUERY_STRING", "")
    return query[2:] if query.startswith("v=") and "&" not in query else None


def _is_secure_enough(environ) -> bool:
    """Whether Django would serve this request rather than redirect it to HTTPS."""
    if not settings.SECURE_SSL_REDIRECT:
        return True
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        return environ.get(header, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def _security_headers() -> dict[str, str]:
    """What SecurityMiddleware and XFrameOptionsMiddleware add to a response of this site."""
    headers = {
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_REFERRER_POLICY:
        headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    if settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        hsts += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        hsts += "; preload" if settings.SECURE_HSTS_PRELOAD else ""
        headers["Strict-Transport-Security"] = hsts
    return {name: value for name, value in headers.items() if value}
