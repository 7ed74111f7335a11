"""PostgreSQL restarted under load: while it is down every request gets an answer at once (the
friendly error page, or 503 from the health check), none hangs; once it is back the same web
processes serve again by themselves, and every answer that was acknowledged is stored."""

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.live import PROJECT, OwnPostgres, OwnRedis, Processes, app_environment, phone_joins, wait_until

PHONES = 1000
SENDERS = 3
SEED = (
    """
from casereview.services import organisation_create
from workshops.models import Poll, Workshop
import datetime
la = organisation_create(slug="restart", name="Restart Borough")
workshop = Workshop.objects.create(organisation=la, title="Restart day", date=datetime.date(2026, 11, 24), """
    """status="live")
poll = Poll.objects.create(workshop=workshop, question="What does an ideal outcome mean to you?", """
    """kind="words", is_open=True)
print(workshop.join_code, poll.pk)
"""
)


@pytest.fixture
def own_postgres(postgresql):
    """A PostgreSQL of this test's own (the test stops it). Its folder is outside pytest's private
    temporary folders, which the postgres user may not enter."""
    directory = Path(tempfile.mkdtemp(prefix="casereview-postgres-"))
    database = OwnPostgres(directory)
    try:
        database.create()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"Could not start a PostgreSQL of the test's own: {getattr(error, 'stderr', error)}")
    yield database
    database.stop()
    shutil.rmtree(directory, ignore_errors=True)


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_by_themselves(own_postgres, tmp_path):
    redis = OwnRedis(tmp_path)
    redis.start()
    environment = app_environment(own_postgres.url, redis.url)
    for command in (["manage.py", "migrate", "--no-input"], ["manage.py", "shell", "-c", SEED]):
        done = subprocess.run(
            [sys.executable, *command], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    code, poll = done.stdout.strip().splitlines()[-1].split()
    processes = Processes(tmp_path)
    try:
        server = processes.web(environment)
        # Phones that joined before the outage, each answering once: an accepted answer is a stored one.
        phones = iter([phone_joins(server, code) for _ in range(PHONES)])
        replies = []  # (when, status, body) of every answer sent
        stop = threading.Event()

        def send_answers():
            for phone, token in phones:
                if stop.is_set():
                    return
                status, _, body = server.post(
                    f"/j/{code}/polls/{poll}/", [("csrfmiddlewaretoken", token), ("word", "belonging")], phone
                )
                replies.append((time.monotonic(), status, body))
                time.sleep(0.05)

        senders = [threading.Thread(target=send_answers) for _ in range(SENDERS)]
        for sender in senders:
            sender.start()
        time.sleep(2)
        own_postgres.stop()  # waits until it has stopped
        down_from = time.monotonic()
        time.sleep(0.5)
        health = server.get("/health/")
        time.sleep(2.5)
        starting = time.monotonic()
        own_postgres.start()
        up_from = time.monotonic()
        wait_until(
            lambda: any(when > up_from and status == 302 for when, status, _ in replies),
            30,
            "answers to be accepted again",
        )
        recovered = time.monotonic()
        time.sleep(3)
        stop.set()
        for sender in senders:
            sender.join(30)
    finally:
        processes.stop_all()
        redis.stop()

    assert health[0] == 503 and '"database": "unavailable"' in health[2]
    statuses = {status for _, status, _ in replies}
    assert statuses <= {302, 500}, statuses  # never refused, never a hang: an answer or the error page
    while_down = [(status, body) for when, status, body in replies if down_from < when < starting]
    assert while_down and {status for status, _ in while_down} == {500}
    assert all("Sorry, something went wrong" in body and "Traceback" not in body for _, body in while_down)
    after = [status for when, status, _ in replies if when > recovered]
    assert after and set(after) == {302}  # the same gunicorn processes serve again: nothing was restarted
    accepted = sum(1 for _, status, _ in replies if status == 302)
    with psycopg.connect(own_postgres.url.replace("postgres://", "postgresql://")) as connection:
        stored = connection.execute("SELECT count(*) FROM workshops_pollresponse").fetchone()[0]
    # Every acknowledged answer is stored; one in flight as PostgreSQL stopped may be stored unacknowledged.
    assert accepted <= stored <= accepted + SENDERS
