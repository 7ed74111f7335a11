"""The follow check: what every phone on a workshop's page asks every 2 to 3 seconds, by far the
commonest request of a workshop day (100 phones: 40 a second).

It is answered in two places from the one function here, ``follow_answer``: by the Django view
(``views.attendee.follow``, what tests and the development server reach) and, in web processes, by
``follow_checks_first`` in front of Django, which answers it before Django builds a request and
runs its middleware: that was most of the check's cost on a small server (docs/benchmarks.md).
Nothing in the answer depends on a session, a cookie, the host or the user: it is the workshop's
live version, from this process's memory of the last second or from the cache."""

import json
import re
from http import HTTPStatus

from django.conf import settings

from workshops.models import JOIN_CODE_LENGTH
from workshops.polls.selectors import live_version

FOLLOW_PATH = re.compile(rf"^/j/([A-Za-z0-9]{{{JOIN_CODE_LENGTH}}})/follow/$")


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


def follow_checks_first(django_application):
    """A WSGI application that answers the follow check itself and passes everything else to
    Django. Only a GET of the exact follow address over HTTPS (when the site asks for HTTPS) is
    answered here; a request Django would redirect or refuse otherwise still goes to Django. The
    answer carries the headers Django's security middleware would add."""
    security_headers = _security_headers()

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and _is_secure_enough(environ):
            found = FOLLOW_PATH.match(environ.get("PATH_INFO", ""))
            if found:
                status, headers, body = follow_answer(found.group(1), _query_version(environ), environ.get("HTTP_IF_NONE_MATCH"))
                if status != 404:
                    headers = {**headers, **security_headers, "Content-Length": str(len(body))}
                    start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
                    return [body]
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
    headers = {"X-Frame-Options": settings.X_FRAME_OPTIONS, "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY}
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
