"""For the fault tests: the app under gunicorn and a Celery worker in their own processes, a Redis
and a PostgreSQL of the test's own (never the shared ones: the tests stop them), and plain HTTP.

The processes use the test's database, so tests using these need ``transactional_db``: what the
test writes is committed, and what the server writes is visible to the test."""

import atexit
import functools
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import web as bench_web
from bench.server import free_port

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def wait_until(condition, seconds: float = 60, what: str = "it", processes=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{process.args[0]} stopped while waiting for {what}: see its log.")
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {seconds} s for {what}.")
        time.sleep(0.1)


def database_url_of_tests() -> str:
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


class OwnRedis:
    """A Redis server of the test's own, on a free port, that the test may stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "Redis to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder), run as the postgres
    user, which the test may stop and start again."""

    def __init__(self, directory: Path):
        self.bin = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/casereview"

    def _as_postgres(self, *command, check=True):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True, check=check)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._as_postgres(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._as_postgres(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "casereview")

    def start(self) -> None:
        self._as_postgres(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-w",
            "-l",
            self.directory / "server.log",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(self.bin / "pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop", check=False)


@functools.cache
def collected_static() -> str:
    """With DEBUG off pages need collectstatic's files and manifest: gathered once per test run, in
    a folder of its own (a fresh clone has none)."""
    folder = tempfile.mkdtemp(prefix="casereview-static-")
    atexit.register(shutil.rmtree, folder, True)
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY, "STATIC_ROOT": folder},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return folder


def app_environment(database_url: str, redis_url: str, **extra) -> dict[str, str]:
    """Production settings (DEBUG off) without TLS, for processes the test starts."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return environment | {
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": collected_static(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Processes:
    """gunicorn and Celery processes started for one test, stopped (with their children) after it."""

    def __init__(self, log_directory: Path):
        self.log_directory = log_directory
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], environment: dict) -> subprocess.Popen:
        log = open(self.log_directory / f"{name}.log", "a")  # the process keeps it open
        process = subprocess.Popen(
            command, cwd=PROJECT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append(process)
        return process

    def web(self, environment: dict) -> "Server":
        port = free_port()
        # Production's settings (casereview/gunicorn_config.py), two workers.
        process = self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "-c",
                "python:casereview.gunicorn_config",
                "casereview.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ],
            environment,
        )
        server = Server(port)
        wait_until(lambda: server.get("/health/alive/")[0] == 200, 30, "gunicorn to start", [process])
        return server

    def worker(self, environment: dict, *, beat_schedule: Path | None = None, pool: str = "solo") -> subprocess.Popen:
        command = [
            str(BIN / "celery"),
            "-A",
            "casereview",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]
        if beat_schedule:
            command += ["--beat", "--schedule", str(beat_schedule)]
        return self.start("worker", command, environment)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def log(self, name: str) -> str:
        path = self.log_directory / f"{name}.log"
        return path.read_text() if path.exists() else ""


class Supervised:
    """Starts a process again whenever it exits, as a supervisor does in production (docker compose's
    ``restart: unless-stopped``, systemd's ``Restart=always``)."""

    def __init__(self, start):
        self._start = start
        self.process = start()
        self.restarts = 0
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            if self.process.poll() is not None:
                self.restarts += 1
                self.process = self._start()

    def stop(self) -> None:
        self._stopping.set()
        self._watcher.join(5)


class Server:
    """Plain HTTP to the live server: one connection per request, cookies passed by hand."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, *, body: str = "", headers=None, timeout: float = 15):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            all_headers = {"Origin": self.origin, **(headers or {})}
            if body:
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection_.request(method, path, body=body, headers=all_headers)
            response = connection_.getresponse()
            return response.status, response.getheaders(), response.read().decode(errors="replace")
        except OSError:
            return None, [], ""  # refused or reset: the server is not answering
        finally:
            connection_.close()

    def get(self, path: str, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: list[tuple[str, str]], headers=None):
        from urllib.parse import urlencode

        return self.request("POST", path, body=urlencode(fields), headers=headers)


def signed_in(user) -> dict[str, str]:
    """Headers of a browser signed in as ``user``, with its CSRF token, posting with htmx."""
    person = bench_web.signed_in(user)
    return {"Cookie": person.cookie, "X-CSRFToken": person.token, "HX-Request": "true"}


def phone_joins(server: Server, code: str) -> tuple[dict[str, str], str]:
    """A phone opening the workshop's page: its cookie header and form token."""
    status, headers, body = server.get(f"/j/{code}/")
    assert status == 200, body[:500]
    cookies = "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")
    return {"Cookie": cookies}, bench_web.TOKEN.search(body.encode()).group(1).decode()
