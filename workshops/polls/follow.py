"""What phones following the presenter ask: the follow check, every 4 to 6 seconds while the page
is in sight (FOLLOW_EVERY_MS), by far the commonest request of a workshop day (100 phones: 20 a
second); and, when it says the open polls changed, their shared cards (the room's 100 phones within
6 seconds, every room opening its polls at much the same time).

Both are answered in web processes by ``follow_checks_first``, in front of Django, before Django
builds a request and runs its middleware: that was most of their cost on a small server
(docs/benchmarks.md). The follow check is answered from the one function here, ``follow_answer``,
also used by the Django view (``views.attendee.follow``, what tests and the development server
reach). The cards are answered from what the Django view (``views.attendee.shared_cards``) rendered
for the workshop's current version in this process, kept here; until it has, the request goes to
Django. Nothing in either answer depends on a session, a cookie, the host or the user.

A code that matches no open workshop (unknown, or its workshop ended) is answered as an open
workshop with no open poll is, byte for byte, from what is kept in memory, with no database query
and no cache write; and it counts against the client's join-miss limit (``workshops.polls.limits``),
past which every attendee address refuses that client (429, from Django), a live code's too. Which
codes are open is one set for the whole site, kept in the cache and for a few seconds in each
process (``is_open_code``), so a live code and a wrong one cost the same to answer."""

import json
import re
import time
from http import HTTPStatus
from types import SimpleNamespace

from csp.utils import build_policy
from django.conf import settings
from django.core.cache import cache

from casereview.client_ip import client_ip
from casereview.request_logging import request_id_for
from workshops.models import JOIN_CODE_LENGTH, Workshop, join_code_candidates
from workshops.polls.limits import count_join_miss, join_misses_over
from workshops.polls.versions import _version_of, live_version

# How often a phone on the workshop's page asks (static/js/poll-phone.js reads it from the page's
# data-follow-every): every FOLLOW_EVERY_MS plus up to FOLLOW_JITTER_MS at random, so a room of
# phones does not ask at once; at once when the phone is picked up (the page seen again, the
# network back), never while the page is out of sight. It was every 2 to 3 s: twice the requests
# of a workshop's busiest kind for a poll shown at most 3 s sooner, while people take longer than
# that to pick up their phones (docs/benchmarks.md, issue 37).
FOLLOW_EVERY_MS = 4000
FOLLOW_JITTER_MS = 2000

FOLLOW_PATH = re.compile(rf"^/j/([A-Za-z0-9]{{{JOIN_CODE_LENGTH}}})/follow/$")
CARDS_PATH = re.compile(rf"^/j/([A-Za-z0-9]{{{JOIN_CODE_LENGTH}}})/cards/$")

# (join code, version) -> the open polls' cards every phone gets for that version, as the view
# rendered them (utf-8); bounded, whatever codes are asked for.
_shared_cards: dict[tuple[str, str], bytes] = {}
SHARED_CARDS_KEPT = 1000
CARDS_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
# The version of a workshop with no open poll (versions.live_version_from_database): the version
# every code that matches no open workshop is given, so that it looks like an idle one.
NOTHING_OPEN_VERSION = _version_of([])
# The cards of every code that matches no open workshop are kept under this code (they are the
# same bytes as an idle workshop's: no card, the version above).
NO_WORKSHOP = ""

# The join codes of every workshop that is not closed: one set, kept in the cache for this long
# (read from the database again after it) and for a second in each process, so that a live code
# and a wrong one are answered from memory alike. A workshop opened since is added the moment a
# phone finds it on the join page or its own page (``note_open_code``); until then, for a few
# seconds, another process may count one of its phone's follow checks as a miss (once per code);
# an ended workshop's phones are answered as an idle workshop's for as long, as they are after.
OPEN_CODES_KEY = "attendee-open-join-codes"
OPEN_CODES_SECONDS = 30
OPEN_CODES_MEMO_SECONDS = 5.0
# cache key prefix -> (read at, codes): what this process last read from each cache (tests give
# every test a cache of its own).
_open_codes: dict[str, tuple[float, frozenset[str]]] = {}


def can_be_code(code: str) -> bool:
    """Whether ``code`` has a join code's shape, as a phone sends it: what has not is never looked up."""
    return len(code) == JOIN_CODE_LENGTH and code.isalnum()


def is_open_code(code: str, *, look_alikes: bool = False) -> bool:
    """Whether ``code`` (or, with ``look_alikes``, a code it may be meant as) is an open
    workshop's. No database query while the cache holds the set."""
    codes = join_code_candidates(code) if look_alikes else [code]
    known = _open_codes_now()
    return any(c in known for c in codes)


def note_open_code(code: str) -> None:
    """``code`` was just found open in the database: make sure the set says so (a workshop made or
    opened less than ``OPEN_CODES_SECONDS`` ago), so its phones' follow checks are not misses."""
    if code not in _open_codes_now() and code not in _read_open_codes():
        cache.delete(OPEN_CODES_KEY)
        _read_open_codes()


def _open_codes_now() -> frozenset[str]:
    read_at, codes = _open_codes.get(cache.key_prefix, (0.0, None))
    if codes is not None and time.monotonic() - read_at < OPEN_CODES_MEMO_SECONDS:
        return codes
    return _read_open_codes()


def _read_open_codes() -> frozenset[str]:
    codes = cache.get(OPEN_CODES_KEY)
    if codes is None:  # expired, or Redis is down: from the database, one query
        open_now = Workshop.objects.exclude(status=Workshop.Status.CLOSED)
        codes = frozenset(open_now.values_list("join_code", flat=True))
        cache.set(OPEN_CODES_KEY, codes, OPEN_CODES_SECONDS)
    if len(_open_codes) > 100:  # a bound (one entry per cache in practice)
        _open_codes.clear()
    _open_codes[cache.key_prefix] = (time.monotonic(), codes)
    return codes


def refused_as_guesser(code: str, address: str) -> bool:
    """Whether a request for ``code`` from ``address`` is refused: the client is past the
    join-miss limit, or this code matches no open workshop and takes it past. A wrong code is
    counted here, once per code per client (``limits.count_join_miss``)."""
    if join_misses_over(address):
        return True
    return not is_open_code(code) and count_join_miss(address, code)


def follow_answer(code: str, asked_version: str | None, if_none_match: str | None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body): 204 when the phone's version (``?v=``) is current, 304 to a
    current If-None-Match, else 200 with the version as JSON; 404 for what cannot be a code. A
    code that matches no open workshop is answered as an open one with no open poll."""
    if not can_be_code(code):
        return 404, {}, b""
    version = live_version(code) if is_open_code(code) else NOTHING_OPEN_VERSION
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
    request Django would redirect or refuse otherwise still goes to Django, as does one from a
    client past the join-miss limit (Django's view says to wait). The answers carry the headers
    Django's security middleware (and, for the cards' HTML, django-csp's) would add, and a request id."""
    security_headers = _security_headers()
    cards_headers = {**CARDS_HEADERS, **security_headers, "Content-Security-Policy": build_policy()}

    def answer(environ, start_response, status, headers, body):
        # The request id Django's answers carry (casereview/request_logging.py), so a phone's
        # answers can all be traced, these included.
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [*headers.items(), ("Content-Length", str(len(body))), ("X-Request-ID", request_id_for(environ))],
        )
        return [body]

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and _is_secure_enough(environ):
            path = environ.get("PATH_INFO", "")
            if (found := FOLLOW_PATH.match(path)) and not _refused(found.group(1), environ):
                status, headers, body = follow_answer(
                    found.group(1), _query_version(environ), environ.get("HTTP_IF_NONE_MATCH")
                )
                return answer(environ, start_response, status, {**headers, **security_headers}, body)
            if (found := CARDS_PATH.match(path)) and not _refused(found.group(1), environ):
                html = kept_shared_cards(*cards_kept_under(found.group(1)))
                if html is not None:
                    return answer(environ, start_response, 200, cards_headers, html)
        return django_application(environ, start_response)

    return application


def cards_kept_under(code: str) -> tuple[str, str]:
    """(code, version) the cards for ``code`` are kept under: its own and its current version
    when it is an open workshop's, else the one set of no cards every wrong code shares."""
    if is_open_code(code):
        return code, live_version(code)
    return NO_WORKSHOP, NOTHING_OPEN_VERSION


def _refused(code: str, environ) -> bool:
    # The client's address as Django would read it (environ is what becomes request.META).
    return refused_as_guesser(code, client_ip(SimpleNamespace(META=environ)))


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
