"""What phones following the presenter ask is answered in web processes before Django builds a
request and runs its middleware (issue 23): the follow check, the commonest request of a workshop
day, and the open polls' shared cards, which a room of phones fetches within seconds of the lead
opening a poll, once this process has rendered them for the current version. The same answers as
the Django views, the same headers, never another version's cards; anything else goes to Django."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from workshops.models import Poll, Workshop
from workshops.polls.follow import follow_checks_first
from workshops.polls.services import poll_set_open, poll_settings_of, poll_settings_saved
from workshops.polls.versions import live_version, live_version_from_database, open_polls_with_version


def environ(path, method="GET", query="", **extra):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        **extra,
    }


class Django:
    """Stands in for Django behind the shortcut, and says whether it was asked."""

    def __init__(self):
        self.asked = []

    def __call__(self, environ, start_response):
        self.asked.append(environ["PATH_INFO"])
        start_response("299 From Django", [])
        return [b"django"]


def call(application, environ):
    answered = {}

    def start_response(status, headers):
        answered["status"], answered["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(application(environ, start_response))
    return answered["status"], answered["headers"], body


@pytest.fixture
def shortcut():
    django = Django()
    return follow_checks_first(django), django


def cards(code):
    return environ(f"/j/{code}/cards/")


def test_each_answer_is_the_django_views_answer(shortcut, workshop, client):
    application, django = shortcut
    code = workshop.join_code
    version = live_version(code)
    for query, extra in (
        ("", {}),
        (f"v={version}", {}),
        ("v=0000000000000000", {}),
        ("", {"HTTP_IF_NONE_MATCH": f'"{version}"'}),
    ):
        status, headers, body = call(application, environ(f"/j/{code}/follow/", query=query, **extra))
        from_django = client.get(f"/j/{code}/follow/?{query}", **extra)
        assert (status, body, headers["ETag"]) == (from_django.status_code, from_django.content, from_django["ETag"])
        assert headers["Cache-Control"] == "no-cache" and headers["Content-Length"] == str(len(body))
    assert django.asked == []
    assert json.loads(call(application, environ(f"/j/{code}/follow/"))[2]) == {"version": version}


def test_the_answer_carries_the_security_headers(settings, workshop):
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD = (
        31536000,
        True,
        False,
    )
    status, headers, _ = call(follow_checks_first(Django()), environ(f"/j/{workshop.join_code}/follow/"))
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert len(headers["X-Request-ID"]) == 32  # a request id of its own, as Django's answers have
    assert (
        headers["Referrer-Policy"] == "same-origin"
        and headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    )
    assert headers["Content-Type"] == "application/json"


def test_everything_else_goes_to_django(shortcut, workshop):
    application, django = shortcut
    code = workshop.join_code
    for request in (
        environ(f"/j/{code}/follow/", method="POST"),
        environ(f"/j/{code}/"),
        environ(f"/j/{code}/cards/"),
        environ(f"/j/{code}/follow/x"),
        environ("/j/TOOLONGCODE/follow/"),
        environ("/j/ab-cd!/follow/"),
    ):
        assert call(application, request)[0] == 299
    assert len(django.asked) == 6


def test_a_request_django_would_send_to_https_goes_to_django(settings, workshop):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER = True, ("HTTP_X_FORWARDED_PROTO", "https")
    django = Django()
    application = follow_checks_first(django)
    path = f"/j/{workshop.join_code}/follow/"
    assert call(application, environ(path))[0] == 299  # plain HTTP: Django redirects it
    assert call(application, environ(path, HTTP_X_FORWARDED_PROTO="https"))[0] == 200


def test_the_web_processes_application_answers_it_without_django(workshop):
    from casereview.wsgi import application

    started = []

    def record(**kwargs):
        started.append(kwargs)

    request_started.connect(record)
    # As Django's test client does: the test's own database connection must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        check = environ(
            f"/j/{workshop.join_code}/follow/",
            query=f"v={live_version(workshop.join_code)}",
            HTTP_X_FORWARDED_PROTO="https",
        )
        assert call(application, check)[0] == 204
        assert started == []  # Django never started a request
        assert call(application, environ("/health/alive/", HTTP_X_FORWARDED_PROTO="https"))[0] == 200
        assert len(started) == 1
        shared = environ(f"/j/{workshop.join_code}/cards/", HTTP_X_FORWARDED_PROTO="https")
        assert call(application, shared)[0] == 200 and len(started) == 2  # rendered by Django, kept
        assert call(application, shared)[0] == 200 and len(started) == 2  # answered before Django
    finally:
        request_started.disconnect(record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_django_view_still_answers_the_development_server_and_tests(workshop):
    response = Client().get(f"/j/{workshop.join_code}/follow/")
    assert response.status_code == 200 and response.json() == {"version": live_version(workshop.join_code)}
    assert Client().get("/j/ab-cd!/follow/").status_code == 404


def test_cards_are_answered_once_django_has_rendered_them_with_django_s_body_and_headers(
    shortcut, workshop, words_poll, choice_poll
):
    application, django = shortcut
    code = workshop.join_code
    assert call(application, cards(code))[0] == 299  # not rendered in this process yet
    from_django = Client().get(f"/j/{code}/cards/")
    status, headers, body = call(application, cards(code))
    assert (status, body) == (200, from_django.content) and len(django.asked) == 1
    assert f'id="poll-{words_poll.pk}"' in body.decode() and f'data-version="{live_version(code)}"' in body.decode()
    # Each answer has a request id of its own; every other header is Django's.
    assert headers.pop("X-Request-ID") != from_django["X-Request-ID"]
    assert headers == {name: value for name, value in from_django.items() if name != "X-Request-ID"}
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["Cache-Control"] == "no-cache"


def test_cards_of_another_version_are_never_answered(
    shortcut, workshop, words_poll, django_capture_on_commit_callbacks
):
    application, django = shortcut
    code = workshop.join_code
    Client().get(f"/j/{code}/cards/")
    later = Poll.objects.create(
        workshop=workshop, question="Where first?", kind="choice", options=["Early years", "Secondary"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        poll_set_open(poll=later, is_open=True)
    assert call(application, cards(code))[0] == 299  # a new version: Django renders it
    Client().get(f"/j/{code}/cards/")
    assert f'id="poll-{later.pk}"' in call(application, cards(code))[2].decode()
    with django_capture_on_commit_callbacks(execute=True):
        poll_set_open(poll=later, is_open=False)  # back to the first version: its cards, as kept
    status, _, body = call(application, cards(code))
    assert (
        status == 200 and f'id="poll-{later.pk}"' not in body.decode() and f'id="poll-{words_poll.pk}"' in body.decode()
    )
    assert len(django.asked) == 1


def test_the_cards_are_kept_under_the_version_of_exactly_what_was_read(
    workshop, words_poll, choice_poll, django_capture_on_commit_callbacks
):
    """The version the follow check gives is computed from the same fields, so cards are kept under
    the version their polls have, even when a poll opens or closes as they are read."""
    code = workshop.join_code
    version, polls = open_polls_with_version(code)
    assert version == live_version_from_database(code) and polls == [words_poll, choice_poll]
    rules = poll_settings_of(workshop.organisation)  # an LA's own blocked words change what an answer may say
    rules.blocked_words += "\nwaffle"
    rules.save()
    with django_capture_on_commit_callbacks(execute=True):
        poll_settings_saved(organisation=workshop.organisation)
    assert open_polls_with_version(code)[0] == live_version_from_database(code) != version
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)
    assert open_polls_with_version(code) == (live_version_from_database(code), [])
