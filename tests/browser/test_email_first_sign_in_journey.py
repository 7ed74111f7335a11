"""The sign-in page with JavaScript: the password appears beside the email once the address is of
no LA that signs its staff in itself, and Enter in the email field moves on to the password rather
than sending an empty one (which the server would answer with "Enter your password")."""

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_enter_after_the_email_moves_to_the_password_then_signs_in(visit, demo):
    person = visit("phone")
    page = person.page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("lead@demo.test")
    page.get_by_label("Email address").press("Enter")
    password = page.get_by_label("Password")
    assert password.is_visible()
    assert password.evaluate("element => element === document.activeElement")
    assert page.get_by_text("There is a problem").count() == 0
    assert page.url.endswith("/accounts/login/")
    person.check()
    password.fill(PASSWORD)
    password.press("Enter")
    page.wait_for_url("**/")
    assert "/accounts/login/" not in page.url
    assert page.get_by_text("lead@demo.test").count() >= 1  # the header names who is signed in
