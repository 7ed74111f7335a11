"""Snapshots: computed in one write, idempotent, coalesced, and caught up after Redis or the worker was down."""

import logging
from unittest import mock

import pytest
from django.core.cache import cache

from analytics import snapshots, tasks
from analytics.models import ReportSnapshot
from analytics.scopes import Scope
from analytics.selectors import data_fingerprint
from workshops.models import PollResponse
from workshops.polls.services import poll_answer
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def queue():
    """Stands in for the broker: records what would be queued."""
    with mock.patch.object(tasks.refresh_snapshot, "apply_async") as apply_async:
        yield apply_async


def test_a_snapshot_holds_figures_fingerprint_time_and_duration(organisation, allocations, facilitator):
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    snapshot = snapshots.compute_snapshot(organisation.pk, "all")
    assert snapshot.figures["reviewed"] == 1 and snapshot.figures["excluded"] == 1
    assert snapshot.fingerprint == data_fingerprint(organisation, Scope())
    assert snapshot.computed_at and snapshot.duration_ms >= 0


def test_computing_twice_on_the_same_data_changes_nothing(organisation, allocations, facilitator):
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    first = snapshots.compute_snapshot(organisation.pk, "all")
    second = snapshots.compute_snapshot(organisation.pk, "all")
    assert ReportSnapshot.objects.count() == 1
    assert (first.figures, first.fingerprint) == (second.figures, second.fingerprint)


def test_a_new_review_or_answer_makes_the_snapshot_stale(organisation, allocations, facilitator, words_poll):
    snapshot = snapshots.compute_snapshot(organisation.pk, "all")
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    assert data_fingerprint(organisation, Scope()) != snapshot.fingerprint
    snapshot = snapshots.compute_snapshot(organisation.pk, "all")
    poll_answer(poll=words_poll, phone="p1", words=["friends"])
    assert data_fingerprint(organisation, Scope()) != snapshot.fingerprint
    snapshot = snapshots.compute_snapshot(organisation.pk, "all")
    words_poll.round += 1
    words_poll.save()
    assert data_fingerprint(organisation, Scope()) != snapshot.fingerprint  # a reset changes what counts


def test_300_requests_for_a_scope_queue_one_refresh_until_it_starts(organisation, queue):
    for _ in range(300):
        snapshots.request_refresh(organisation.pk, ["all", "workshop:1", "all"])
    assert queue.call_count == 2
    assert {call.args[0] for call in queue.call_args_list} == {
        (organisation.pk, "all"),
        (organisation.pk, "workshop:1"),
    }
    # The task clears the marker as it starts: a change from then on queues one more run.
    tasks.refresh_snapshot.run(organisation.pk, "all")
    snapshots.request_refresh(organisation.pk, ["all"])
    assert queue.call_count == 3


def test_tasks_take_ids_and_have_time_limits_below_the_visibility_timeout(settings):
    task = tasks.refresh_snapshot
    assert task.acks_late and task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert task.soft_time_limit < task.time_limit


def read_lately(organisation, *keys):
    """As a dashboard (or the feed) reading each scope notes it (``snapshot_to_read``)."""
    for key in keys:
        snapshots.note_read(organisation.pk, key)


def test_saves_ask_for_a_refresh_of_every_scope_they_touch_and_someone_read_after_commit(
    settings, organisation, allocations, facilitator, queue, django_capture_on_commit_callbacks
):
    touched = {
        "all",
        f"workshop:{allocations[0].workshop_id}",
        "phase:SECONDARY",
        "primary_need:ASD",
        "support_level:EHCP",
        "provision:MSS",
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    assert queue.call_count == 0, "nobody has read any of them: each is computed when first read"
    read_lately(organisation, *touched)
    with django_capture_on_commit_callbacks(execute=True):
        review_save(allocation=allocations[1], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    assert {call.args[0][1] for call in queue.call_args_list} == touched


def test_a_scope_read_by_the_feed_is_kept_current_for_a_day_and_one_on_a_page_for_hours(organisation, queue):
    snapshots.note_read(organisation.pk, "all", snapshots.FEED_READ_SECONDS)
    snapshots.note_read(organisation.pk, "phase:PRIMARY")
    with mock.patch.object(cache, "set", wraps=cache.set) as noted:
        snapshots.note_read(organisation.pk, "phase:PRIMARY")  # again within minutes: no cache write
        snapshots.note_read(organisation.pk, "phase:PRIMARY", snapshots.FEED_READ_SECONDS)
    assert [call.args[2] for call in noted.call_args_list] == [snapshots.FEED_READ_SECONDS]
    assert snapshots.READ_RECENTLY_SECONDS == 6 * 3600 and snapshots.FEED_READ_SECONDS > 24 * 3600
    assert snapshots.kept_scopes(organisation.pk, ["all", "phase:PRIMARY", "phase:SECONDARY"]) == [
        "all",
        "phase:PRIMARY",
    ]


def test_a_burst_of_300_answers_queues_one_refresh_per_scope(
    settings, organisation, words_poll, queue, django_capture_on_commit_callbacks
):
    read_lately(organisation, "all", f"workshop:{words_poll.workshop_id}")
    snapshots._read_here.clear()  # as in another web process, which has not seen these reads
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as asked_whether_read:
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(300):
                poll_answer(poll=words_poll, phone=f"phone{n}", words=["friends"])
    assert asked_whether_read.call_count == 1, "the process remembers for a minute that they are read"
    assert PollResponse.objects.count() == 300
    assert sorted(call.args[0][1] for call in queue.call_args_list) == ["all", f"workshop:{words_poll.workshop_id}"]


def test_answers_wait_a_minute_saves_15_seconds_and_a_reader_of_stale_figures_not_at_all(
    settings, organisation, allocations, facilitator, words_poll, queue, django_capture_on_commit_callbacks
):
    """How long each kind of change waits for its refresh, so that a busy day's bursts are
    computed once (docs/benchmarks.md, the workshop day)."""
    workshop_scope = f"workshop:{allocations[0].workshop_id}"
    read_lately(organisation, "all", workshop_scope)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        poll_answer(poll=words_poll, phone="phone", words=["friends"])
    assert {call.kwargs["countdown"] for call in queue.call_args_list} == {60}
    cache.clear()
    snapshots._noted_here.clear()
    snapshots._queued_here.clear()  # as another web process would: it has queued nothing
    read_lately(organisation, "all", workshop_scope)
    queue.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    assert {call.kwargs["countdown"] for call in queue.call_args_list} == {15}
    cache.clear()
    queue.reset_mock()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots.snapshot_to_read(organisation, Scope.parse(f"workshop:{allocations[0].workshop_id}"))
    assert [call.kwargs["countdown"] for call in queue.call_args_list] == [0]


def test_with_redis_and_the_broker_down_saves_still_work_and_it_is_logged(
    settings, organisation, allocations, facilitator, caplog, django_capture_on_commit_callbacks
):
    read_lately(organisation, "all")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    broken = ConnectionError("Redis is down")
    with (
        mock.patch.object(cache, "add", side_effect=broken),
        mock.patch.object(tasks.refresh_snapshot, "apply_async", side_effect=broken),
    ):
        with caplog.at_level(logging.WARNING, logger="analytics.snapshots"):
            with django_capture_on_commit_callbacks(execute=True):
                review = review_save(
                    allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0
                )
    assert review.pk and review.version == 1
    assert "not queued; the sweep will catch up" in caplog.text


def test_the_sweep_queues_stale_snapshots_read_lately_only(organisation, allocations, facilitator, queue):
    snapshots.compute_snapshot(organisation.pk, "all")
    snapshots.compute_snapshot(organisation.pk, "phase:PRIMARY")
    snapshots.compute_snapshot(organisation.pk, "phase:SECONDARY")  # stale after the save, but read long ago
    read_lately(organisation, "all", "phase:PRIMARY")
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    tasks.sweep_stale_snapshots.run()
    assert [call.args[0] for call in queue.call_args_list] == [(organisation.pk, "all")]


def test_figures_catch_up_once_the_worker_runs_what_was_queued(organisation, allocations, facilitator, queue):
    snapshot = snapshots.compute_snapshot(organisation.pk, "all")
    read_lately(organisation, "all")
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    tasks.sweep_stale_snapshots.run()
    ((organisation_id, scope_key),) = [call.args[0] for call in queue.call_args_list]
    tasks.refresh_snapshot.run(organisation_id, scope_key)  # what a worker does with the message
    snapshot.refresh_from_db()
    assert snapshot.figures["reviewed"] == 1 and snapshot.fingerprint == data_fingerprint(organisation, Scope())
