"""One real Celery worker against Redis: a task enqueued with delay_on_commit runs after commit."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from casereview.celery import app
from casereview.tasks import HEARTBEAT_KEY, worker_heartbeat

PROJECT = Path(__file__).resolve().parents[2]


def start_worker(redis_url, cache_prefix):
    """A real Celery worker on Redis, using this test's database and cache keys."""
    app.control.purge()
    database = connection.settings_dict
    database_url = (
        (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
            f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        )
        if connection.vendor == "postgresql"
        else f"sqlite:///{database['NAME']}"
    )
    environment = {**os.environ, "REDIS_URL": redis_url, "CACHE_KEY_PREFIX": cache_prefix, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "casereview",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition, process, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"The worker stopped: {process.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Not done within {seconds} seconds.")
        time.sleep(0.2)


@pytest.fixture
def worker(redis_url, cache_of_its_own, transactional_db):
    process = start_worker(redis_url, cache_of_its_own)
    yield process
    stop_worker(process)


@pytest.mark.worker
def test_a_task_enqueued_on_commit_runs_in_a_real_worker(worker):
    cache.delete(HEARTBEAT_KEY)
    with transaction.atomic():
        worker_heartbeat.delay_on_commit()
        # Not sent before the transaction commits: nothing can read half-written data.
        assert app.connection_for_write().default_channel.client.llen("celery") == 0
    wait_for(lambda: cache.get(HEARTBEAT_KEY) is not None, worker)
    assert cache.get(HEARTBEAT_KEY)["hostname"]
