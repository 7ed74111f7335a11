"""A dashboard served from its snapshot and a version check (issue 37): once a scope's snapshot
was found current at the LA's figures version, a view while that version stands asks no
fingerprint of the data; a write (after it commits) moves the version, so the next view asks
again and sees the change. What no write announces (an edit outside the services) is seen once
the check lapses (VERIFIED_SECONDS). With the cache unable to say, every view asks the data."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import snapshots
from analytics.models import ReportSnapshot
from tests.fixtures import save_ideal_and_not_ideal
from workshops.models import CaseReview
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def current(organisation, allocations, facilitator, term, django_capture_on_commit_callbacks, settings):
    """Two reviews and the overview's snapshot of them, stored as a worker stores it (committed,
    the figures version moved), with a worker to queue refreshes for (not computed in-process)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    save_ideal_and_not_ideal(allocations, facilitator, term)
    with django_capture_on_commit_callbacks(execute=True):
        snapshots.compute_snapshot(organisation.pk, "all")
    return allocations


def fingerprints_asked(client, times: int = 1) -> tuple[int, str]:
    """How many times the dashboard's views asked the data's fingerprint; the last page."""
    with mock.patch("analytics.snapshots.data_fingerprint", wraps=snapshots.data_fingerprint) as fingerprint:
        for _ in range(times):
            page = client.get(reverse("dashboard")).content.decode()
    return fingerprint.call_count, page


def test_a_dashboard_seen_again_with_nothing_written_asks_no_fingerprint(client_for, viewer, lead, outsider, current):
    assert fingerprints_asked(client_for(viewer)) == (1, mock.ANY)  # found current, at this version
    asked, page = fingerprints_asked(client_for(lead), times=3)  # another member, the same LA
    assert asked == 0
    assert "✓ Up to date" in page and "Of 2 reviews of 2 children" in page
    # Another LA's member: its own LA's version and snapshot (none yet), never this one's.
    asked, page = fingerprints_asked(client_for(outsider))
    assert "✓ Up to date" not in page and "Of 2 reviews" not in page


def test_a_review_saved_since_makes_the_next_view_ask_and_say_the_figures_are_updating(
    client_for, viewer, facilitator, current, term, django_capture_on_commit_callbacks
):
    client = client_for(viewer)
    fingerprints_asked(client)
    with django_capture_on_commit_callbacks(execute=True):
        review_save(
            allocation=current[2],
            answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
            by=facilitator,
            expected_version=0,
        )
    asked, page = fingerprints_asked(client)
    assert asked == 1
    assert "✓ Up to date" not in page and "Updating" in page  # stale, marked, a refresh queued


def test_an_edit_no_write_announces_is_seen_once_the_check_lapses(client_for, viewer, organisation, current):
    client = client_for(viewer)
    fingerprints_asked(client)
    # As an edit in the admin: the row changes, no service announces it.
    CaseReview.objects.filter(allocation=current[0]).update(updated_at=timezone.now())
    assert fingerprints_asked(client)[0] == 0  # within the minute: trusted still
    snapshots.cache.delete(snapshots._verified_key(organisation.pk, "all"))  # the minute over
    asked, page = fingerprints_asked(client)
    assert asked == 1 and "Updating" in page


def test_a_snapshot_stored_since_is_not_taken_for_the_one_found_current(client_for, viewer, organisation, current):
    client = client_for(viewer)
    fingerprints_asked(client)
    # Stored since by a run that read other data: the same row, another fingerprint.
    ReportSnapshot.objects.filter(organisation=organisation, scope="all").update(fingerprint="other data")
    asked, page = fingerprints_asked(client)
    assert asked == 1 and "Updating" in page


def test_with_the_cache_unable_to_say_every_view_asks_the_data(client_for, viewer, current):
    client = client_for(viewer)
    with mock.patch.object(snapshots.cache, "get_many", side_effect=ConnectionError("Redis is down")):
        asked, page = fingerprints_asked(client, times=2)
    assert asked == 2 and "✓ Up to date" in page


def test_a_version_lost_from_the_cache_is_never_made_again_with_an_old_number(organisation):
    snapshots._figures_changed(organisation.pk)
    first = int(snapshots.figures_version(organisation.pk))
    snapshots.cache.delete(snapshots.figures_version_key(organisation.pk))  # evicted, or Redis restarted empty
    snapshots._figures_changed(organisation.pk)
    assert int(snapshots.figures_version(organisation.pk)) > first
