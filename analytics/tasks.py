import logging

from celery import shared_task
from django.core.cache import cache

from analytics.snapshots import compute_snapshot, forget_queued, queued_marker, request_refresh, stale_snapshots
from casereview.models import Organisation

logger = logging.getLogger(__name__)


# Idempotent (the same data gives the same snapshot), so it is safe to acknowledge late: a worker
# killed mid-task leaves the message to be redelivered, and the snapshot is written in one go.
# The time limits are far below the broker's visibility timeout (1 hour).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def refresh_snapshot(organisation_id: int, scope_key: str) -> None:
    # Cleared before reading: a change from now on queues another run rather than being missed.
    cache.delete(queued_marker(organisation_id, scope_key))
    forget_queued(organisation_id, scope_key)
    if not Organisation.objects.filter(pk=organisation_id).exists():
        # Deleted since, or not committed yet (a reader inside a transaction, such as the demo
        # being loaded, asked for it): nothing to compute now; the next reader asks again.
        logger.info("Report refresh for %s %s skipped: no such organisation (yet).", organisation_id, scope_key)
        return
    compute_snapshot(organisation_id, scope_key)


@shared_task(soft_time_limit=50, time_limit=60)
def sweep_stale_snapshots() -> None:
    """Every minute (beat): queue a refresh of any snapshot a lost request left stale."""
    for snapshot in stale_snapshots():
        request_refresh(snapshot.organisation_id, [snapshot.scope])
