"""The sign-in page asks for the email first (issue 35), in two steps that work without JavaScript:
an address of an LA that signs its staff in itself goes to its provider; any other address gets the
password step, whether or not it has an account; the lockout holds at the password step."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from casereview.signin import services
from tests.identity_provider import identity_provider

PASSWORD = "a-long-enough-password-1"


def _inputs(page: str) -> dict[str, str]:
    """Each <input> of the page by its name (the whole tag)."""
    return {
        re.search(r'name="([^"]+)"', tag).group(1): tag for tag in re.findall(r"<input[^>]*>", page) if "name=" in tag
    }


def _email_step(client, email, **extra):
    return client.post(reverse("login") + extra.pop("query", ""), {"username": email, **extra})


def test_step_one_asks_for_the_email_alone(client, db):
    page = client.get(reverse("login")).content.decode()
    inputs = _inputs(page)
    assert 'type="email"' in inputs["username"] and "autofocus" in inputs["username"]
    # The password is there only for the script to show; without it, it is neither shown nor sent.
    assert "disabled" in inputs["password"] and re.search(r"<div data-password-step\s+hidden>", page)
    assert ">Continue</button>" in page


def test_without_javascript_the_email_then_the_password_signs_in(client, lead):
    lead.set_password(PASSWORD)
    lead.save()
    step_two = _email_step(client, " lead@northshire.test ", query="?next=/workshops/")
    assert step_two.status_code == 200 and "_auth_user_id" not in client.session
    page = step_two.content.decode()
    inputs = _inputs(page)
    # The address shown, kept in a hidden field for the sign-in and password managers, and changeable.
    assert 'data-testid="sign-in-email">lead@northshire.test<' in page
    assert (
        inputs["username"]
        == '<input type="email" name="username" value="lead@northshire.test" autocomplete="username" hidden>'
    )

    assert 'autocomplete="current-password"' in inputs["password"] and "autofocus" in inputs["password"]
    assert "disabled" not in inputs["password"]
    assert 'Not you? <a href="/accounts/login/?next=/workshops/">Change' in page
    assert ">Sign in</button>" in page
    response = client.post(
        reverse("login") + "?next=/workshops/", {"username": "lead@northshire.test", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/workshops/"
    assert client.session["_auth_user_id"] == str(lead.pk)


def test_an_unknown_address_gets_the_same_password_step(client, lead):
    known = _email_step(client, lead.email).content.decode()
    unknown = _email_step(client, "nobody@nowhere.test").content.decode()

    # Apart from the address itself (and the page's CSRF tokens), the two pages are the same.
    def plain(page, email):
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.replace(email, "EMAIL"))

    assert plain(known, lead.email) == plain(unknown, "nobody@nowhere.test")
    assert 'name="password"' in unknown and "There is a problem" not in unknown
    # A wrong password of an unknown address reads like any wrong password.
    response = client.post(reverse("login"), {"username": "nobody@nowhere.test", "password": "guess"})
    page = response.content.decode()
    assert response.status_code == 200 and "Check both and try again" in page
    assert 'data-testid="sign-in-email">nobody@nowhere.test<' in page  # still the password step


def test_an_empty_email_is_asked_for_again_at_step_one(client, db):
    page = _email_step(client, "  ").content.decode()
    assert "Enter your email address" in page and ">Continue</button>" in page
    assert "sign-in-email" not in page


def test_an_empty_password_is_asked_for_at_step_two(client, lead):
    response = client.post(reverse("login"), {"username": lead.email, "password": ""})
    page = response.content.decode()
    assert "Enter your password" in page and f'data-testid="sign-in-email">{lead.email}<' in page


@pytest.fixture
def northshire_idp(organisation):
    with identity_provider({"ns-lead": {"email": "lead@northshire.test", "email_verified": True}}) as provider:
        services.sign_in_save(
            organisation=organisation,
            preset="other",
            issuer=provider.url,
            client_id="casereview-northshire",
            client_secret="secret",
            client_secret_env="",
            allowed_domains="northshire.test",
            sso_required=False,
            mfa_required_for="none",
        )
        yield provider


def test_an_address_of_an_sso_domain_goes_from_step_one_to_its_provider(client, lead, northshire_idp):
    page = client.get(reverse("login")).content.decode()
    assert '<script id="sso-domains" type="application/json">["northshire.test"]</script>' in page
    response = _email_step(client, "LEAD@northshire.test")
    assert response.status_code == 302 and response.url.startswith(f"{northshire_idp.url}/oauth2/authorize")
    back = urlsplit(northshire_idp.approve(response.url, "ns-lead"))
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)
    # An address of another domain gets the password step.
    client.post(reverse("logout"))
    assert 'name="password"' in _email_step(client, "someone@contractor.test").content.decode()


def test_a_locked_out_address_still_gets_step_two_and_is_still_refused(client, lead, settings):
    lead.set_password(PASSWORD)
    lead.save()
    statuses = [
        client.post(reverse("login"), {"username": lead.email, "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    # The email step says nothing about the lockout (it is the same for any address)...
    step_two = _email_step(client, lead.email)
    assert step_two.status_code == 200 and 'name="password"' in step_two.content.decode()
    # ...and the right password is still refused.
    response = client.post(reverse("login"), {"username": lead.email, "password": PASSWORD})
    assert response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
