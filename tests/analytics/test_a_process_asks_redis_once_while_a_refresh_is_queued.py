"""Phone answers arrive by the hundred a second and each asks for the same two refreshes: a process
that queued one, or found it queued, skips Redis for a few seconds, never past the queued run's
start, and never when a reader waits (after=0)."""

import time
from unittest import mock

import pytest
from django.core.cache import cache

from analytics import snapshots, tasks


@pytest.fixture
def queue():
    """Stands in for the broker: records what would be queued."""
    with mock.patch.object(tasks.refresh_snapshot, "apply_async") as apply_async:
        yield apply_async


@pytest.fixture
def redis_calls():
    with (
        mock.patch.object(cache, "add", wraps=cache.add) as add,
        mock.patch.object(cache, "get", wraps=cache.get) as get,
    ):
        yield lambda: add.call_count + get.call_count


@pytest.fixture
def clock(monkeypatch):
    """This process's monotonic clock, moved on by hand."""
    now = [time.monotonic()]
    monkeypatch.setattr(snapshots.time, "monotonic", lambda: now[0])
    return now


def test_a_second_request_within_the_window_asks_redis_nothing(settings, organisation, queue, redis_calls, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots.request_refresh(organisation.pk, ["all", "workshop:1"], after=60)
    assert queue.call_count == 2 and redis_calls() == 2
    for _ in range(100):
        clock[0] += 0.04
        snapshots.request_refresh(organisation.pk, ["all", "workshop:1"], after=60)
    assert queue.call_count == 2 and redis_calls() == 2


def test_after_the_window_redis_is_asked_again_and_the_queued_run_still_counts(
    settings, organisation, queue, redis_calls, clock
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    clock[0] += snapshots.REQUEST_MEMO_SECONDS + 0.1
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert redis_calls() == 1 + 2  # the add that found the marker, and the read of when its run starts
    assert queue.call_count == 1  # still queued: nothing more to queue


def test_a_reader_waiting_always_asks_redis(settings, organisation, queue, redis_calls, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots.request_refresh(organisation.pk, ["all"], after=0)
    snapshots.request_refresh(organisation.pk, ["all"], after=0)
    assert redis_calls() == 2
    snapshots.request_refresh(organisation.pk, ["workshop:1"], after=60)
    snapshots.request_refresh(organisation.pk, ["workshop:1"], after=0)  # queued for later, but someone waits
    assert redis_calls() == 4


def test_the_skip_ends_before_a_run_another_process_queued_starts(settings, organisation, queue, redis_calls, clock):
    """A run queued elsewhere starts in 3 s: this process may skip Redis for 2 s, not 5. A change
    after that asks again, and finds the marker gone once the run has started: it queues again."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.add(snapshots.queued_marker(organisation.pk, "all"), time.time() + 3, timeout=600)
    before = redis_calls()
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert queue.call_count == 0 and redis_calls() - before == 2
    clock[0] += 1.5
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert redis_calls() - before == 2
    clock[0] += 1.0
    cache.delete(snapshots.queued_marker(organisation.pk, "all"))  # the run has started elsewhere
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert queue.call_count == 1


def test_a_marker_whose_run_is_about_to_start_is_not_remembered(settings, organisation, queue, redis_calls, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.add(snapshots.queued_marker(organisation.pk, "all"), time.time() + 0.5, timeout=600)
    before = redis_calls()
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert redis_calls() - before == 4


def test_a_run_started_in_this_process_makes_the_next_request_queue_again(settings, organisation, queue, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots.request_refresh(organisation.pk, ["all"], after=15)
    tasks.refresh_snapshot.run(organisation.pk, "all")
    snapshots.request_refresh(organisation.pk, ["all"], after=15)
    assert queue.call_count == 2


def test_the_memo_is_bounded(settings, organisation, queue, clock, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(snapshots, "REQUEST_MEMO_SIZE", 10)
    monkeypatch.setattr(snapshots, "_queued_here", {})
    for n in range(25):
        snapshots.request_refresh(organisation.pk, [f"workshop:{n}"], after=60)
        assert len(snapshots._queued_here) <= 10
    assert queue.call_count == 25


def test_in_process_tasks_are_never_skipped(settings, organisation, queue, redis_calls, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: a "queued" run has already run
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    cache.delete(snapshots.queued_marker(organisation.pk, "all"))
    snapshots.request_refresh(organisation.pk, ["all"], after=60)
    assert queue.call_count == 2
