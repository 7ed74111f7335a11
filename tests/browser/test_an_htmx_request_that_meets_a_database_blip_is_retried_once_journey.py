"""Issue 34: a database blip answers 503 with Retry-After (casereview/database_unavailable.py). A
page's htmx request that meets one is sent again once, after Retry-After, and nothing on the page
says it failed; if the second answer is a 503 too, the page says plainly to try again in a moment.
The control room's own refresh (every 5 s) is the htmx request here; the 503s are the browser's."""

import time

import pytest

from workshops.models import Workshop

pytestmark = pytest.mark.browser

UNAVAILABLE = "[data-database-unavailable]"


def control_room_with_blips(visit, demo, blips: int):
    """The lead's control room, whose first ``blips`` htmx refreshes are answered 503 (Retry-After: 1)."""
    workshop = Workshop.objects.filter(organisation=demo).first()
    lead = visit("desktop").sign_in("lead@demo.test")
    answered = []  # (time, status) of each htmx refresh

    def refresh(route):
        request = route.request
        if request.headers.get("hx-request") != "true":
            return route.continue_()
        if sum(1 for _, status in answered if status == 503) < blips:
            answered.append((time.monotonic(), 503))
            return route.fulfill(status=503, headers={"Retry-After": "1"}, body="Try again in a moment")
        answered.append((time.monotonic(), 200))
        return route.continue_()

    lead.page.route(f"**/workshops/{workshop.pk}/control-room/", refresh)
    lead.page.goto(f"/workshops/{workshop.pk}/control-room/")
    return lead, answered


def test_one_blip_is_retried_after_retry_after_and_nothing_is_shown(visit, demo):
    lead, answered = control_room_with_blips(visit, demo, blips=1)
    deadline = time.monotonic() + 15
    while len(answered) < 2 and time.monotonic() < deadline:
        lead.page.wait_for_timeout(100)
    assert [status for _, status in answered[:2]] == [503, 200], answered
    # Sent again after Retry-After (1 s), not at the next 5-second refresh.
    assert 0.9 <= answered[1][0] - answered[0][0] < 3, answered
    assert lead.page.locator(UNAVAILABLE).count() == 0
    lead.check()


def test_a_second_blip_says_to_try_again_in_a_moment(visit, demo):
    lead, answered = control_room_with_blips(visit, demo, blips=2)
    note = lead.page.locator(UNAVAILABLE)
    note.wait_for(timeout=15_000)
    assert [status for _, status in answered] == [503, 503], answered
    assert note.get_attribute("role") == "alert"
    assert "Try again in a moment" in note.inner_text()
    # The next refresh that succeeds takes the message away.
    lead.page.wait_for_function(f"() => document.querySelector('{UNAVAILABLE}').hidden", timeout=15_000)
    lead.check("database-blip-retried")
