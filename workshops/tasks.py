from celery import shared_task

from workshops.retention import apply_retention


@shared_task(soft_time_limit=600, time_limit=900)
def delete_workshops_past_retention() -> int:
    """Daily (beat): each LA's workshops older than its retention period are deleted for good."""
    return apply_retention()
