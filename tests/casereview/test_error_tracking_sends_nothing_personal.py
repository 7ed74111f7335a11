"""Error tracking (casereview/error_tracking.py) sends what a crash needs and nothing personal: a real
crash in a phone's answer, caught by Sentry's Django integration and captured by a transport of the
test's own, carries no answer text, no form body, no cookie, no CSRF or authorisation header and no
query string; and nothing starts without SENTRY_DSN."""

import io
import json
import os
import re
import subprocess
import sys
from unittest import mock
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from sentry_sdk.transport import Transport

from casereview.error_tracking import init_error_tracking
from tests.live import PROJECT

ANSWER = "Amira's nan collects her on Thursdays"
COOKIE = "tracker-cookie-7f3a9c"
QUERY = "feedkey-2b8e41"
AUTHORIZATION = "Bearer token-5d0c77"


class Captured(Transport):
    """Keeps each envelope instead of sending it."""

    envelopes: list = []

    def capture_envelope(self, envelope):
        Captured.envelopes.append(envelope)


@pytest.fixture
def sentry():
    Captured.envelopes = []
    assert init_error_tracking(dsn="https://public@sentry.invalid/1", environment="test", transport=Captured)
    yield Captured.envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def post_as_a_server_would(path: str, query: str, fields: dict, headers: dict) -> str:
    """Through Django's WSGI handler, as gunicorn calls it (the test client skips the WSGI layer
    where Sentry reads the request): CSRF checks and all. Returns the status line."""
    body = urlencode(fields).encode()
    environ = {}
    setup_testing_defaults(environ)
    environ |= {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    answered = []
    # As Django's test client does: the request must not close the test's connection (inside its
    # transaction) as a server's request would.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: answered.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answered[0]


def test_a_crash_in_a_view_is_sent_without_anything_personal(sentry, phone, words_poll):
    code = words_poll.workshop.join_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', phone.get(f"/j/{code}/").content.decode())[1]
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in phone.cookies.items())
    with mock.patch("workshops.polls.views.attendee.services.poll_answer", side_effect=RuntimeError("a bug")):
        status = post_as_a_server_would(
            f"/j/{code}/polls/{words_poll.pk}/",
            f"ref={QUERY}",
            {"csrfmiddlewaretoken": token, "word": ANSWER, "role": "parent"},
            {"Cookie": f"{cookies}; tracker={COOKIE}", "Authorization": AUTHORIZATION, "User-Agent": "phone"},
        )
    assert status.startswith("500"), status  # the view ran (CSRF passed) and crashed
    sentry_sdk.flush()
    sent = "\n".join(envelope.serialize().decode() for envelope in sentry)
    events = [json.loads(line) for line in sent.splitlines() if '"exception"' in line]
    assert events, sent  # the crash was sent: what follows is not true merely because nothing was
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]:
        assert "vars" not in frame  # local variables could hold the answer
    request = event["request"]
    assert request["url"].endswith(f"/polls/{words_poll.pk}/") and request["method"] == "POST"
    assert not {"data", "cookies", "query_string", "env"} & request.keys()
    assert {name.lower() for name in request.get("headers", {})} <= {
        "accept",
        "content-type",
        "content-length",
        "host",
        "hx-request",
        "user-agent",
        "x-request-id",
    }
    assert set(event.get("user", {})) <= {"id"}
    assert request["headers"]["User-Agent"] == "phone"  # headers are sent, the allowed ones
    for personal in (ANSWER, "Amira", COOKIE, QUERY, AUTHORIZATION, token, "csrftoken", "sessionid"):
        assert personal not in sent, personal


def test_nothing_starts_without_a_dsn():
    with mock.patch.object(sentry_sdk, "init", side_effect=AssertionError("initialised")):
        assert init_error_tracking(dsn=None) is False
        assert init_error_tracking(dsn="") is False
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    environment |= {"DEBUG": "false", "SECRET_KEY": "s" * 50, "CASEREVIEW_ENV_FILE": os.devnull}
    environment["DJANGO_SETTINGS_MODULE"] = "casereview.settings"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("rate", ["1.5", "-0.1", "often"])
def test_a_sample_rate_outside_0_to_1_stops_the_app(rate):
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        init_error_tracking(dsn="https://public@sentry.invalid/1", traces_sample_rate=rate)
