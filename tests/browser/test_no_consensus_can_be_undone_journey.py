"""A facilitator records "No consensus" by a slip and undoes it at once; the sticky Save bar stays one
compact row on a tablet; the Undo goes after 10 seconds."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEVICES
from workshops.models import CaseAllocation, CaseReview

pytestmark = pytest.mark.browser

SIZES = {
    "tablet-768": {"viewport": {"width": 768, "height": 1024}, "has_touch": True},
    "tablet-1024": {"viewport": {"width": 1024, "height": 768}, "has_touch": True},
    "desktop-1440": {"viewport": {"width": 1440, "height": 900}},
}
COMPACT_BAR = {"tablet-768", "tablet-1024"}


def bar_is_one_compact_row(page):
    bar = page.locator(".review-actions").bounding_box()
    assert bar["height"] <= 64, f"the sticky bar is {bar['height']} px tall"
    tops = [button.bounding_box()["y"] for button in page.locator(".review-actions button").all()]
    assert len(tops) >= 2 and max(tops) - min(tops) <= 3, f"the bar's buttons are not on one row: {tops}"


def focused_field_is_clear_of_bar(page):
    """WCAG 2.2 2.4.11: the field with the focus is never under the sticky bar."""
    page.evaluate("window.scrollTo(0, 0)")
    page.locator('textarea[name="notes"]').focus()
    field = page.locator('textarea[name="notes"]').bounding_box()
    bar = page.locator(".review-actions").bounding_box()
    assert field["y"] + field["height"] <= bar["y"], (field, bar)


@pytest.mark.parametrize("device", list(SIZES))
def test_no_consensus_can_be_undone_and_the_undo_goes_after_ten_seconds(visit, demo, monkeypatch, device):
    monkeypatch.setitem(DEVICES, device, SIZES[device])
    facilitator = visit(device)
    page = facilitator.page
    page.clock.install()  # the page's own timers, so the 10 seconds can be jumped over
    # Buttons change colour over 0.15 s after a tap (Bootstrap's transition, which it leaves out for
    # reduced motion); axe must read the colours they settle on, not a mix caught on a slow machine.
    page.emulate_media(reduced_motion="reduce")
    facilitator.sign_in("facilitator@demo.test")
    room = CaseAllocation.objects.filter(workshop__title="Early years transition case reviews", room__name="Room 1")
    room = room.first().room
    page.goto(f"/rooms/{room.pk}/")
    heading = page.locator("#case-heading")
    reference = heading.inner_text().split()[1]
    allocation = CaseAllocation.objects.get(room=room, case__reference=reference)
    assert not CaseReview.objects.filter(allocation=allocation).exists()
    if device in COMPACT_BAR:
        bar_is_one_compact_row(page)
    focused_field_is_clear_of_bar(page)
    facilitator.check("undo-console")

    # Nothing ticked: "No consensus" records at once, with an Undo in the saved message.
    page.get_by_role("button", name="No consensus").click()
    saved = page.get_by_text(f"Saved {reference} as no consensus.")
    saved.wait_for()
    assert CaseReview.objects.get(allocation=allocation).consensus_reached is False
    undo = page.get_by_role("button", name=f"Undo no consensus for {reference}")
    expect(undo).to_be_visible()
    # The saved message has the focus, so it is read out, and the Undo is the next Tab stop.
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
    facilitator.check("undo-offered")
    undo.click()
    page.get_by_text(f"No consensus undone: {reference} is open again").wait_for()
    assert not CaseReview.objects.filter(allocation=allocation).exists()
    assert heading.inner_text().split()[1] == reference
    if device in COMPACT_BAR:
        bar_is_one_compact_row(page)
    facilitator.check("undo-done")

    # Answers ticked: "No consensus" asks first.
    page.get_by_text("No, not ideal").click()
    page.get_by_text("Timing of support").click()
    page.get_by_role("button", name="No consensus").click()
    page.get_by_text(f"Record no consensus for {reference}?").wait_for()
    facilitator.check("undo-confirm")
    assert not CaseReview.objects.filter(allocation=allocation).exists()
    page.get_by_role("button", name="Yes, record no consensus").click()
    page.get_by_text(f"Saved {reference} as no consensus.").wait_for()
    assert CaseReview.objects.get(allocation=allocation).consensus_reached is False
    undo = page.get_by_role("button", name=f"Undo no consensus for {reference}")
    expect(undo).to_be_visible()

    page.clock.run_for(11_000)
    expect(undo).to_have_count(0)
    expect(saved).to_be_visible()  # the message stays; only its Undo goes
    assert CaseReview.objects.get(allocation=allocation).consensus_reached is False
    facilitator.check("undo-gone")
