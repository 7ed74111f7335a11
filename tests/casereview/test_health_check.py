from django.core.cache import cache
from django.urls import reverse

from casereview.tasks import HEARTBEAT_KEY, worker_heartbeat


def test_it_reports_the_database_and_no_worker_yet(client, db):
    cache.delete(HEARTBEAT_KEY)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    health = response.json()
    assert health["database"] == "ok" and health["cache"] in ("ok", "unavailable")
    # No heartbeat yet: no worker known to be running (with Redis; none is used without it).
    assert health["worker"]["last_seen"] is None and health["worker"]["state"] in ("unavailable", "not used")


def test_it_reports_when_a_worker_was_last_seen(client, db, settings):
    worker_heartbeat()
    worker = client.get(reverse("health")).json()["worker"]
    if settings.REDIS_URL:
        assert worker["state"] == "ok" and worker["seconds_ago"] <= 5
    else:  # the embedded shape runs tasks in-process: there is no worker to see
        assert worker["state"] == "not used" and worker["last_seen"] is None


def test_alive_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
