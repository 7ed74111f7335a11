"""Passkeys in Chromium (issue 35), with Chrome's own virtual authenticator (DevTools' WebAuthn
domain) standing in for a phone or a security key: a lead whose LA requires a second step adds a
passkey, signs out, and signs in again with the email, the password, then the passkey; and the
sign-in page's two steps with JavaScript off. Every page is checked with axe."""

import pytest

from casereview import services
from casereview.models import Role
from casereview.signin import services as signin_services
from tests.browser.conftest import PASSWORD


@pytest.fixture
def lead_who_must_use_a_second_step(transactional_db):
    organisation = services.organisation_create(slug="westmere", name="Westmere Council")
    membership, _ = services.membership_add(organisation=organisation, email="priya@westmere.test", role=Role.LEAD)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    signin_services.sign_in_save(
        organisation=organisation,
        preset="other",
        issuer="",
        client_id="",
        allowed_domains="",
        sso_required=False,
        mfa_required_for="leads",
    )
    return membership.user


def _with_a_virtual_passkey(person):
    """A platform authenticator (a laptop's fingerprint reader) that always says yes."""
    cdp = person.context.new_cdp_session(person.page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator


def _password_steps(person, email):
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_lead_adds_a_passkey_and_signs_in_with_it(visit, live_server, lead_who_must_use_a_second_step):
    # The relying party is the host: "localhost", a secure context over http, as WebAuthn needs.
    assert live_server.url.startswith("http://localhost:")
    person = visit("desktop")
    page = person.page
    cdp, authenticator = _with_a_virtual_passkey(person)

    _password_steps(person, "priya@westmere.test")
    page.goto("/workshops/")
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    page.get_by_role("link", name="Use a passkey instead").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    person.check("passkey-add")
    page.get_by_label("Name of this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add passkey").click()
    # Seeing the recovery codes asks to confirm it is you (as after turning on the app), by the
    # password or now by the passkey.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert page.get_by_role("link", name="Use your passkey").is_visible()
    person.check("confirm-it-is-you")
    page.get_by_role("link", name="Use your passkey").click()
    page.wait_for_url("**/accounts/2fa/webauthn/reauthenticate/**")
    person.check("passkey-confirm-it-is-you")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert page.get_by_test_id("recovery-codes").is_visible()
    person.check()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    page.goto("/workshops/")
    assert page.get_by_role("heading", name="Workshops").is_visible()  # the passkey is the second step

    page.goto("/accounts/2fa/")
    person.check("second-step-settings")
    page.get_by_role("link", name="Your passkeys").click()
    assert page.get_by_role("cell", name="Work laptop", exact=True).is_visible()
    person.check("passkey-list")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    _password_steps(person, "priya@westmere.test")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    person.check("passkey-second-step")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url("**/")
    assert "Westmere Council" in page.get_by_test_id("nav-membership").inner_text()
    person.check()


def test_the_sign_in_page_asks_for_the_email_then_the_password_without_javascript(
    visit, lead_who_must_use_a_second_step
):
    with_script = visit("phone")
    with_script.page.goto("/accounts/login/")
    with_script.check("sign-in-email-step")
    person = visit("phone", javascript=False)
    page = person.page
    page.goto("/accounts/login/")
    assert not page.get_by_label("Password").is_visible()
    page.get_by_label("Email address").fill("nobody@nowhere.test")  # no such account: the same step 2
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_test_id("sign-in-email").inner_text() == "nobody@nowhere.test"
    page.get_by_role("link", name="Change the email address").click()
    page.get_by_label("Email address").fill("priya@westmere.test")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/workshops/")
    assert "/accounts/2fa/totp/activate/" in page.url  # signed in with the password; the second step is due
    # Step 2, as a browser with scripts on draws it, passes axe too.
    with_script.page.goto("/accounts/login/")
    with_script.page.get_by_label("Email address").fill("nobody@nowhere.test")
    with_script.page.get_by_label("Password").fill("not the password")
    with_script.page.get_by_role("button", name="Sign in").click()
    with_script.page.get_by_test_id("sign-in-email").wait_for()
    with_script.check("sign-in-password-step")
