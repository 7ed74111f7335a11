from django.core.cache import cache
from django.urls import reverse

from casereview.tasks import HEARTBEAT_KEY, worker_heartbeat


def test_it_reports_the_database_and_no_worker_yet(client, db):
    cache.delete(HEARTBEAT_KEY)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "worker": None}


def test_it_reports_when_a_worker_was_last_seen(client, db):
    worker_heartbeat()
    worker = client.get(reverse("health")).json()["worker"]
    assert worker["seconds_ago"] <= 5


def test_alive_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
