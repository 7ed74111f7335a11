"""Signing in as councils do (issue 35), in Chromium against real OpenID providers running locally
(tests/identity_provider.py): the email first, the council's sign-in, back signed in; an unknown
person, a forged ID token and a password where the LA requires its own sign-in refused; two LAs
with two providers kept apart; an authenticator app set up with a real code."""

import pyotp
import pytest

from casereview import services
from casereview.models import Role
from casereview.signin import services as signin_services
from tests.browser.conftest import PASSWORD
from tests.identity_provider import identity_provider

NORTHSHIRE_PEOPLE = {
    "ns-lead": {"email": "lead@northshire.test", "email_verified": True},
    "ns-stranger": {"email": "stranger@northshire.test", "email_verified": True},
    "ns-southvale": {"email": "lead@southvale.test", "email_verified": True},
}
SOUTHVALE_PEOPLE = {"sv-lead": {"email": "lead@southvale.test", "email_verified": True}}


def _la(slug, name, lead_email, provider, domain, **settings):
    organisation = services.organisation_create(slug=slug, name=name)
    membership, _ = services.membership_add(organisation=organisation, email=lead_email, role=Role.LEAD)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    signin_services.sign_in_save(
        organisation=organisation,
        preset="other",
        issuer=provider.url,
        client_id=f"casereview-{slug}",
        client_secret=f"secret-{slug}",
        client_secret_env="",
        allowed_domains=domain,
        sso_required=settings.get("sso_required", False),
        mfa_required_for=settings.get("mfa_required_for", "none"),
    )
    return organisation


@pytest.fixture
def providers(transactional_db):
    with identity_provider(NORTHSHIRE_PEOPLE) as northshire, identity_provider(SOUTHVALE_PEOPLE) as southvale:
        _la("northshire", "Northshire County Council", "lead@northshire.test", northshire, "northshire.test")
        _la("southvale", "Southvale Borough Council", "lead@southvale.test", southvale, "southvale.test")
        yield {"northshire": northshire, "southvale": southvale}


def through_the_council(visit, email, provider, sub, device="desktop"):
    """Type the email, be sent to the council's sign-in, sign in there as ``sub``."""
    person = visit(device)
    page = person.page
    page.goto("/accounts/login/")
    person.check()
    page.get_by_label("Email address").fill(email)
    # An address of the council's domain: no password is asked for, the email goes to its provider.
    assert not page.get_by_label("Password").is_visible()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()
    return person, page


def test_a_member_signs_in_at_their_council_and_lands_on_their_la(visit, providers):
    person, page = through_the_council(visit, "lead@northshire.test", providers["northshire"], "ns-lead", "phone")
    page.wait_for_url("**/")
    assert "Northshire County Council" in page.get_by_test_id("nav-membership").inner_text()
    person.check("sso-signed-in")


def test_an_unknown_person_is_refused_with_a_clear_page(visit, providers):
    person, page = through_the_council(visit, "stranger@northshire.test", providers["northshire"], "ns-stranger")
    assert page.get_by_role("heading", name="You cannot sign in to casereview").is_visible()
    assert "not a member of Northshire County Council" in page.content()
    person.check("sso-refused")
    page.goto("/")
    assert "/accounts/login/" in page.url


@pytest.mark.parametrize(
    "tampering",
    [{"aud": "another-application"}, {"iss": "https://login.evil.example"}, {"nonce": "another-sign-in"}],
    ids=["audience", "issuer", "nonce"],
)
def test_a_forged_id_token_is_refused(visit, providers, tampering):
    providers["northshire"].tamper(**tampering)
    person, page = through_the_council(visit, "lead@northshire.test", providers["northshire"], "ns-lead")
    assert page.get_by_role("heading", name="Your council's sign-in did not work").is_visible()
    person.check()
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_two_las_with_two_providers_are_kept_apart(visit, providers):
    person, page = through_the_council(visit, "lead@southvale.test", providers["southvale"], "sv-lead")
    page.wait_for_url("**/")
    assert "Southvale Borough Council" in page.get_by_test_id("nav-membership").inner_text()
    # Southvale's lead, signed in at Northshire's provider, is not let into either LA.
    _, page = through_the_council(visit, "someone@northshire.test", providers["northshire"], "ns-southvale")
    assert page.get_by_role("heading", name="You cannot sign in to casereview").is_visible()


def test_a_password_is_refused_where_the_la_requires_its_own_sign_in(visit, providers):
    from casereview.models import Organisation, User

    lead = User.objects.get(email="lead@northshire.test")
    lead.email = "lead@contractor.test"  # an address the council's provider does not cover
    lead.save()
    organisation = Organisation.objects.get(slug="northshire")
    sign_in = organisation.sign_in
    signin_services.sign_in_save(
        organisation=organisation,
        preset=sign_in.preset,
        issuer=sign_in.issuer,
        client_id=sign_in.client_id,
        allowed_domains=sign_in.allowed_domains,
        sso_required=True,
        mfa_required_for="none",
    )
    person = visit("desktop")
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("lead@contractor.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("signs you in to casereview with its own sign-in").first.is_visible()
    assert "/accounts/login/" in page.url
    person.check()


def test_a_lead_sets_up_an_authenticator_app_with_a_real_code(visit, providers):
    from casereview.models import Organisation

    organisation = Organisation.objects.get(slug="southvale")
    sign_in = organisation.sign_in
    sign_in.mfa_required_for = "leads"
    sign_in.allowed_domains = "southvale.example"  # so that the page takes this lead's password
    sign_in.save()
    person = visit("desktop")
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("lead@southvale.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/workshops/")
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    person.check("mfa-setup")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.goto("/workshops/")
    assert page.get_by_role("heading", name="Workshops").is_visible()
