"""How gunicorn runs casereview, in production (the Dockerfile, docker-compose.yml) and in the
benchmark (bench/server.py) alike, so that what `bin/bench` measures is what a server runs:

    gunicorn -c python:casereview.gunicorn_config casereview.wsgi --bind 0.0.0.0:8000

Options given on the command line win over these. Read by gunicorn's master process before
Django starts: nothing here may import Django or the apps."""

import os

from gunicorn.glogging import Logger

# Sync workers, about two a core (docs/benchmarks.md: 5 held the workshop day better than 9 on 2
# cores); WEB_CONCURRENCY sets another number.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
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
