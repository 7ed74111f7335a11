"""The application as production runs it: gunicorn web workers and a Celery worker, on this machine."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """gunicorn (as production runs it: casereview/gunicorn_config.py) and one Celery worker, started and
    stopped together."""

    def __init__(self, environment: dict[str, str], workers: int, port: int | None = None, log: Path | None = None):
        """``port``: the one to listen on (a free one by default); ``log``: where gunicorn and the
        worker write, appended to (by default bench/results/server.log, written afresh)."""
        self.environment = {**os.environ, **environment}
        self.workers = workers
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.processes: list[subprocess.Popen] = []

    @property
    def process_groups(self) -> set[int]:
        """gunicorn's and the worker's: each leads a session of its own, its children in its group."""
        return {process.pid for process in self.processes}

    def __enter__(self) -> "Stack":
        # Closed with the processes.
        log = open(self.log, "a") if self.log else open(PROJECT / "bench" / "results" / "server.log", "w")
        self.processes.append(
            subprocess.Popen(
                # As production runs it (casereview/gunicorn_config.py: the access log included), on a port of its own.
                [
                    BIN / "gunicorn",
                    "-c",
                    "python:casereview.gunicorn_config",
                    "casereview.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=PROJECT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        self.processes.append(
            subprocess.Popen(
                # As docker-compose.yml runs it: below the web processes' CPU priority.
                [
                    "nice",
                    "-n",
                    "10",
                    BIN / "celery",
                    "-A",
                    "casereview",
                    "worker",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=PROJECT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        try:
            self._wait_until_up()
            self._wait_for_worker()
        except BaseException:
            self.__exit__()  # a stack that never came up must not be left running
            raise
        return self

    def _wait_until_up(self, seconds: float = 30) -> None:
        request = urllib.request.Request(f"{self.base_url}/health/", headers={"X-Forwarded-Proto": "https"})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer on {self.base_url} within {seconds} s: see {self._log_name()}")

    def _wait_for_worker(self, seconds: float = 60) -> None:
        """Until the Celery worker answers: while it starts (importing Django, pandas and Plotly)
        it takes a core from the first measurement, the ceiling every ratio is taken against."""
        from casereview.celery import app

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if app.control.ping(timeout=1):
                return
        raise SystemExit(f"The Celery worker did not answer within {seconds} s: see {self._log_name()}")

    def wait_until_idle(self, seconds: float = 120, scheduled: bool = True) -> float:
        """Until the worker has nothing queued, waiting or running, so that each measurement
        carries the background work its own requests cause (report refreshes after saves), not the
        previous one's. ``scheduled=False``: tasks the worker holds for a later moment (a refresh
        asked for with a delay) do not count. Returns the seconds waited."""
        from casereview.celery import app

        started = time.monotonic()
        inspect = app.control.inspect(timeout=1)
        while time.monotonic() - started < seconds:
            with app.connection_for_read() as connection:
                # Redis keeps a queue as a list: none yet (nothing ever sent) is an empty one.
                queued = connection.default_channel.client.llen(app.conf.task_default_queue)
            held = [inspect.active(), inspect.reserved()] + ([inspect.scheduled()] if scheduled else [])
            if queued == 0 and all(tasks is not None and not any(tasks.values()) for tasks in held):
                return time.monotonic() - started
            time.sleep(0.5)
        raise SystemExit(f"The Celery worker was still busy after {seconds} s: see {self._log_name()}")

    def _log_name(self) -> str:
        return str(self.log) if self.log else "bench/results/server.log"

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
