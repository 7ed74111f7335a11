"""Every line a request logs carries its request id, and every response says it (X-Request-ID), so a
person's "it failed at 10:42" leads to the lines of that request, and to the proxy's.

django-structlog's RequestMiddleware binds the id and writes one line as each request finishes; this
is it, with casereview's rules: the id comes from the proxy only when we run that proxy
(TRUSTED_PROXY_HOPS > 0, as for the client's address in casereview/client_ip.py), the address is
the client's by that same rule, and a request is logged by its path: a query string may carry a key.
"""

import logging
import re
import uuid

import structlog
from django.conf import settings
from django_structlog.middlewares.request import RequestMiddleware

from casereview.client_ip import client_ip
from casereview.database_unavailable import DATABASE_UNAVAILABLE
from casereview.key_shapes import without_keys
from casereview.logging_setup import current_request

# What a proxy's id may look like (nginx's $request_id is 32 hex digits; others use UUIDs): anything
# else is replaced rather than written into every line of the request.
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_for(environ) -> str:
    """The request's id, from a WSGI environ or request.META: the proxy's when we run the proxy."""
    if getattr(settings, "TRUSTED_PROXY_HOPS", 0) > 0:
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        if PROXY_REQUEST_ID.fullmatch(offered):
            return offered
    return uuid.uuid4().hex


class RequestLogMiddleware(RequestMiddleware):
    def prepare(self, request) -> None:
        current_request.set(request)
        request.request_id = request_id_for(request.META)
        # django-structlog takes the id from this header (DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID):
        # it is the one chosen above, whatever the client sent.
        request.META["HTTP_X_REQUEST_ID"] = request.request_id
        request.__dict__.pop("headers", None)  # request.headers is cached from META
        super().prepare(request)

    def handle_response(self, request, response) -> None:
        response["X-Request-ID"] = request.request_id
        try:
            super().handle_response(request, response)
        finally:
            current_request.set(None)

    def _log_level_for_status_code(self, status_code: int) -> int:
        # 503 is the database blip's answer (or the health check's), already logged as one warning
        # line: its finishing line is information, not a second warning or an error to chase.
        if status_code == 503:
            return logging.INFO
        return super()._log_level_for_status_code(status_code)

    def _process_exception(self, request, exception) -> None:
        # The database blip becomes a 503 with one warning line (casereview/database_unavailable.py),
        # not a traceback for each request that met it.
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return
        super()._process_exception(request, exception)

    @staticmethod
    def bind_user_id(request) -> None:
        """The user's id once the request has loaded the user, never by loading it: that costs a
        query on requests that need no user (a phone's answer), and fails while the database is away."""
        user = request.__dict__.get("_cached_user")  # set by django.contrib.auth's get_user
        if user is not None:
            structlog.contextvars.bind_contextvars(user_id=user.pk)

    @classmethod
    def bind_ip(cls, request) -> None:
        structlog.contextvars.bind_contextvars(ip=client_ip(request))

    @staticmethod
    def format_request(request) -> str:
        # The path only (a query string may carry a key), and even there anything shaped like a
        # feed key is left out: the feed refuses such an address, and its line must not keep it.
        return f"{request.method} {without_keys(request.path)}"


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines: by address only. Its own would include the
    email typed into the sign-in form (AXES_CLIENT_STR_CALLABLE)."""
    return f"{{ip_address: {ip_address!r}}}"
