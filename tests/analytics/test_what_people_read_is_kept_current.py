"""Refreshes only where read (issue 37): what counts as read. A dashboard opened, an open
dashboard's unchanged check every few seconds (so a page left open all day keeps its figures
current), and the Power BI feed, whose reads count for a day (a daily scheduled refresh reads
current figures); a scope nobody read is not refreshed by a save."""

from django.core.cache import cache
from django.urls import reverse

from analytics import snapshots
from tests.analytics.test_power_bi_feed import key, read, table_url  # noqa: F401 - the key fixture

SCOPE = "phase:SECONDARY"


def kept(organisation):
    snapshots._read_here.clear()  # as another web process would read it: from the cache
    return snapshots.kept_scopes(organisation.pk, [SCOPE, "phase:PRIMARY"])


def test_an_open_dashboard_s_unchanged_check_keeps_its_scope_read(client_for, viewer, organisation, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    snapshots._figures_changed(organisation.pk)  # a figures version exists, as with Redis
    version = snapshots.figures_version(organisation.pk)
    reader = client_for(viewer)
    checked = reader.get(reverse("dashboard_status"), {"scope": SCOPE, "v": version, "shown": ""})
    assert checked.status_code == 204
    assert kept(organisation) == [SCOPE]


def test_the_feed_s_reads_count_for_a_day(client, key, organisation):  # noqa: F811
    assert kept(organisation) == []
    assert read(client, table_url(), key, scope=SCOPE).status_code in (200, 503)
    page, feed = snapshots._read_markers(organisation.pk, SCOPE)
    assert cache.get(feed) == 1 and cache.get(page) is None
    assert kept(organisation) == [SCOPE]
