"""A database blip (PostgreSQL restarting, a failover, connections refused for a moment) answers 503
with Retry-After and a page saying to try again in a moment, not the 500 page that says something
is broken: nothing is, and a save is either stored or plainly not. htmx pages retry once by
themselves (static/js/htmx-retry.js).

The page is rendered without the request, so without context processors: no session, no user, no
query, as the database is what is missing. Each request that meets the blip logs one warning line.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 3

logger = logging.getLogger(__name__)


def database_unavailable_response(request, exception) -> HttpResponse:
    # Once a request, though it may meet the blip twice (in the view, then saving its session); the
    # error's class only, as its text can quote the statement and the values in it.
    if not getattr(request, "_database_unavailable_logged", False):
        request._database_unavailable_logged = True
        logger.warning("database unavailable: answered 503 (%s)", type(exception).__name__)
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_database_unavailable(sender, request=None, **kwargs) -> None:
    """A blip met outside the view (a middleware reading the session, saving it) never reaches
    process_exception: Django turns it into the 500 page there. Note it, for __call__ to replace."""
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_UNAVAILABLE):
        request._database_unavailable = exception


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_unavailable, dispatch_uid=__name__)

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, "_database_unavailable", None)
        if exception is not None and response.status_code == 500:
            return database_unavailable_response(request, exception)
        return response

    def process_exception(self, request, exception):
        """In a view, or while its template renders."""
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request, exception)
        return None
