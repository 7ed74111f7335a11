"""Snapshots of combined scopes (a workshop and a phase...) are made on their first view, and from
then on kept exact while people read them: a saved review refreshes every scope read lately that
holds it, before and after the change, and no other; scopes nobody has read lately are not queued
but found stale and refreshed at once when next read (issue 37); the sweep and the deletion of a
workshop cover them too."""

from unittest import mock

import pytest
from django.urls import reverse

from analytics import snapshots, tasks
from analytics.models import ReportSnapshot
from workshops.retention import workshop_delete
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def queue():
    """Stands in for the broker: records what would be queued."""
    with mock.patch.object(tasks.refresh_snapshot, "apply_async") as apply_async:
        yield apply_async


def queued(queue) -> set[str]:
    return {call.args[0][1] for call in queue.call_args_list}


def read_lately(organisation, *keys):
    """Each scope computed and read, as a dashboard reads it (``snapshot_to_read`` notes the read)."""
    for key in keys:
        snapshots.compute_snapshot(organisation.pk, key)
        snapshots.note_read(organisation.pk, key)


def save(allocation, facilitator, version=0):
    return review_save(allocation=allocation, answer=ReviewAnswer(False), by=facilitator, expected_version=version)


def test_a_combination_is_computed_on_its_first_view(
    settings, client_for, viewer, organisation, allocations, facilitator, workshop
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: the first view computes in-process
    save(allocations[0], facilitator)
    key = f"workshop:{workshop.pk},phase:SECONDARY,primary_need:ASD"
    assert not ReportSnapshot.objects.filter(scope=key).exists()
    assert client_for(viewer).get(reverse("dashboard"), {"scope": key}).status_code == 200
    assert ReportSnapshot.objects.get(organisation=organisation, scope=key).figures["reviewed"] == 1


def test_a_save_refreshes_the_scopes_read_lately_holding_the_review_and_no_other(
    settings, organisation, allocations, facilitator, workshop, queue, django_capture_on_commit_callbacks
):
    holding = [
        "all",
        f"workshop:{workshop.pk}",
        f"workshop:{workshop.pk},phase:SECONDARY",
        "phase:SECONDARY,primary_need:ASD,support_level:EHCP,provision:MSS",
    ]
    not_holding = [f"workshop:{workshop.pk},phase:PRIMARY", "primary_need:SEMH,support_level:EHCP"]
    read_lately(organisation, *holding, *not_holding)
    snapshots.compute_snapshot(organisation.pk, "phase:SECONDARY")  # read long ago: not noted
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        save(allocations[0], facilitator)
    # Of the 6 single scopes and 26 combinations holding the review, only the four read lately.
    assert queued(queue) == set(holding)


def test_a_scope_not_read_lately_is_refreshed_at_once_when_next_read_its_figures_marked_meanwhile(
    settings, client_for, viewer, organisation, allocations, facilitator, queue, django_capture_on_commit_callbacks
):
    snapshots.compute_snapshot(organisation.pk, "phase:SECONDARY")  # read long ago
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        save(allocations[0], facilitator)
    assert "phase:SECONDARY" not in queued(queue)

    page = client_for(viewer).get(reverse("dashboard"), {"scope": "phase:SECONDARY"})
    assert page.status_code == 200
    assert "Updating: reviews or answers have changed since" in page.content.decode()
    assert mock.call((organisation.pk, "phase:SECONDARY"), countdown=0) in queue.call_args_list
    # Read now: once the refresh has run, the next save keeps it current.
    tasks.refresh_snapshot.run(organisation.pk, "phase:SECONDARY")
    queue.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        save(allocations[1], facilitator)
    assert "phase:SECONDARY" in queued(queue)


def test_a_review_saved_again_after_its_case_moved_stays_in_its_combination(
    settings, organisation, allocations, facilitator, workshop, term, queue, django_capture_on_commit_callbacks
):
    """A review keeps its moment: saved again after its case was re-imported as primary, it still
    counts where the room reviewed it (secondary), and only that combination is refreshed."""
    review = save(allocations[0], facilitator)
    before, after, elsewhere = (
        f"workshop:{workshop.pk},phase:SECONDARY",
        f"workshop:{workshop.pk},phase:PRIMARY",
        "phase:POST16,primary_need:ASD",
    )
    read_lately(organisation, before, after, elsewhere)
    case = allocations[0].case
    case.phase = term("phase", "PRIMARY")  # the case was re-imported as primary; the room saves the review again
    case.save()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        save(allocations[0], facilitator, version=review.version)
    assert before in queued(queue) and after not in queued(queue) and elsewhere not in queued(queue)
    for key in (before, after):  # and what the worker then computes is right
        tasks.refresh_snapshot.run(organisation.pk, key)
    assert ReportSnapshot.objects.get(scope=before).figures["reviewed"] == 1
    assert ReportSnapshot.objects.get(scope=after).figures["reviewed"] == 0


def test_the_sweep_requeues_a_stale_combination_read_lately(organisation, allocations, facilitator, workshop, queue):
    holding, not_holding = f"workshop:{workshop.pk},primary_need:ASD", f"workshop:{workshop.pk},primary_need:SEMH"
    read_lately(organisation, holding, not_holding)
    unread = f"workshop:{workshop.pk},phase:SECONDARY"
    snapshots.compute_snapshot(organisation.pk, unread)  # holds the review, but nobody read it lately
    save(allocations[0], facilitator)
    tasks.sweep_stale_snapshots.run()
    assert queued(queue) == {holding}


def test_deleting_a_workshop_deletes_every_snapshot_naming_it(
    settings, organisation, allocations, facilitator, workshop, queue, django_capture_on_commit_callbacks
):
    save(allocations[0], facilitator)
    naming = [
        f"workshop:{workshop.pk}",
        f"workshop:{workshop.pk},phase:SECONDARY",
        f"workshop:{workshop.pk},provision:MSS",
    ]
    read_lately(organisation, *naming, "phase:SECONDARY", "phase:SECONDARY,provision:MSS")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        workshop_delete(workshop=workshop, reason="test")
    assert set(ReportSnapshot.objects.values_list("scope", flat=True)) == {
        "phase:SECONDARY",
        "phase:SECONDARY,provision:MSS",
    }
    assert queued(queue) == {
        "phase:SECONDARY",
        "phase:SECONDARY,provision:MSS",
    }  # recomputed without its reviews; it, never again
