"""Logs for machines and people (casereview/logging_setup.py, casereview/request_logging.py): with
DEBUG off every line is one JSON object with its time, level, logger and event, and a request's lines
carry its request id (the proxy's only when we run the proxy), the organisation once known, a
traceback as one field; no query string and no email ever. With DEBUG on the lines are for people.
gunicorn's access and error lines and the Celery worker's lines are the same JSON."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client, RequestFactory
from gunicorn.config import Config

from casereview.client_ip import client_ip
from casereview.gunicorn_config import AccessLogOfWhatChanged
from casereview.logging_setup import client_address, formatter
from tests.live import PROJECT, Processes, app_environment, database_url_of_tests, wait_until

SECRET = "crf_" + "Qz7" * 12  # a key pasted into an address


@pytest.fixture
def json_lines():
    """What the root logger writes, through production's formatter (DEBUG off)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(debug=False))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]  # fails on any other line
    root.removeHandler(handler)
    root.setLevel(level)


def test_each_line_of_a_request_is_one_json_object_with_its_request_id_and_no_query_string(client, json_lines, db):
    # (db: the sign-in page reads which LAs' providers it may send people to, for its CSP.)
    response = client.get(f"/accounts/login/?next=/workshops/&api_key={SECRET}")
    assert response.status_code == 200
    lines = json_lines()
    assert lines
    for line in lines:
        assert {"time", "level", "logger", "event", "request_id"} <= line.keys(), line
        assert line["request_id"] == response["X-Request-ID"]
    finished = [line for line in lines if line["event"] == "request_finished"]
    assert finished and finished[0]["request"] == "GET /accounts/login/" and finished[0]["code"] == 200
    assert SECRET not in json.dumps(lines)


def test_a_signed_in_members_lines_name_the_organisation_and_never_the_email(facilitator, organisation, json_lines):
    browser = Client()
    browser.force_login(facilitator)
    assert browser.get("/workshops/").status_code == 200
    finished = [line for line in json_lines() if line["event"] == "request_finished"]
    assert finished[0]["organisation_id"] == organisation.pk and finished[0]["user_id"] == facilitator.pk
    # A failed sign-in: django-axes names the client by address, not by the email typed.
    browser.logout()
    browser.post("/accounts/login/", {"username": facilitator.email, "password": "not the password"})
    text = json.dumps(json_lines())
    assert "AXES" in text and facilitator.email not in text and "northshire.test" not in text


def test_a_crash_is_one_line_with_its_traceback_in_one_field(phone, words_poll, json_lines):
    with mock.patch("workshops.polls.views.attendee.services.poll_answer", side_effect=RuntimeError("a bug")):
        phone.raise_request_exception = False
        response = phone.post(f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/", {"word": "belonging"})
    assert response.status_code == 500
    failed = [line for line in json_lines() if "exception" in line]
    assert len(failed) == 1, failed  # not also Django's own copy of the traceback
    assert failed[0]["event"] == "request_failed" and failed[0]["level"] == "error"
    assert failed[0]["exception"].startswith("Traceback") and "RuntimeError: a bug" in failed[0]["exception"]
    assert failed[0]["request_id"] == response["X-Request-ID"]
    assert "belonging" not in json.dumps(json_lines())


@pytest.mark.parametrize(
    ("hops", "offered", "kept"),
    [
        (1, "3f9c1e7ab2d04c55a1e2b3c4d5e6f708", True),  # nginx's $request_id, from our proxy
        (0, "3f9c1e7ab2d04c55a1e2b3c4d5e6f708", False),  # no proxy of ours: the client typed it
        (1, "forged\nlevel=error", False),  # not an id: never written into the lines
    ],
)
def test_the_proxys_request_id_is_kept_only_from_a_trusted_proxy(client, settings, json_lines, hops, offered, kept, db):
    settings.TRUSTED_PROXY_HOPS = hops
    response = client.get("/accounts/login/", headers={"X-Request-ID": offered})
    assert (response["X-Request-ID"] == offered) is kept
    assert {line["request_id"] for line in json_lines()} == {response["X-Request-ID"]}


def test_every_response_carries_a_request_id_even_a_404(client):
    first, second = client.get("/no-such-page/"), client.get("/no-such-page/")
    assert first.status_code == 404 and first["X-Request-ID"] and first["X-Request-ID"] != second["X-Request-ID"]


def run_settings(debug: str) -> str:
    """stderr of a process that starts Django with these settings and logs one warning."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('casereview.views').warning('a review was not found: %s', 42)"
    )
    environment = {
        **os.environ,
        "DEBUG": debug,
        "SECRET_KEY": "s" * 50,
        "CASEREVIEW_ENV_FILE": os.devnull,
        "DJANGO_SETTINGS_MODULE": "casereview.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.strip()


def test_production_writes_json_and_development_writes_lines_for_people():
    production = json.loads(run_settings("false"))
    assert production["event"] == "a review was not found: 42"
    assert production["level"] == "warning" and production["logger"] == "casereview.views" and production["time"]
    development = run_settings("true")
    with pytest.raises(json.JSONDecodeError):
        json.loads(development)
    assert "warning" in development and "a review was not found: 42" in development


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded"),
    [
        (0, "10.0.0.5", "203.0.113.7"),
        (1, "10.0.0.5", "203.0.113.7"),
        (1, "10.0.0.5", "6.6.6.6, 203.0.113.7"),
        (2, "10.0.0.5", "6.6.6.6, 203.0.113.7, 10.0.0.9"),
        (2, "10.0.0.5", "203.0.113.7"),
        (1, "10.0.0.5", ""),
    ],
)
def test_the_access_log_finds_the_client_by_the_apps_own_rule(settings, hops, remote, forwarded):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(remote, forwarded, hops) == client_ip(request)


def test_the_access_line_is_json_with_the_duration_and_the_client_and_no_query_string(monkeypatch, capsys):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogOfWhatChanged(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/feed/v1/outcome.csv?api_key={SECRET}",
        "PATH_INFO": "/feed/v1/outcome.csv",
        "QUERY_STRING": f"api_key={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.5",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7",
        "HTTP_REFERER": f"https://casereview.example/feed?api_key={SECRET}",
    }
    response = SimpleNamespace(status="400 Bad Request", status_code=400, sent=10, headers=[("X-Request-ID", "abc123")])
    request = SimpleNamespace(headers=[], method="GET", path="/feed/v1/outcome.csv", query=environ["QUERY_STRING"])
    logger.access(response, request, environ, timedelta(milliseconds=12.5))
    out = capsys.readouterr().out
    assert SECRET not in out
    line = json.loads(out)
    assert line["logger"] == "gunicorn.access" and line["level"] == "info" and line["time"]
    assert line["event"] == "GET /feed/v1/outcome.csv 400"
    assert line["path"] == "/feed/v1/outcome.csv" and line["status"] == 400
    assert line["duration_ms"] == 12.5 and line["client"] == "203.0.113.7" and line["request_id"] == "abc123"


def test_gunicorn_writes_json_lines_with_the_proxys_request_id_and_the_client(postgresql, redis_url, tmp_path):
    processes = Processes(tmp_path)
    environment = app_environment(database_url_of_tests(), redis_url, LOG_LEVEL="INFO", TRUSTED_PROXY_HOPS="1")
    try:
        server = processes.web(environment)
        status, headers, _ = server.get(
            f"/accounts/login/?api_key={SECRET}",
            {"X-Request-ID": "proxy-0001", "X-Forwarded-For": "6.6.6.6, 203.0.113.7"},
        )
        assert status == 200 and ("X-Request-ID", "proxy-0001") in headers

        def ours():
            return [line for line in processes.log("gunicorn").splitlines() if "proxy-0001" in line]

        wait_until(lambda: len(ours()) >= 2, 10, "the request's lines")
    finally:
        processes.stop_all()
    text = processes.log("gunicorn")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line, gunicorn's own too
    assert all({"time", "level", "logger", "event"} <= line.keys() for line in lines)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Booting worker", JSON too
    app = next(line for line in lines if line.get("request") == "GET /accounts/login/")
    assert app["request_id"] == "proxy-0001" and app["ip"] == "203.0.113.7" and app["request"] == "GET /accounts/login/"
    access = next(line for line in lines if line["logger"] == "gunicorn.access" and line["path"] == "/accounts/login/")
    assert access["request_id"] == "proxy-0001" and access["client"] == "203.0.113.7" and access["status"] == 200
    assert isinstance(access["duration_ms"], float)
    assert SECRET not in text


def test_a_celery_tasks_lines_carry_its_id_and_organisation(postgresql, redis_url, transactional_db, tmp_path):
    from analytics.tasks import refresh_snapshot
    from casereview.celery import app

    app.control.purge()
    processes = Processes(tmp_path)
    try:
        processes.worker(app_environment(database_url_of_tests(), redis_url, LOG_LEVEL="INFO"))
        task = refresh_snapshot.apply_async((987654, "all"))  # an organisation since deleted: nothing to do

        def finished():
            return [line for line in processes.log("worker").splitlines() if "task_succeeded" in line]

        wait_until(lambda: finished(), 60, "the task to run")
    finally:
        processes.stop_all()
    # Every line but the notice Celery prints (not logs) as it is told to stop.
    text = processes.log("worker").replace("worker: Warm shutdown (MainProcess)", "")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(line["logger"].startswith("celery") for line in lines)  # Celery's own lines, JSON too
    ran = [line for line in lines if line.get("task_id") == task.id]
    assert {"task_started", "task_succeeded"} <= {line["event"] for line in ran}
    assert all(line["organisation_id"] == 987654 for line in ran)
