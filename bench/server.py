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
    """gunicorn (sync workers, as in the Dockerfile) and one Celery worker, started and stopped together."""

    def __init__(self, environment: dict[str, str], workers: int):
        self.environment = {**os.environ, **environment}
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "Stack":
        log = open(PROJECT / "bench" / "results" / "server.log", "w")  # noqa: SIM115 - closed with the processes
        self.processes.append(subprocess.Popen(
            [BIN / "gunicorn", "casereview.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--backlog", "4096", "--log-level", "warning"],
            cwd=PROJECT, env=self.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
        self.processes.append(subprocess.Popen(
            [BIN / "celery", "-A", "casereview", "worker", "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip",
             "--without-mingle"],
            cwd=PROJECT, env=self.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
        self._wait_until_up()
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
        raise SystemExit(f"gunicorn did not answer on {self.base_url} within {seconds} s: see bench/results/server.log")

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
