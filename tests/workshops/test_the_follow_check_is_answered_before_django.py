"""The phones' follow check, the commonest request of a workshop day, is answered in web
processes before Django builds a request and runs its middleware (issue 23): the same answers as
the Django view, the same security headers, and anything else still goes to Django."""

import io
import json

import pytest
from django.core.signals import request_started
from django.test import Client

from workshops.polls.follow import follow_checks_first
from workshops.polls.selectors import live_version


def environ(path, method="GET", query="", **extra):
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
            "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), **extra}


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


def test_each_answer_is_the_django_views_answer(shortcut, workshop, client):
    application, django = shortcut
    code = workshop.join_code
    version = live_version(code)
    for query, extra in (("", {}), (f"v={version}", {}), ("v=0000000000000000", {}), ("", {"HTTP_IF_NONE_MATCH": f'"{version}"'})):
        status, headers, body = call(application, environ(f"/j/{code}/follow/", query=query, **extra))
        from_django = client.get(f"/j/{code}/follow/?{query}", **extra)
        assert (status, body, headers["ETag"]) == (from_django.status_code, from_django.content, from_django["ETag"])
        assert headers["Cache-Control"] == "no-cache" and headers["Content-Length"] == str(len(body))
    assert django.asked == []
    assert json.loads(call(application, environ(f"/j/{code}/follow/"))[2]) == {"version": version}


def test_the_answer_carries_the_security_headers(settings, workshop):
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD = 31536000, True, False
    status, headers, _ = call(follow_checks_first(Django()), environ(f"/j/{workshop.join_code}/follow/"))
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin" and headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Content-Type"] == "application/json"


def test_everything_else_goes_to_django(shortcut, workshop):
    application, django = shortcut
    code = workshop.join_code
    for request in (environ(f"/j/{code}/follow/", method="POST"), environ(f"/j/{code}/"), environ(f"/j/{code}/cards/"),
                    environ(f"/j/{code}/follow/x"), environ("/j/TOOLONGCODE/follow/"), environ("/j/ab-cd!/follow/")):
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
    try:
        follow = environ(f"/j/{workshop.join_code}/follow/", query=f"v={live_version(workshop.join_code)}", HTTP_X_FORWARDED_PROTO="https")
        assert call(application, follow)[0] == 204
        assert started == []  # Django never started a request
        assert call(application, environ("/health/alive/", HTTP_X_FORWARDED_PROTO="https"))[0] == 200
        assert len(started) == 1
    finally:
        request_started.disconnect(record)


def test_the_django_view_still_answers_the_development_server_and_tests(workshop):
    response = Client().get(f"/j/{workshop.join_code}/follow/")
    assert response.status_code == 200 and response.json() == {"version": live_version(workshop.join_code)}
    assert Client().get("/j/ab-cd!/follow/").status_code == 404
