"""What people touch (issue 21): the facilitator's console on a tablet, their home on a phone, the
dashboard on a phone, at 390, 820, 1440 and the 1280×720 projector, with axe on every page."""

import pytest
from django.utils import timezone

from analytics.snapshots import compute_snapshot
from tests.browser.conftest import DEVICES
from workshops.models import CaseAllocation, CaseReview, Workshop

# The sizes people use: a small phone, a tablet, a laptop and a projector.
DEVICES.setdefault(
    "390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
)
DEVICES.setdefault("820", {"viewport": {"width": 820, "height": 1180}, "has_touch": True})
DEVICES.setdefault("1440", {"viewport": {"width": 1440, "height": 900}})
DEVICES.setdefault("1280x720", {"viewport": {"width": 1280, "height": 720}})

EARLY_YEARS = "Early years transition case reviews"


def room_one():
    return CaseAllocation.objects.filter(workshop__title=EARLY_YEARS, room__name="Room 1").first().room


def open_console(visit, device):
    facilitator = visit(device).sign_in("facilitator@demo.test")
    facilitator.page.goto(f"/rooms/{room_one().pk}/")
    return facilitator, facilitator.page


def focused_toggle_box(page):
    """The visible box of the focused toggle (its input is visually hidden) and the Save bar's top."""
    return page.evaluate(
        """() => {
        const input = document.activeElement;
        const shown = input.labels && input.labels.length ? input.labels[0] : input;
        const box = shown.getBoundingClientRect();
        return {top: box.top, bottom: box.bottom, """
        """barTop: document.querySelector('.review-actions').getBoundingClientRect().top,
                outline: getComputedStyle(shown).outlineWidth, outlineStyle: getComputedStyle(shown).outlineStyle,
                name: input.name};
    }"""
    )


def tab_until(page, selector, limit=80):
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("device", ["820", "1280x720"])
def test_tabbing_to_the_first_theme_toggle_leaves_it_clear_of_the_save_bar(visit, demo, device):
    facilitator, page = open_console(visit, device)
    page.locator("#case-heading").focus()
    tab_until(page, 'input[name="themes"]')
    box = focused_toggle_box(page)
    assert box["name"] == "themes"
    assert box["bottom"] <= box["barTop"], box  # WCAG 2.2 2.4.11: not hidden behind the sticky bar
    assert box["outlineStyle"] == "solid" and float(box["outline"].removesuffix("px")) >= 3  # a strong ring
    facilitator.check()


def test_a_keyboard_only_review_of_a_full_case_takes_at_most_15_key_presses(visit, demo):
    facilitator, page = open_console(visit, "820")
    room = room_one()
    reference = page.locator("#case-heading").inner_text().split()[1]
    page.locator("#case-heading").focus()
    keys = [
        "Tab",
        "ArrowRight",  # the outcome: a radio group, arrow to "No, not ideal"
        "Tab",
        "Space",
        "ArrowRight",
        "Space",  # two non-ideal areas: one Tab stop, arrows between them
        "Tab",
        "Space",  # the first better provision
        "Tab",
        "Space",  # the first theme
        "Tab",
        "Tab",
        "Enter",
    ]  # past the notes to "Save and next case"
    for key in keys:
        page.keyboard.press(key)
    page.get_by_text(f"Saved {reference}.").wait_for()
    assert len(keys) <= 15
    review = CaseReview.objects.get(allocation__room=room, allocation__case__reference=reference)
    assert (
        review.ideal_outcome,
        review.non_ideal_areas.count(),
        review.better_provision is not None,
        review.themes.count(),
    ) == (False, 2, True, 1)
    facilitator.check("console-keyboard")


def test_each_group_of_checkboxes_is_one_tab_stop(visit, demo):
    facilitator, page = open_console(visit, "1440")
    page.get_by_text("No, not ideal").click()
    page.locator('input[name="non_ideal_areas"]').first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "better_provision"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")
    assert page.evaluate(
        "document.activeElement === [...document.querySelectorAll('input[name=non_ideal_areas]')].at(-1)"
    )


def test_the_error_summary_is_short_and_goes_once_the_answers_are_given(visit, demo):
    facilitator, page = open_console(visit, "820")
    page.get_by_role("button", name="Save and next case").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "Say whether the outcome is ideal." in summary.inner_text()
    assert "long-term goals" not in summary.inner_text()
    facilitator.check()
    page.get_by_text("Yes, ideal").click()
    assert "Say whether the outcome is ideal." not in summary.inner_text()
    page.locator('label[for^="id_themes_"]').first.click()
    assert summary.count() == 0
    assert page.locator(".field-error").count() == 0


def test_no_consensus_with_answers_ticked_asks_first_and_the_answers_can_be_put_back(visit, demo):
    facilitator, page = open_console(visit, "820")
    reference = page.locator("#case-heading").inner_text().split()[1]
    page.get_by_text("Yes, ideal").click()
    page.locator('label[for^="id_themes_"]').first.click()
    page.get_by_role("button", name="No consensus — move on").click()
    page.get_by_text(f"Record no consensus for {reference}?").wait_for()
    facilitator.check("console-confirm-no-consensus")
    assert not CaseReview.objects.filter(
        allocation__case__reference=reference, allocation__workshop__title=EARLY_YEARS
    ).exists()
    page.get_by_role("button", name="Yes, record no consensus").click()
    page.get_by_text(f"Saved {reference} as no consensus.").wait_for()
    page.get_by_role("link", name=f"1. {reference}").click()
    page.get_by_role("link", name="Put these answers back in the form").click()
    page.get_by_text("are back in the form").wait_for()
    assert page.locator('input[name="ideal_outcome"][value="yes"]').is_checked()
    assert page.locator('input[name="themes"]:checked').count() == 1
    facilitator.check()


def test_on_a_tablet_the_rooms_case_list_is_at_the_top(visit, demo):
    facilitator, page = open_console(visit, "820")
    box = page.locator("#case-list-heading").bounding_box()
    assert box["y"] < 400 and box["x"] > 400  # beside the form, not 1,400 px below it
    page.screenshot(path=str(_screenshots() / "console-820.png"), full_page=False)
    facilitator.check("console")


def test_on_a_phone_the_case_list_is_one_link_away(visit, demo):
    facilitator, page = open_console(visit, "390")
    page.get_by_test_id("jump-to-cases").click()
    assert page.evaluate("location.hash") == "#case-list-heading"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    facilitator.check("console")


def test_the_facilitators_home_offers_open_room_buttons_that_fit_a_phone(visit, demo):
    Workshop.objects.filter(title=EARLY_YEARS).update(status=Workshop.Status.LIVE)
    Workshop.objects.filter(title="Secondary case reviews").update(date=timezone.localdate())  # closed: never offered
    facilitator = visit("390").sign_in("facilitator@demo.test")
    page = facilitator.page
    page.goto("/workshops/")
    buttons = page.get_by_test_id("open-room")
    assert buttons.count() == 1 and EARLY_YEARS in buttons.first.inner_text()
    box = buttons.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    wider = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.table-responsive'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wider == []  # only the workshops table scrolls sideways, inside its own region
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # and the page itself never does
    facilitator.check("facilitator-home")
    buttons.first.click()
    page.locator("#case-heading").wait_for()


@pytest.mark.parametrize("device", ["390", "1440"])
def test_the_dashboards_chart_labels_stay_inside_their_charts(visit, demo, device):
    compute_snapshot(demo.pk, "all")
    lead = visit(device).sign_in("lead@demo.test")
    page = lead.page
    page.goto("/dashboards/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".plotly-chart .main-svg")
    # On a phone the sections start collapsed (opened from the contents); a chart is drawn when its
    # section opens, so open them all to look at every chart.
    closed = page.locator("details.dashboard-section:not([open]) > summary")
    while closed.count():
        closed.first.click()
    page.wait_for_function("document.querySelectorAll('.plotly-chart .main-svg').length >= 5")
    clipped = page.evaluate("""() => {
        const out = [];
        document.querySelectorAll('.plotly-chart').forEach(chart => {
            if (!chart.offsetParent) return;  // not shown at this size (the heatmap on a phone)
            const frame = chart.getBoundingClientRect();
            chart.querySelectorAll('.xtick text, .ytick text').forEach(label => {
                const box = label.getBoundingClientRect();
                if (box.width && (box.left < frame.left - 1 || box.right > frame.right + 1))
                    out.push(chart.dataset.chart + ': ' + label.textContent);
            });
        });
        return out;
    }""")
    assert clipped == []
    assert page.evaluate("document.querySelectorAll('.plotly-chart .main-svg').length") >= 5
    heatmap_shown = page.locator('[data-chart="chart-crosstab"]').is_visible()
    assert heatmap_shown == (device != "390")  # on a phone the heatmap gives way to its table
    assert page.locator("#table-crosstab").is_visible()
    if device == "390":
        page.screenshot(path=str(_screenshots() / "dashboard-390.png"), full_page=True)
    lead.check()


def test_the_dashboards_contents_jump_to_a_section_and_back(visit, demo):
    compute_snapshot(demo.pk, "all")
    lead = visit("390").sign_in("lead@demo.test")
    page = lead.page
    page.goto("/dashboards/")
    page.get_by_test_id("contents").get_by_role("link", name="Who was in the rooms").click()
    assert page.evaluate("location.hash") == "#disciplines-heading"
    page.locator("#disciplines-heading").locator("xpath=..").get_by_role("link", name="Back to contents").click()
    assert page.evaluate("location.hash") == "#contents"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    lead.check()


def _screenshots():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
