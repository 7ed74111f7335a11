"""Repeated failed sign-ins lock the account out for a while; every page carries a strict CSP."""

from datetime import timedelta

from django.urls import reverse

PASSWORD = "a-long-enough-password-1"


def test_five_failed_sign_ins_lock_out_even_the_right_password(client, django_user_model, db, settings):
    # The documented defaults (README, docs/security.md): five failures, then a 15-minute wait.
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    django_user_model.objects.create_user(email="person@northshire.test", password=PASSWORD)
    statuses = [
        client.post(reverse("login"), {"username": "person@northshire.test", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then the lockout
    response = client.post(reverse("login"), {"username": "person@northshire.test", "password": PASSWORD})
    assert response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()
    assert "paused for 15 minutes after 5 failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_fewer_failures_then_the_right_password_signs_in(client, django_user_model, db):
    django_user_model.objects.create_user(email="person@northshire.test", password=PASSWORD)
    for _ in range(3):
        client.post(reverse("login"), {"username": "person@northshire.test", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "person@northshire.test", "password": PASSWORD})
    assert response.status_code == 302


def test_pages_forbid_inline_script_and_framing(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_session_cookies_expire_after_the_documented_idle_time_and_stay_out_of_scripts(settings):
    # The behaviour of idle expiry is in test_idle_sessions.py; these are the documented defaults.
    assert settings.SESSION_COOKIE_AGE == 120 * 60
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
