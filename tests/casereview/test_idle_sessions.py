"""A signed-in session ends after SESSION_IDLE_MINUTES without a request, and requests renew it
without writing the session on every one of them (casereview/sessions.py)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from casereview.sessions import TOUCH_SECONDS, TOUCHED_KEY


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def _last_touched(client, seconds_ago):
    """As if the session had last been renewed ``seconds_ago``, expiring idle-minutes after that."""
    session = client.session
    session[TOUCHED_KEY] = int(timezone.now().timestamp()) - seconds_ago
    session.save()
    expires = timezone.now() - timedelta(seconds=seconds_ago) + timedelta(seconds=session.get_expiry_age())
    Session.objects.filter(session_key=session.session_key).update(expire_date=expires)
    return expires


def test_a_request_soon_after_the_last_renewal_writes_nothing(client_for, viewer):
    client = client_for(viewer)
    expires = _last_touched(client, seconds_ago=5)
    assert client.get(reverse("home")).status_code == 200
    assert _session_row(client).expire_date == expires


def test_a_request_after_a_minute_renews_the_session_for_the_whole_idle_time(client_for, viewer, settings):
    client = client_for(viewer)
    expires = _last_touched(client, seconds_ago=TOUCH_SECONDS + 5)
    before = timezone.now()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    renewed = _session_row(client).expire_date
    assert renewed > expires
    assert renewed >= before + timedelta(seconds=settings.SESSION_COOKIE_AGE - 1)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_after_the_idle_time_without_requests_the_person_must_sign_in_again(client_for, viewer, settings):
    client = client_for(viewer)
    _last_touched(client, seconds_ago=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_phone_without_an_account_gets_no_session(client, workshop, settings):
    response = client.get(reverse("attend", args=[workshop.join_code]))
    assert response.status_code == 200
    assert not Session.objects.exists() and settings.SESSION_COOKIE_NAME not in response.cookies
