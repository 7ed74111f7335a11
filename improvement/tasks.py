from celery import shared_task

from improvement.reminders import send_reminders


@shared_task(soft_time_limit=600, time_limit=900)
def send_plan_reminders() -> int:
    """Daily (beat, 07:00 Europe/London): each member's actions and follow-ups due or overdue, by
    email (improvement/reminders.py). Idempotent per day; returns how many emails were sent."""
    return send_reminders()
