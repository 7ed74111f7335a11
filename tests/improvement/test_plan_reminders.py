"""Each member who owns actions gets one email a day: their actions due within 14 days or overdue,
and the follow-ups they scheduled that are due; nobody else, nothing of another LA, never twice a day."""

import datetime
import logging
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from casereview import services as core_services
from casereview.models import Membership, Role
from improvement import services
from improvement.models import Action, ActionStatus, CaseFollowUp, FocusArea, ScheduledFollowUp
from improvement.reminders import send_reminders
from improvement.services import ActionData
from improvement.tasks import send_plan_reminders
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

TODAY = datetime.date(2027, 3, 1)


def _action(focus_area, by, owner_member, title, days, status=ActionStatus.IN_PROGRESS):
    return services.action_save(
        focus_area=focus_area,
        action=None,
        by=by,
        expected_version=0,
        data=ActionData(
            title=title,
            owner="",
            owner_member=owner_member,
            due=TODAY + datetime.timedelta(days=days),
            status=status,
        ),
    )


def _emails_to(address):
    return [email for email in mail.outbox if email.to == [address]]


@pytest.fixture
def review(allocations, facilitator, term):
    return review_save(
        allocation=allocations[0],
        by=facilitator,
        expected_version=0,
        answer=ReviewAnswer(
            True,
            False,
            [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            term("provision", "MAINSTREAM"),
            [term("theme", "WORKFORCE_CAPACITY")],
            notes="Room notes that stay in the room",
        ),
    )


@pytest.fixture
def owned(focus_area, lead, facilitator):
    """The lead's actions at every distance from today; the facilitator's only one far away."""
    return {
        "in 10 days": _action(focus_area, lead, lead, "Publish the local offer refresh", 10),
        "in 14 days": _action(focus_area, lead, lead, "Agree the EP traded offer", 14),
        "in 20 days": _action(focus_area, lead, lead, "Train SENCOs on the toolkit", 20),
        "overdue": _action(focus_area, lead, lead, "Audit twenty EHC plans", -3),
        "complete": _action(focus_area, lead, lead, "Recruit a co-production lead", 2, ActionStatus.DONE),
        "stopped": _action(focus_area, lead, lead, "Pilot the old panel", -1, ActionStatus.STOPPED),
        "far": _action(focus_area, lead, facilitator, "Review the banding tool", 30),
    }


def test_an_owner_gets_one_email_with_what_is_due_soon_and_overdue_and_nothing_else(owned, lead, facilitator):
    assert send_reminders(TODAY) == 1
    [email] = _emails_to(lead.email)
    assert email.subject == "Northshire County Council: your improvement plan actions and follow-ups due"
    text = email.body
    html, content_type = email.alternatives[0]
    assert content_type == "text/html"
    for body in (text, html):
        assert "Publish the local offer refresh" in body  # due in 10 days
        assert "Agree the EP traded offer" in body  # due in 14 days: still within
        assert "Audit twenty EHC plans" in body  # overdue
        assert "Train SENCOs on the toolkit" not in body  # in 20 days
        assert "Recruit a co-production lead" not in body  # Complete
        assert "Pilot the old panel" not in body  # Stopped
        assert "Review the banding tool" not in body  # the facilitator's
        assert f"{settings.SITE_URL}/plans/actions/{owned['in 10 days'].pk}/" in body
        assert f"{settings.SITE_URL}/plans/actions/{owned['overdue'].pk}/" in body
    assert "3 days overdue" in text
    assert text.index("Audit twenty EHC plans") < text.index("Publish the local offer refresh")  # overdue first
    # The facilitator's only action is 30 days away: nothing due, no email.
    assert _emails_to(facilitator.email) == []


def test_a_member_removed_from_the_la_or_switched_off_gets_nothing(focus_area, lead, viewer, organisation):
    membership, _ = core_services.membership_add(
        organisation=organisation, email="former@northshire.test", role=Role.FACILITATOR
    )
    former = membership.user
    _action(focus_area, lead, former, "Map the transition pathway", 5)
    _action(focus_area, lead, viewer, "Refresh the SEND strategy", 5)
    Membership.objects.filter(user=former).delete()
    viewer.is_active = False
    viewer.save()
    assert send_reminders(TODAY) == 0
    assert mail.outbox == []


def test_another_las_actions_never_reach_an_email(focus_area, lead, outsider, their_plan, other_organisation):
    _action(focus_area, lead, lead, "Northshire action on transitions", 5)
    their_area = FocusArea.objects.get(workstream__plan=their_plan)
    _action(their_area, outsider, outsider, "Southvale action on transitions", 5)
    # Even an owner set across LAs behind the service's back is never reminded of the other LA's action.
    stray = _action(focus_area, lead, lead, "Northshire action wrongly owned", 5)
    Action.objects.filter(pk=stray.pk).update(owner_member=outsider)
    assert send_reminders(TODAY) == 2
    [ours] = _emails_to(lead.email)
    [theirs] = _emails_to(outsider.email)
    assert "Northshire action on transitions" in ours.body and "Southvale" not in ours.body + ours.alternatives[0][0]
    assert theirs.subject.startswith("Southvale Borough Council:")
    for body in (theirs.body, theirs.alternatives[0][0]):
        assert "Southvale action on transitions" in body
        assert "Northshire" not in body


def test_a_follow_up_due_is_in_the_email_of_who_scheduled_it_until_it_is_done(review, lead, facilitator, workshop):
    schedule = ScheduledFollowUp.objects.create(
        review=review, due=TODAY + datetime.timedelta(days=7), scheduled_by=lead
    )
    ScheduledFollowUp.objects.create(review=review, due=TODAY + datetime.timedelta(days=40), scheduled_by=facilitator)
    assert send_reminders(TODAY) == 1
    [email] = _emails_to(lead.email)
    for body in (email.body, email.alternatives[0][0]):
        assert "Case C-001" in body and workshop.title in body
        assert "Room notes that stay in the room" not in body  # the case by its reference only
        assert f"{settings.SITE_URL}/follow-ups/due/" in body
    assert "8 March 2027" in email.body
    # Recorded after it was scheduled: done, no longer a reminder (the next day's run sends nothing).
    CaseFollowUp.objects.create(review=review, date=TODAY, outcome="moved", recorded_by=lead)
    assert schedule.scheduled_at <= CaseFollowUp.objects.get().recorded_at
    mail.outbox.clear()
    assert send_reminders(TODAY + datetime.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_the_reminders_are_sent_once_a_day(owned, lead):
    assert send_reminders(TODAY) == 1
    assert send_reminders(TODAY) == 0  # the same day: nothing again
    assert len(mail.outbox) == 1
    assert send_reminders(TODAY + datetime.timedelta(days=1)) == 1  # the next day: again
    assert len(mail.outbox) == 2


def test_one_address_that_fails_is_logged_and_the_others_are_still_sent(
    focus_area, lead, facilitator, monkeypatch, caplog
):
    _action(focus_area, lead, lead, "Publish the local offer refresh", 3)
    _action(focus_area, lead, facilitator, "Run the SENCO network", 3)
    send = EmailMultiAlternatives.send

    def refusing_the_lead(email, *args, **kwargs):
        if email.to == [lead.email]:
            raise smtplib.SMTPRecipientsRefused({lead.email: (550, b"No such mailbox")})
        return send(email, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refusing_the_lead)
    with caplog.at_level(logging.WARNING):
        assert send_reminders(TODAY) == 1
    assert [email.to for email in mail.outbox] == [[facilitator.email]]
    assert "plan_reminder_not_sent" in caplog.text and "SMTPRecipientsRefused" in caplog.text and "550" in caplog.text
    assert lead.email not in caplog.text  # the log names the account by id, not its address
    # The failed one is tried again by a later run the same day; the sent one is not repeated.
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert send_reminders(TODAY) == 1
    assert [email.to for email in mail.outbox] == [[facilitator.email], [lead.email]]


def test_the_task_is_scheduled_daily_at_seven_london_time():
    from casereview.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-plan-reminders"]
    assert entry["task"] == send_plan_reminders.name == "improvement.tasks.send_plan_reminders"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({7}, {0})
    assert schedule.day_of_week == set(range(7))
    assert str(app.timezone) == "Europe/London"


@pytest.mark.worker
def test_the_task_runs_in_a_real_worker_and_sends_once(
    postgresql, redis_url, cache_of_its_own, settings, transactional_db, organisation, lead
):
    """Beat's message, as a real worker on Redis takes it: the email goes out (the worker's console
    backend prints it) and the day's mark is in the shared cache, so a second run sends nothing."""
    from django.core.cache import cache
    from django.utils import timezone

    from improvement.models import Plan, Workstream
    from improvement.reminders import _sent_key, reminders_for
    from tests.casereview.test_celery_worker import start_worker, stop_worker, wait_for

    assert not settings.CELERY_TASK_ALWAYS_EAGER  # REDIS_URL is set: the task goes to the broker
    plan = Plan.objects.create(organisation=organisation, title="SEND improvement programme 2026–28")
    workstream = Workstream.objects.create(plan=plan, name="Culture")
    area = FocusArea.objects.create(workstream=workstream, ref="1", statement="Partners agree the local offer.")
    services.action_save(
        focus_area=area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(
            title="Publish the local offer refresh",
            owner="",
            owner_member=lead,
            due=timezone.localdate() + datetime.timedelta(days=5),
        ),
    )
    [reminder] = reminders_for(organisation, timezone.localdate())
    worker = start_worker(redis_url, cache_of_its_own)
    try:
        send_plan_reminders.delay()
        wait_for(lambda: cache.get(_sent_key(reminder)) is not None, worker)
    finally:
        stop_worker(worker)
    output = worker.stdout.read()
    # The worker's console email backend printed the email (a long subject is folded over lines).
    assert f"To: {lead.email}" in output and "Subject: Northshire County Council:" in output
    assert "Publish the local offer refresh" in output and "plan_reminder_sent" in output
    # Another run the same day (here, in this process, on the same Redis) sends nothing again.
    assert send_plan_reminders() == 0
    assert mail.outbox == []
