"""Redis stopped while a live server takes reviews and answers: every save is kept, nobody waits,
and the figures of the dashboards people have open catch up by themselves once Redis is back
(docs/design.md, “The write path: nothing lost”). A Redis restarted empty has forgotten which
scopes were read lately (issue 37: a save refreshes only those), so it is the open dashboards'
own checks, every few seconds, that find their figures stale and have them recomputed."""

import pytest

from analytics.models import ReportSnapshot
from tests.live import OwnRedis, Processes, Supervised, database_url_of_tests, phone_joins, signed_in, wait_until
from workshops.models import CaseReview, PollResponse


@pytest.fixture
def stack(postgresql, redis_url, transactional_db, tmp_path):
    """gunicorn and a Celery worker with beat, on a Redis of this test's own."""
    redis = OwnRedis(tmp_path)
    redis.start()
    processes = Processes(tmp_path)
    environment = {"REPORT_SWEEP_SECONDS": "1"}
    yield redis, processes, environment
    processes.stop_all()
    redis.stop()


def _save_review(server, headers, room, allocation, version, ideal, term):
    fields = [
        ("action", "save"),
        ("version", str(version)),
        ("ideal_outcome", "yes" if ideal else "no"),
        ("notes", ""),
        ("themes", str(term("theme", "WORKFORCE_CAPACITY").pk)),
    ]
    if not ideal:
        fields += [
            ("non_ideal_areas", str(term("non_ideal_area", "TIMING_OF_SUPPORT").pk)),
            ("better_provision", str(term("provision", "MAINSTREAM").pk)),
        ]
    status, response_headers, body = server.post(f"/rooms/{room.pk}/cases/{allocation.pk}/review/", fields, headers)
    assert status == 200 and any(name == "HX-Push-Url" for name, _ in response_headers), body[:800]


def _figures(organisation, scope="all"):
    snapshot = ReportSnapshot.objects.filter(organisation=organisation, scope=scope).first()
    return snapshot.figures if snapshot else None


def _every_live_page_opens(server, lead_headers, facilitator_headers, workshop, room, poll):
    lead_page = {**lead_headers}
    lead_page.pop("HX-Request")  # whole pages, as a browser first opens them
    pages = [
        (f"/polls/{poll.pk}/present/", lead_page),
        (f"/polls/{poll.pk}/present/results/", lead_headers),
        (f"/workshops/{workshop.pk}/control-room/", lead_page),
        ("/dashboards/", lead_page),
        (f"/dashboards/workshops/{workshop.pk}/", lead_page),
        (f"/rooms/{room.pk}/", {key: value for key, value in facilitator_headers.items() if key != "HX-Request"}),
    ]
    for path, headers in pages:
        status, _, body = server.get(path, headers)
        assert status == 200, f"{path}: {status} {body[:500]}"
    phone, token = phone_joins(server, workshop.join_code)  # the attendee's page (asserts 200)
    status, _, _ = server.get(f"/j/{workshop.join_code}/", phone)
    assert status == 200
    status, _, _ = server.get(f"/join/?code={workshop.join_code}")
    assert status == 302


@pytest.mark.worker
def test_with_redis_stopped_saves_and_answers_are_kept_and_the_figures_catch_up(
    stack, tmp_path, organisation, workshop, room, allocations, facilitator, lead, words_poll, term
):
    redis, processes, extra = stack
    from tests.live import app_environment

    environment = app_environment(database_url_of_tests(), redis.url, **extra)
    server = processes.web(environment)
    # Supervised, as in production: with Redis gone the worker may exit (kombu fails restoring its
    # unacknowledged messages on the lost connection) and is started again, as compose does.
    worker = Supervised(lambda: processes.worker(environment, beat_schedule=tmp_path / "beat-schedule"))
    facilitator_headers = signed_in(facilitator)
    lead_headers = signed_in(lead)
    # A SEND lead has the LA's dashboard and the workshop's open: saves keep them current.
    open_dashboards = ["all", f"workshop:{workshop.pk}"]
    for scope in open_dashboards:
        whole_page = {name: value for name, value in lead_headers.items() if name != "HX-Request"}
        status, _, body = server.get(f"/dashboards/?scope={scope}", whole_page)
        assert status == 200, body[:500]

    def dashboards_check():
        """What an open dashboard asks every few seconds (static/js/freshness.js): its status."""
        for scope in open_dashboards:
            server.get(f"/dashboards/status/?scope={scope}&shown=&v=", lead_headers)

    _save_review(server, facilitator_headers, room, allocations[0], 0, ideal=True, term=term)
    wait_until(lambda: (_figures(organisation) or {}).get("reviewed") == 1, 60, "the first figures")

    redis.stop()
    # Reviews and answers while Redis is down: each is answered (never left hanging) and stored.
    _save_review(server, facilitator_headers, room, allocations[1], 0, ideal=False, term=term)
    for word in ("belonging", "friends", "independence"):
        phone, token = phone_joins(server, workshop.join_code)
        status, _, body = server.post(
            f"/j/{workshop.join_code}/polls/{words_poll.pk}/", [("csrfmiddlewaretoken", token), ("word", word)], phone
        )
        assert status == 302, body[:800]
    assert CaseReview.objects.filter(allocation__workshop=workshop).count() == 2
    assert PollResponse.objects.filter(poll=words_poll).count() == 3
    assert _figures(organisation)["reviewed"] == 1  # the figures wait for Redis, the data does not
    # Every page a workshop uses live still opens, reading the database where it would read the
    # cache (issue 16, item 6: the projector answered 500).
    _every_live_page_opens(server, lead_headers, facilitator_headers, workshop, room, words_poll)

    redis.start()  # empty, as after a restart without persistence: the queued refreshes are gone

    # The open dashboards' checks find their figures out of date and the worker recomputes them.
    def caught_up(check):
        dashboards_check()
        return check()

    wait_until(lambda: caught_up(lambda: _figures(organisation)["reviewed"] == 2), 90, "the figures to catch up")
    wait_until(
        lambda: caught_up(lambda: (_figures(organisation)["polls"] or [{}])[0].get("answers") == 3),
        60,
        "the answers to count",
    )
    wait_until(
        lambda: caught_up(lambda: (_figures(organisation, f"workshop:{workshop.pk}") or {}).get("reviewed") == 2),
        60,
        "the workshop's figures",
    )
    worker.stop()
    assert "not queued; the sweep will catch up" in processes.log("gunicorn")
