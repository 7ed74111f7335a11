"""A second factor for password accounts (issue 35): TOTP with real codes (pyotp), recovery codes
used once, wrong codes locked out like wrong passwords, and the LA's setting of who must have one."""

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from casereview.models import MfaRequiredFor, OrganisationSignIn

PASSWORD = "a-long-enough-password-1"


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _password_step(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def _turn_on_totp(client, user) -> pyotp.TOTP:
    """Set up the authenticator app as the person does: open the page, read the key, type a code."""
    _password_step(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    totp = pyotp.TOTP(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp.now()})
    assert response.status_code == 302, response.content.decode()
    client.post(reverse("logout"))
    return totp


def _next_code(totp) -> str:
    # A code is accepted once: the next period's (within the tolerance of one period) is a fresh one.
    return totp.at(time.time() + 30)


@pytest.fixture
def lead_with_totp(client, lead):
    _with_password(lead)
    return lead, _turn_on_totp(client, lead)


def test_a_person_with_an_authenticator_app_needs_its_code_after_the_password(client, lead_with_totp):
    lead, totp = lead_with_totp
    response = _password_step(client, lead)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": _next_code(totp)})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused(client, lead_with_totp):
    lead, totp = lead_with_totp
    _password_step(client, lead)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_five_wrong_codes_lock_the_code_step_and_the_password_step(client, lead_with_totp):
    lead, totp = lead_with_totp
    _password_step(client, lead)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000" if totp.now() != "000000" else "111111"})
    # allauth's own limit: even the right code is refused now.
    response = client.post(reverse("mfa_authenticate"), {"code": _next_code(totp)})
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()
    # django-axes counted every wrong code as a failed sign-in: the password is refused too.
    client.post(reverse("logout"))
    response = _password_step(client, lead)
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, lead_with_totp):
    lead, _ = lead_with_totp
    codes = Authenticator.objects.get(user=lead, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert len(codes) == 10
    _password_step(client, lead)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    _password_step(client, lead)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_the_totp_secret_is_not_kept_in_clear(lead_with_totp):
    lead, totp = lead_with_totp
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.TOTP).data["secret"]
    assert totp.secret not in stored


@pytest.mark.parametrize(
    ("required_for", "role", "must_set_up"),
    [
        (MfaRequiredFor.LEADS, "lead", True),
        (MfaRequiredFor.LEADS, "facilitator", False),
        (MfaRequiredFor.EVERYONE, "facilitator", True),
        (MfaRequiredFor.NONE, "lead", False),
    ],
)
def test_the_la_setting_sends_who_it_names_to_set_up_an_app_before_anything_else(
    client, organisation, lead, facilitator, required_for, role, must_set_up
):
    OrganisationSignIn.objects.create(organisation=organisation, mfa_required_for=required_for)
    person = _with_password({"lead": lead, "facilitator": facilitator}[role])
    response = _password_step(client, person)
    assert response.status_code == 302
    page = client.get(reverse("workshop_list"))
    if must_set_up:
        assert page.status_code == 302 and page.url.startswith(reverse("mfa_activate_totp"))
        # Once the app is on, every page opens.
        secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
        client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
        assert client.get(reverse("workshop_list")).status_code == 200
    else:
        assert page.status_code == 200


def test_an_la_without_a_setting_follows_the_installation_default(client, settings, lead, outsider):
    settings.MFA_REQUIRED_FOR_DEFAULT = "leads"
    _password_step(client, _with_password(lead))
    assert client.get(reverse("workshop_list")).url.startswith(reverse("mfa_activate_totp"))
    # Another LA's setting changes nothing here (Southvale says nobody; Northshire keeps the default).
    OrganisationSignIn.objects.create(organisation=outsider.membership.organisation, mfa_required_for="none")
    client.post(reverse("logout"))
    _password_step(client, lead)
    assert client.get(reverse("workshop_list")).url.startswith(reverse("mfa_activate_totp"))


def test_the_superuser_always_sets_up_a_second_factor(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser(email="admin@casereview.test", password=PASSWORD)
    _password_step(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))


def test_no_password_step_bypasses_the_lockout(client, lead):
    """The other page that takes a password (allauth's re-authentication, before turning the app off
    or making new codes) is refused while the person is locked out, and its wrong passwords count."""
    _with_password(lead)
    signed_in = Client()
    signed_in.force_login(lead)
    for _ in range(5):
        signed_in.post(reverse("account_reauthenticate"), {"password": "wrong"})
    # Five wrong passwords there lock the sign-in page too.
    assert _password_step(client, lead).status_code == 429
    # The right password there is refused too (allauth's own limit answers first, on its page).
    response = signed_in.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code != 302 and "Too many failed login attempts" in response.content.decode()
