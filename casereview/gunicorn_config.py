"""How gunicorn runs casereview, in production (the Dockerfile, docker-compose.yml) and in the
benchmark (bench/server.py) alike, so that what `bin/bench` measures is what a server runs:

    gunicorn -c python:casereview.gunicorn_config casereview.wsgi --bind 0.0.0.0:8000

Options given on the command line win over these. Read by gunicorn's master process before
Django starts: nothing here may import Django or the apps."""

import os

from gunicorn.glogging import Logger


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
        super().access(resp, req, environ, request_time)

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
