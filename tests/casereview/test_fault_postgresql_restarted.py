"""PostgreSQL restarted under load: while it is down every request gets an answer at once: 503 with
Retry-After and the "try again in a moment" page (casereview/database_unavailable.py), never the 500
page, for a phone's answer and a facilitator's workshop page alike, or 503 from the health check;
none hangs. Once it is back the same web processes serve again by themselves, and every answer that
was acknowledged is stored."""

import re
import subprocess
import sys
import threading
import time

import psycopg

from tests.live import PROJECT, OwnRedis, Processes, app_environment, phone_joins, wait_until

PHONES = 1000
PASSWORD = "a restart-proof password"
SENDERS = 3
SEED = (
    """
from casereview.services import membership_add, organisation_create
from workshops.models import Poll, Workshop
import datetime
la = organisation_create(slug="restart", name="Restart Borough")
workshop = Workshop.objects.create(organisation=la, title="Restart day", date=datetime.date(2026, 11, 24), """
    """status="live")
poll = Poll.objects.create(workshop=workshop, question="What does an ideal outcome mean to you?", """
    """kind="words", is_open=True)
membership, _ = membership_add(organisation=la, email="facilitator@restart.test", role="facilitator")
"""
    f"membership.user.set_password({PASSWORD!r})"
    """
membership.user.save()
print(workshop.join_code, poll.pk, workshop.pk)
"""
)


def sign_in(server, email: str) -> dict[str, str]:
    """A browser signed in through the sign-in page: its cookie header (the session is in the
    database being restarted, as in production)."""
    status, headers, body = server.get("/accounts/login/")
    assert status == 200
    cookies = dict(value.split(";", 1)[0].split("=", 1) for name, value in headers if name.lower() == "set-cookie")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    status, headers, _ = server.post(
        "/accounts/login/",
        [("csrfmiddlewaretoken", token), ("username", email), ("password", PASSWORD)],
        {"Cookie": cookie},
    )
    assert status == 302, "could not sign in"
    cookies |= dict(value.split(";", 1)[0].split("=", 1) for name, value in headers if name.lower() == "set-cookie")
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_by_themselves(own_postgres, tmp_path):
    redis = OwnRedis(tmp_path)
    redis.start()
    environment = app_environment(own_postgres.url, redis.url)
    for command in (["manage.py", "migrate", "--no-input"], ["manage.py", "shell", "-c", SEED]):
        done = subprocess.run(
            [sys.executable, *command], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    code, poll, workshop = done.stdout.strip().splitlines()[-1].split()
    processes = Processes(tmp_path)
    try:
        server = processes.web(environment)
        facilitator = sign_in(server, "facilitator@restart.test")
        # Phones that joined before the outage, each answering once: an accepted answer is a stored one.
        phones = iter([phone_joins(server, code) for _ in range(PHONES)])
        replies = []  # (when, status, body, Retry-After) of every answer sent
        stop = threading.Event()

        def send_answers():
            for phone, token in phones:
                if stop.is_set():
                    return
                status, headers, body = server.post(
                    f"/j/{code}/polls/{poll}/", [("csrfmiddlewaretoken", token), ("word", "belonging")], phone
                )
                replies.append((time.monotonic(), status, body, dict(headers).get("Retry-After")))
                time.sleep(0.05)

        senders = [threading.Thread(target=send_answers) for _ in range(SENDERS)]
        for sender in senders:
            sender.start()
        time.sleep(2)
        own_postgres.stop()  # waits until it has stopped
        down_from = time.monotonic()
        time.sleep(0.5)
        health = server.get("/health/")
        workshop_page = server.get(f"/workshops/{workshop}/", facilitator)
        time.sleep(2.5)
        starting = time.monotonic()
        own_postgres.start()
        up_from = time.monotonic()
        wait_until(
            lambda: any(when > up_from and status == 302 for when, status, _, _ in replies),
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
    statuses = {status for _, status, _, _ in replies}
    assert statuses <= {302, 503}, statuses  # never refused, never a hang, never the 500 page
    while_down = [(status, body, retry) for when, status, body, retry in replies if down_from < when < starting]
    assert while_down and {status for status, _, _ in while_down} == {503}
    assert all("Try again in a moment" in body and "Traceback" not in body for _, body, _ in while_down)
    assert all(retry and int(retry) > 0 for _, _, retry in while_down)
    assert workshop_page[0] == 503 and int(dict(workshop_page[1])["Retry-After"]) > 0
    assert "Try again in a moment" in workshop_page[2]
    after = [status for when, status, _, _ in replies if when > recovered]
    assert after and set(after) == {302}  # the same gunicorn processes serve again: nothing was restarted
    accepted = sum(1 for _, status, _, _ in replies if status == 302)
    with psycopg.connect(own_postgres.url.replace("postgres://", "postgresql://")) as connection:
        stored = connection.execute("SELECT count(*) FROM workshops_pollresponse").fetchone()[0]
    # Every acknowledged answer is stored; one in flight as PostgreSQL stopped may be stored unacknowledged.
    assert accepted <= stored <= accepted + SENDERS
