"""A database blip (PostgreSQL restarting) answers 503 with Retry-After and a page saying to try again
in a moment, never the 500 page, whether the blip is met by a middleware (the session, the signed-in
user), by the view, or while its template renders; and each request logs it as one warning line, not
a traceback (casereview/database_unavailable.py)."""

import logging
from unittest import mock

from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

REFUSED = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def assert_try_again(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Try again in a moment" in page and "Traceback" not in page
    assert response["X-Request-ID"]


def test_every_query_failing_answers_503_for_a_page_and_for_htmx(facilitator, caplog):
    browser = Client(raise_request_exception=False)
    browser.force_login(facilitator)
    with caplog.at_level(logging.INFO), mock.patch.object(CursorWrapper, "execute", side_effect=REFUSED):
        page = browser.get("/workshops/")
        htmx = browser.get("/workshops/", headers={"HX-Request": "true"})
    assert_try_again(page)
    assert_try_again(htmx)
    blips = [record for record in caplog.records if record.name == "casereview.database_unavailable"]
    assert [record.levelno for record in blips] == [logging.WARNING, logging.WARNING]  # one line a request
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
    # The only warnings: the request's finishing line is information.
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == blips


def test_a_blip_while_the_template_renders_answers_503(facilitator, caplog):
    browser = Client(raise_request_exception=False)
    browser.force_login(facilitator)
    # The navigation bar's context processor is the page's first query after the view's own.
    with (
        caplog.at_level(logging.INFO),
        mock.patch(
            "casereview.context_processors.membership_of", side_effect=InterfaceError("connection already closed")
        ),
    ):
        response = browser.get("/workshops/")
    assert_try_again(response)
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


def test_any_other_error_is_still_the_500_page(facilitator):
    browser = Client(raise_request_exception=False)
    browser.force_login(facilitator)
    with mock.patch("casereview.context_processors.membership_of", side_effect=RuntimeError("a bug")):
        response = browser.get("/workshops/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_the_page_is_standalone_and_loads_the_htmx_retry_script_from_every_page():
    from casereview.settings import BASE_DIR

    page = (BASE_DIR / "templates" / "503.html").read_text()
    assert "{%" not in page and "{{" not in page  # nothing to look up while the database is away
    assert '<html lang="en-GB">' in page and "<main>" in page and "<h1>" in page
    assert "js/htmx-retry.js" in (BASE_DIR / "templates" / "base.html").read_text()
    script = (BASE_DIR / "static" / "js" / "htmx-retry.js").read_text()
    assert "htmx:responseError" in script and "503" in script and "Retry-After" in script
