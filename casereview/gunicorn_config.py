"""How gunicorn runs casereview, in production (the Dockerfile, docker-compose.yml) and in the
benchmark (bench/server.py) alike, so that what `bin/bench` measures is what a server runs:

    gunicorn -c python:casereview.gunicorn_config casereview.wsgi --bind 0.0.0.0:8000

Options given on the command line win over these. Read by gunicorn's master process before
Django starts: nothing here may import Django or the apps."""

import os

from gunicorn.glogging import Logger

from casereview.key_shapes import without_keys
from casereview.logging_setup import (
    client_address,
    debug_from_environment,
    formatter,
    trusted_proxy_hops_from_environment,
)


def _cores() -> int:
    """The cores this process may run on, not all the host's (a container limited by a CPU quota
    rather than a set of cores needs WEB_CONCURRENCY)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Sync workers, two a core plus one (docs/benchmarks.md: on 2 cores 5 workers held the workshop day
# better than 9, and better than 3 at 15 workshops); WEB_CONCURRENCY sets another number.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
# Room in the listen queue for a room of phones arriving within the same second.
backlog = 4096
# gunicorn would make its control socket under $HOME, and the image's user has none.
control_socket_disable = True
accesslog = "-"
logger_class = "casereview.gunicorn_config.AccessLogOfWhatChanged"


class AccessLogOfWhatChanged(Logger):
    """gunicorn's access log without the answers that say nothing changed: a GET answered 204 or
    304. Those are the phones' follow checks and the projector's refreshes while nothing changed,
    nearly every request of a workshop day (2,000 phones: 800 a second), and a line for each added
    about a third to the follow check's CPU in gunicorn (docs/benchmarks.md). Every other request
    is logged as before; the proxy in front of gunicorn (docs/operations.md) logs them all."""

    def access(self, resp, req, environ, request_time):
        if environ.get("REQUEST_METHOD") == "GET" and resp.status_code in (204, 304):
            return
        if not self.access_log_enabled:
            return
        # One line of fields, the same shape as the app's (JSON in production); access_log_format is
        # not used. The path without its query string; the client as the app sees it (below).
        method, path = environ.get("REQUEST_METHOD", "-"), without_keys(environ.get("PATH_INFO", ""))
        fields = {
            "method": method,
            "path": path,
            "status": resp.status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "client": self.client(environ),
            "bytes": getattr(resp, "sent", None),
            "request_id": dict((name.lower(), value) for name, value in resp.headers).get("x-request-id"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info("%s %s %s", method, path, resp.status_code, extra=fields)

    def setup(self, cfg):
        """gunicorn's own lines (its error log: workers booting, timeouts) and the access lines through
        the app's formatter (casereview/logging_setup.py)."""
        super().setup(cfg)
        self.trusted_proxy_hops = trusted_proxy_hops_from_environment()
        line_formatter = formatter(debug_from_environment())
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(line_formatter)

    def client(self, environ) -> str:
        """The client's address by the app's rule (casereview/client_ip.py), read from the same
        TRUSTED_PROXY_HOPS: behind our proxies the entry of X-Forwarded-For they wrote, else the
        connection's address. Never the header's leftmost entry, which any client can type."""
        return client_address(
            environ.get("REMOTE_ADDR") or "", environ.get("HTTP_X_FORWARDED_FOR", ""), self.trusted_proxy_hops
        )

    def atoms(self, resp, req, environ, request_time):
        """The request line without its query string: an address may carry what must never be
        kept (a Power BI key pasted into a feed address, which the feed refuses), so the access
        log keeps the path only."""
        atoms = super().atoms(resp, req, environ, request_time)
        query = environ.get("QUERY_STRING", "")
        if not query:
            return atoms
        # Every atom that holds it (the request line, the query, the raw address among the environ's).
        return {
            name: value.replace("?" + query, "").replace(query, "") if isinstance(value, str) else value
            for name, value in atoms.items()
        }


def child_exit(server, worker):
    """A worker has exited (restarted after max_requests, killed on a timeout...): with /metrics in
    prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR), its counts stay in the folder,
    still added up, but its files of live values are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
