import logging

from celery import shared_task
from django.core.cache import cache

from analytics.models import ReportSnapshot
from analytics.scopes import Scope
from analytics.selectors import data_fingerprint
from analytics.snapshots import (
    clear_if_lost,
    compute_snapshot,
    forget_queued,
    queued_marker,
    request_refresh,
    stale_snapshots,
)
from casereview.metrics import REFRESHES
from casereview.models import Organisation
from casereview.pending_refreshes import pending_refreshes, put_back_pending, take_up_pending

logger = logging.getLogger(__name__)


# Idempotent (the same data gives the same snapshot), so it is safe to acknowledge late: a worker
# killed mid-task leaves the message to be redelivered, and the snapshot is written in one go.
# The time limits are far below the broker's visibility timeout (casereview/settings.py).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def refresh_snapshot(organisation_id: int, scope_key: str) -> None:
    REFRESHES.labels("started").inc()
    # Taken up, then the marker cleared, before reading: a change from now on queues another run
    # rather than being missed (and is pending again, for the figures' age).
    since = take_up_pending(organisation_id, scope_key)
    cache.delete(queued_marker(organisation_id, scope_key))
    forget_queued(organisation_id, scope_key)
    try:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            # Deleted since, or not committed yet (a reader inside a transaction, such as the demo
            # being loaded, asked for it): nothing to compute now; the next reader asks again.
            logger.info("Report refresh for %s %s skipped: no such organisation (yet).", organisation_id, scope_key)
            REFRESHES.labels("skipped").inc()
            return
        fingerprint = data_fingerprint(organisation, Scope.parse(scope_key))
        if ReportSnapshot.objects.filter(organisation=organisation, scope=scope_key, fingerprint=fingerprint).exists():
            # Already current: a run queued again for one taken as lost that was only late (the
            # sweep, analytics/snapshots.py), or one that ran meanwhile. One query, not a report.
            REFRESHES.labels("skipped").inc()
            return
        compute_snapshot(organisation_id, scope_key)
    except Exception:
        REFRESHES.labels("failed").inc()
        put_back_pending(organisation_id, scope_key, since)
        raise
    REFRESHES.labels("finished").inc()


@shared_task(soft_time_limit=50, time_limit=60)
def sweep_stale_snapshots() -> None:
    """Every REPORT_SWEEP_SECONDS (beat): queue again every refresh a lost request or a lost run left
    undone: snapshots out of date, and refreshes asked for and still pending, whose run is not
    queued or is lost (its marker expired, or past its start by QUEUED_RUN_LOST_AFTER_SECONDS). Those
    have waited already, so they run at once."""
    undone = {(snapshot.organisation_id, snapshot.scope) for snapshot in stale_snapshots()}
    undone.update((organisation_id, scope_key) for organisation_id, scope_key, _ in pending_refreshes())
    for organisation_id, scope_key in sorted(undone):
        if clear_if_lost(organisation_id, scope_key):
            request_refresh(organisation_id, [scope_key], after=0)
