"""One real Celery worker against Redis: a task enqueued with delay_on_commit runs after commit."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from casereview.celery import app
from casereview.tasks import HEARTBEAT_KEY, worker_heartbeat

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url):
    app.control.purge()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "casereview", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=PROJECT, env={**os.environ, "REDIS_URL": redis_url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_on_commit_runs_in_a_real_worker(worker):
    cache.delete(HEARTBEAT_KEY)
    with transaction.atomic():
        worker_heartbeat.delay_on_commit()
        # Not sent before the transaction commits: nothing can read half-written data.
        assert app.connection_for_write().default_channel.client.llen("celery") == 0
    deadline = time.monotonic() + 60
    while cache.get(HEARTBEAT_KEY) is None:
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped: {worker.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail("The task did not run within 60 seconds.")
        time.sleep(0.2)
    assert cache.get(HEARTBEAT_KEY)["hostname"]
