"""The lead makes polls in Chromium, with JavaScript and without: the form shows only the fields of
the kind chosen (no scale for a words poll, the options for a choice poll). With JavaScript they
change as the kind is picked; without, a button brings them, keeping what was typed. Axe on each."""

import pytest

from tests.browser.conftest import DEVICES, PASSWORD
from workshops.models import Poll, Workshop

pytestmark = pytest.mark.browser

WORDS_FIELD, OPTIONS_FIELD, SCALE_FIELD = "Answers per attendee (words polls)", "Options", "Scale runs from 1 to"


def new_poll_address(demo):
    return (
        f"/workshops/{Workshop.objects.get(organisation=demo, title='Early years transition case reviews').pk}"
        "/polls/new/"
    )


def visible(page, label) -> bool:
    return page.get_by_label(label).is_visible()


def test_with_javascript_the_fields_change_as_the_kind_is_picked(visit, demo):
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page
    page.goto(new_poll_address(demo))
    assert visible(page, WORDS_FIELD) and not visible(page, SCALE_FIELD) and not visible(page, OPTIONS_FIELD)
    assert page.get_by_role("button", name="Show the fields for this kind").count() == 0  # not needed here
    lead.check()
    page.get_by_label("Question").fill("Where should a child with these needs start?")
    page.get_by_label("Choice (one option)").check()
    assert visible(page, OPTIONS_FIELD) and not visible(page, WORDS_FIELD) and not visible(page, SCALE_FIELD)
    page.get_by_label(OPTIONS_FIELD).fill("Mainstream\nResourced provision")
    lead.check("poll-form-choice")
    page.get_by_label("Scale (1 to N)").check()
    assert visible(page, SCALE_FIELD) and not visible(page, OPTIONS_FIELD)
    page.get_by_label("Choice (one option)").check()
    page.get_by_role("button", name="Save poll").click()
    page.get_by_text("Saved the poll").wait_for()
    poll = Poll.objects.get(question="Where should a child with these needs start?")
    assert poll.kind == "choice" and poll.options == ["Mainstream", "Resourced provision"] and poll.approve_first


def choose_scale_by_the_button(page):
    page.get_by_label("Question").fill("How confident are you about transition?")
    page.get_by_label("Scale (1 to N)").check()
    assert not visible(page, SCALE_FIELD)  # nothing changes by itself without JavaScript...
    page.get_by_role("button", name="Show the fields for this kind").click()  # ...the button brings the fields
    assert visible(page, SCALE_FIELD) and not visible(page, WORDS_FIELD) and not visible(page, OPTIONS_FIELD)
    assert page.get_by_label("Question").input_value() == "How confident are you about transition?"


def test_without_javascript_a_button_brings_the_kinds_fields(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **DEVICES["desktop"])
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("lead@demo.test")
        if not page.get_by_label("Password").is_visible():  # without JavaScript: the email first
            page.get_by_role("button", name="Continue").click()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(new_poll_address(demo))
        assert visible(page, WORDS_FIELD) and not visible(page, SCALE_FIELD) and not visible(page, OPTIONS_FIELD)
        choose_scale_by_the_button(page)
        page.get_by_label(SCALE_FIELD).fill("7")
        page.get_by_role("button", name="Save poll").click()
        page.get_by_text("Saved the poll").wait_for()
        poll = Poll.objects.get(question="How confident are you about transition?")
        assert (poll.kind, poll.scale_max, poll.approve_first) == ("scale", 7, True)
    finally:
        context.close()


def test_the_form_without_its_script_passes_axe(visit, demo):
    """Axe runs in the page, so not where JavaScript is off: here the page runs without our own
    script, which is what a visitor without JavaScript gets from us."""
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page
    page.route("**/js/poll-form.js", lambda route: route.abort())
    page.goto(new_poll_address(demo))
    lead.check()
    choose_scale_by_the_button(page)
    lead.check("poll-form-without-javascript")
