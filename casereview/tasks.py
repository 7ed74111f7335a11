import socket

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "casereview:worker-heartbeat"


@shared_task
def worker_heartbeat():
    """Record that a worker is alive (scheduled every minute by beat), so the health page and,
    later, dashboards can tell whether queued work is being done."""
    cache.set(HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "hostname": socket.gethostname()}, timeout=None)
