"""How every log line is written, by the web processes, gunicorn, the Celery worker and commands alike.

One JSON object a line in production (a log collector reads fields, not prose): ``time``, ``level``,
``logger``, ``event``, the request's ``request_id`` and, when known, ``organisation_id``; a traceback
is one field (``exception``), never lines of its own. With DEBUG on the same lines are written for
people. Lines from plain ``logging`` (Django, Celery, gunicorn, our ``logging.getLogger(__name__)``)
and from structlog go through the same processors, so they look alike.

gunicorn's master imports this module before Django starts (casereview/gunicorn_config.py): nothing
here may import Django or the apps.
"""

import logging
import os
from contextvars import ContextVar

import structlog

# The request a web process is serving, so that a line can name the request's organisation once the
# view has found it (request.membership, casereview/tenancy.py) without a query of its own.
current_request: ContextVar = ContextVar("current_request", default=None)


def add_organisation_id(logger, method_name, event_dict):
    membership = getattr(current_request.get(), "membership", None)
    if membership is not None and "organisation_id" not in event_dict:
        event_dict["organisation_id"] = membership.organisation_id
    return event_dict


# What gunicorn's access line carries besides its event (casereview/gunicorn_config.py).
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "client", "bytes", "request_id", "user_agent")

# Applied to every line, structlog's and plain logging's ("foreign") alike.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    add_organisation_id,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    # Only the access line's own fields: Django passes the request object itself as an "extra",
    # whose text carries the query string.
    structlog.stdlib.ExtraAdder(allow=ACCESS_FIELDS),
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
]


def renderer(debug: bool):
    if debug:
        # Plain tracebacks: the default (rich) one prints each frame's local variables, which may
        # hold what an attendee typed.
        return structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback, timestamp_key="time"
        )
    return structlog.processors.JSONRenderer(default=str)


def formatter(debug: bool) -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(**formatter_options(debug))


def formatter_options(debug: bool) -> dict:
    processors = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if not debug:
        # The traceback as text in one field; never structlog's dict tracebacks, which can carry locals.
        processors.append(structlog.processors.format_exc_info)
    return {"processors": [*processors, renderer(debug)], "foreign_pre_chain": SHARED_PROCESSORS}


def configure_structlog() -> None:
    # Python's warnings as log lines too, rather than bare text among the JSON.
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,  # a line below the level costs no more processing
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(*, debug: bool, level: str) -> dict:
    """Django's LOGGING: every logger's lines to stderr through one structlog formatter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structlog": {"()": structlog.stdlib.ProcessorFormatter, **formatter_options(debug)}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structlog"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-structlog's request_finished / request_failed lines say the same with the request
            # id (and the failure's traceback once); Django's own would repeat each failure's traceback.
            "django.request": {"level": "CRITICAL"},
            # Not gunicorn's loggers: gunicorn gives them handlers of its own (casereview/gunicorn_config.py),
            # which naming them here would remove in each web process.
        },
    }


def debug_from_environment() -> bool:
    """DEBUG as settings read it, for gunicorn's master, which reads no settings."""
    return os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def trusted_proxy_hops_from_environment() -> int:
    """TRUSTED_PROXY_HOPS as settings read it (casereview/settings.py), for gunicorn's master."""
    value = os.environ.get("TRUSTED_PROXY_HOPS", "").strip()
    if value:
        return max(int(value), 0)
    return 1 if os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"} else 0


def client_address(remote: str, forwarded_for: str, hops: int) -> str:
    """The client's address by casereview/client_ip.py's rule, from the raw values (gunicorn's access
    log has no Django request): the entry our ``hops`` proxies saw, counted from the right."""
    if hops <= 0:
        return remote
    forwarded = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if not forwarded:
        return remote
    return forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
