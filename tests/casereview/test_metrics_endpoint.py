"""/metrics: there only with a token, readable only with it, labelled by view names (never an
address or what someone typed), and counting what it says it counts (issue 34)."""

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from casereview.metrics import CELERY_QUEUE, CELERY_UNACKED
from tests.live import OwnRedis
from workshops.polls.services import poll_answer
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

TOKEN = "a-long-random-token-for-the-tests"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def scraped() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return scraped


def value(text: str, name: str, **labels) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(key) == wanted for key, wanted in labels.items()):
                return sample.value
    return None


def test_without_a_token_set_there_is_nothing_there(client, settings, db):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_a_wrong_or_missing_token_is_refused(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.get("/metrics", **headers)
        assert response.status_code == 401
        assert "casereview_" not in response.content.decode()


def test_requests_are_counted_by_view_name_never_by_address_or_query(client, scrape, db):
    before = value(scrape(), "casereview_http_requests_total", view="health", status="200") or 0
    client.get("/health/?email=someone.private%40example.org&name=Jordan+Example")
    client.get("/vocabulary/terms/987654/?child=Jordan+Example")  # signed out: sent to sign in
    text = scrape()
    assert value(text, "casereview_http_requests_total", view="health", status="200") == before + 1
    assert value(text, "casereview_http_requests_total", view="vocabulary_term_edit", status="302") >= 1
    assert value(text, "casereview_http_request_duration_seconds_count", view="health") >= 1
    samples = _sample_lines(text)
    for leaked in ("someone.private", "example.org", "Jordan", "/health/", "/vocabulary/", "987654", "?"):
        assert leaked not in samples


def _sample_lines(text: str) -> str:
    """Every sample's name and labels, without its value: what someone typed could only get in
    there, and a value's digits (a duration's sum: 0.0335872169998765) would match "987654"."""
    return "\n".join(line.rpartition(" ")[0] for line in text.splitlines() if line and not line.startswith("#"))


def test_nothing_personal_or_addressed_is_in_any_sample(client, scrape, db):
    client.get("/health/?email=someone.private%40example.org")
    client.get("/no-such-page/Jordan-Example/?email=someone.private%40example.org")
    samples = _sample_lines(scrape())
    assert 'view="unmatched"' in samples
    for leaked in ("someone.private", "example.org", "Jordan", "/health/", "no-such-page", "?email"):
        assert leaked not in samples


def test_reviews_saved_and_answers_stored_are_counted(scrape, organisation, allocations, facilitator, words_poll):
    before = scrape()
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    poll_answer(poll=words_poll, phone="p1", words=["friends"])
    poll_answer(poll=words_poll, phone="p2", words=["being heard", "a plan that works"])  # stored in bulk
    after = scrape()
    assert value(after, "casereview_reviews_saved_total") == value(before, "casereview_reviews_saved_total") + 1
    assert (
        value(after, "casereview_poll_answers_stored_total")
        == value(before, "casereview_poll_answers_stored_total") + 3
    )


def test_the_queue_gauges_read_the_broker_at_each_scrape(scrape, settings, redis_url, tmp_path):
    # A Redis of the test's own as the broker: the shared one's Celery queue belongs to real workers.
    own = OwnRedis(tmp_path)
    own.start()
    try:
        settings.CELERY_BROKER_URL = own.url
        broker = redis.Redis.from_url(own.url)
        broker.rpush(CELERY_QUEUE, "one", "two", "three")
        broker.hset(CELERY_UNACKED, "tag", "held")
        text = scrape()
        assert value(text, "casereview_celery_queue_length", queue="celery") == 3
        assert value(text, "casereview_celery_unacked_tasks") == 1
        assert value(text, "casereview_broker_up") == 1
        broker.lpop(CELERY_QUEUE)
        assert value(scrape(), "casereview_celery_queue_length", queue="celery") == 2
    finally:
        own.stop()
    text = scrape()  # the broker gone: no queue length, and broker_up says so
    assert value(text, "casereview_broker_up") == 0
    assert value(text, "casereview_celery_queue_length", queue="celery") is None


def test_a_refresh_queued_is_counted_and_the_figures_age_is_a_gauge(scrape, organisation, redis_url, settings):
    from unittest import mock

    from analytics import snapshots, tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = value(scrape(), "casereview_report_refreshes_total", stage="queued") or 0
    with mock.patch.object(tasks.refresh_snapshot, "apply_async"):
        snapshots.request_refresh(organisation.pk, ["all"])
    text = scrape()
    assert value(text, "casereview_report_refreshes_total", stage="queued") == before + 1
    assert value(text, "casereview_figures_age_seconds") >= 0
    tasks.refresh_snapshot.run(organisation.pk, "all")
    assert value(scrape(), "casereview_figures_age_seconds") == 0
