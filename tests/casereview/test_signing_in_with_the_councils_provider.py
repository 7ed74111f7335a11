"""Single sign-on with each LA's own OpenID Connect provider (issue 35), against a real provider
running locally (tests/identity_provider.py): who gets in, which tokens are refused, SSO-only LAs,
two LAs with two providers kept apart, and the lead's settings page (owner, same-LA member, outsider)."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from casereview.models import OrganisationSignIn, User
from casereview.signin import services
from casereview.signin.policy import SESSION_KEY
from tests.identity_provider import identity_provider

PASSWORD = "a-long-enough-password-1"
NORTHSHIRE_PEOPLE = {
    "ns-lead": {"email": "lead@northshire.test", "email_verified": True, "name": "Lead Person"},
    "ns-stranger": {"email": "stranger@northshire.test", "email_verified": True},
    "ns-unverified": {"email": "facilitator@northshire.test", "email_verified": False},
    "ns-southvale-lead": {"email": "lead@southvale.test", "email_verified": True},
    "same-sub": {"email": "lead@northshire.test", "email_verified": True},
}
SOUTHVALE_PEOPLE = {
    "sv-lead": {"email": "lead@southvale.test", "email_verified": True},
    "sv-claims-northshire": {"email": "lead@northshire.test", "email_verified": True},
    "same-sub": {"email": "stranger@southvale.test", "email_verified": True},
}


def _configure(organisation, provider, domain, **overrides):
    return services.sign_in_save(
        organisation=organisation,
        **{
            "preset": "other",
            "issuer": provider.url,
            "client_id": f"casereview-{organisation.slug}",
            "client_secret": f"secret-of-{organisation.slug}",
            "client_secret_env": "",
            "allowed_domains": domain,
            "sso_required": False,
            "mfa_required_for": "none",
            **overrides,
        },
    )


@pytest.fixture
def northshire_idp(organisation):
    with identity_provider(NORTHSHIRE_PEOPLE) as provider:
        _configure(organisation, provider, "northshire.test")
        yield provider


@pytest.fixture
def southvale_idp(other_organisation):
    with identity_provider(SOUTHVALE_PEOPLE) as provider:
        _configure(other_organisation, provider, "southvale.test")
        yield provider


def sign_in_at(client, provider, email, sub):
    """Type the email on casereview's sign-in page, sign in at the provider as ``sub``, come back."""
    response = client.post(reverse("login"), {"username": email, "password": ""})
    assert response.status_code == 302 and response.url.startswith(f"{provider.url}/oauth2/authorize"), response
    back = urlsplit(provider.approve(response.url, sub))
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_member_signs_in_at_their_la_provider_with_pkce_state_and_nonce(client, organisation, lead, northshire_idp):
    _configure(organisation, northshire_idp, "northshire.test", mfa_required_for="everyone")
    response = client.post(reverse("login"), {"username": "Lead@Northshire.test", "password": ""})
    query = parse_qs(urlsplit(response.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["casereview-northshire"]
    assert "openid" in query["scope"][0].split()
    back = urlsplit(northshire_idp.approve(response.url, "ns-lead"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_as(client) == str(lead.pk)
    assert client.get(reverse("workshop_list")).status_code == 200  # SSO brings its own MFA: no app asked for
    assert SocialAccount.objects.get(provider="northshire", uid="ns-lead").user == lead


def test_a_renamed_address_still_matches_by_the_provider_s_subject_id(client, lead, northshire_idp):
    sign_in_at(client, northshire_idp, lead.email, "ns-lead")
    client.post(reverse("logout"))
    northshire_idp.set_claims("ns-lead", email="lead.renamed@northshire.test", email_verified=True)
    response = sign_in_at(client, northshire_idp, lead.email, "ns-lead")
    assert response.status_code == 302 and signed_in_as(client) == str(lead.pk)


def test_an_unknown_person_is_refused_with_a_clear_page_and_given_no_account(client, lead, northshire_idp):
    users = User.objects.count()
    response = sign_in_at(client, northshire_idp, "stranger@northshire.test", "ns-stranger")
    assert response.status_code == 403
    assert "You are not a member of Northshire County Council" in response.content.decode()
    assert signed_in_as(client) is None and User.objects.count() == users
    assert not SocialAccount.objects.exists()


def test_an_address_the_provider_has_not_verified_is_refused(client, facilitator, northshire_idp):
    response = sign_in_at(client, northshire_idp, facilitator.email, "ns-unverified")
    assert response.status_code == 403 and signed_in_as(client) is None


def test_a_switched_off_account_is_refused(client, lead, northshire_idp):
    lead.is_active = False
    lead.save()
    response = sign_in_at(client, northshire_idp, lead.email, "ns-lead")
    assert response.status_code == 403 and signed_in_as(client) is None


@pytest.mark.parametrize(
    "tampering",
    [
        {"aud": "another-application"},
        {"iss": "https://login.evil.example"},
        {"nonce": "a-nonce-of-another-sign-in"},
        {"unpublished_key": True},
    ],
    ids=["wrong audience", "wrong issuer", "wrong nonce", "signed with an unpublished key"],
)
def test_an_id_token_not_made_for_this_sign_in_is_refused(client, lead, northshire_idp, tampering):
    northshire_idp.tamper(**tampering)
    response = sign_in_at(client, northshire_idp, lead.email, "ns-lead")
    assert response.status_code == 401
    assert "did not work" in response.content.decode()
    assert signed_in_as(client) is None and not SocialAccount.objects.exists()


def test_a_state_that_is_not_this_browser_s_is_refused(client, lead, northshire_idp):
    response = client.post(reverse("login"), {"username": lead.email, "password": ""})
    back = urlsplit(northshire_idp.approve(response.url, "ns-lead"))
    stranger = Client()  # another browser, handed the provider's answer
    answer = stranger.get(f"{back.path}?{back.query}")
    assert "_auth_user_id" not in stranger.session and answer.status_code != 302


def test_two_las_with_two_providers_are_kept_apart(client, lead, outsider, northshire_idp, southvale_idp):
    # Each LA's lead signs in at their own provider.
    assert sign_in_at(Client(), northshire_idp, lead.email, "ns-lead").status_code == 302
    southvale = Client()
    assert sign_in_at(southvale, southvale_idp, outsider.email, "sv-lead").status_code == 302
    assert southvale.session["_auth_user_id"] == str(outsider.pk)
    # Southvale's lead at Northshire's provider (a verified address, not of Northshire): refused.
    response = sign_in_at(Client(), northshire_idp, "someone@northshire.test", "ns-southvale-lead")
    assert response.status_code == 403
    # Southvale's provider vouching for a Northshire address: refused, whatever it says.
    response = sign_in_at(Client(), southvale_idp, "someone@southvale.test", "sv-claims-northshire")
    assert response.status_code == 403
    # The same subject id at the other LA's provider is another person.
    sign_in_at(Client(), northshire_idp, lead.email, "same-sub")
    stranger = Client()
    assert sign_in_at(stranger, southvale_idp, "someone@southvale.test", "same-sub").status_code == 403
    assert "_auth_user_id" not in stranger.session


def _password_sign_in(client, user):
    user.set_password(PASSWORD)
    user.save()
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def test_an_sso_only_la_refuses_passwords_resets_and_password_changes(client, organisation, lead, northshire_idp):
    # An address outside the LA's domains (so the page would take a password) of a member.
    member = User.objects.get(pk=lead.pk)
    member.email = "lead@contractor.test"
    member.save()
    signed_in = Client()
    assert _password_sign_in(signed_in, member).status_code == 302
    _configure(organisation, northshire_idp, "northshire.test", sso_required=True)
    # The session begun with a password before "SSO required" has ended.
    assert signed_in.get(reverse("workshop_list")).status_code == 302
    response = _password_sign_in(client, member)
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "signs you in to casereview with its own sign-in" in response.content.decode()
    client.post(reverse("password_reset"), {"email": member.email})
    assert mail.outbox == []
    client.force_login(member)
    assert client.get(reverse("password_change")).status_code == 403


def test_a_wrong_password_of_an_sso_only_member_reads_like_any_wrong_password(
    client, organisation, lead, northshire_idp
):
    lead.email = "lead@contractor.test"
    lead.save()
    _configure(organisation, northshire_idp, "northshire.test", sso_required=True)
    response = client.post(reverse("login"), {"username": lead.email, "password": "not the password"})
    assert "Check both and try again" in response.content.decode()


def test_an_sso_session_ends_after_sso_session_hours(client, settings, lead, northshire_idp):
    sign_in_at(client, northshire_idp, lead.email, "ns-lead")
    assert client.get(reverse("workshop_list")).status_code == 200
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "at": time.time() - settings.SSO_SESSION_HOURS * 3600 - 1}
    session.save()
    response = client.get(reverse("workshop_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in_as(client) is None


def test_the_client_secret_is_kept_encrypted_or_in_the_environment(organisation, monkeypatch, northshire_idp):
    from casereview.signin.secrets import client_secret_of

    sign_in = OrganisationSignIn.objects.get(organisation=organisation)
    assert "secret-of-northshire" not in sign_in.client_secret_encrypted
    assert client_secret_of(sign_in) == "secret-of-northshire"
    monkeypatch.setenv("NORTHSHIRE_OIDC_SECRET", "from-the-environment")
    sign_in = _configure(organisation, northshire_idp, "northshire.test", client_secret_env="NORTHSHIRE_OIDC_SECRET")
    assert client_secret_of(sign_in) == "from-the-environment"


def test_the_lead_sets_up_their_la_a_facilitator_and_an_outsider_cannot(
    client_for, organisation, lead, facilitator, outsider
):
    form = {
        "preset": "entra",
        "issuer": "https://login.microsoftonline.com/0b1c2d3e-0000-4000-8000-000000000001/v2.0",
        "client_id": "11111111-2222-4333-8444-555555555555",
        "client_secret": "entra-secret-value",
        "client_secret_env": "",
        "allowed_domains": "northshire.test, NORTHSHIRE.gov.uk",
        "mfa_required_for": "leads",
    }
    owner = client_for(lead)
    page = owner.get(reverse("sign_in_settings"))
    assert page.status_code == 200
    assert "http://127.0.0.1:8000/accounts/council/northshire/login/callback/" in page.content.decode()
    assert owner.post(reverse("sign_in_settings"), form).status_code == 302
    saved = OrganisationSignIn.objects.get(organisation=organisation)
    assert saved.domains == ["northshire.test", "northshire.gov.uk"] and saved.mfa_required_for == "leads"
    assert "entra-secret-value" not in owner.get(reverse("sign_in_settings")).content.decode()

    assert client_for(facilitator).post(reverse("sign_in_settings"), {**form, "client_id": "x"}).status_code == 403
    # The outsider's post changes their own LA's settings, never Northshire's; Northshire's domains stay Northshire's.
    response = client_for(outsider).post(reverse("sign_in_settings"), form)
    assert response.status_code == 200 and "already belongs to another LA" in response.content.decode()
    saved.refresh_from_db()
    assert saved.client_id == "11111111-2222-4333-8444-555555555555"
    assert (
        not OrganisationSignIn.objects.filter(organisation=outsider.membership.organisation).exclude(issuer="").exists()
    )
