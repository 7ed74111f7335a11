"""An analyst narrows the dashboard to one workshop's secondary reviews, on a phone (390 px) and a
laptop (1440 px): the address then holds both filters, the heading says both, and the address
reloaded (or bookmarked, or sent to a colleague) shows the same. Axe on every page."""

import pytest

from tests.browser.conftest import DEVICES
from workshops.models import Workshop

pytestmark = pytest.mark.browser

DEVICES.setdefault(
    "390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
)
DEVICES.setdefault("1440", {"viewport": {"width": 1440, "height": 900}})

TITLE = "Workshop: Secondary case reviews · Phase: Secondary"


def shows_both(page, workshop, width):
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.title().startswith(f"Dashboard · {TITLE}")
    assert page.get_by_label("Workshop", exact=True).input_value() == str(workshop.pk)
    assert page.get_by_label("Phase", exact=True).input_value() == "SECONDARY"
    assert page.get_by_label("Primary need", exact=True).input_value() == ""  # "Any"
    # The downloads name the same combination.
    href = page.get_by_role("link", name="CSV of Outcome of the case reviews").get_attribute("href")
    assert href.endswith(f"?scope=workshop:{workshop.pk},phase:SECONDARY")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen


@pytest.mark.parametrize("device,width", [("390", 390), ("1440", 1440)])
def test_an_analyst_combines_a_workshop_and_a_phase_and_the_address_keeps_both(
    visit, computed, demo, settings, device, width
):
    computed("all")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no worker here: the combination's first view computes it in-process
    workshop = Workshop.objects.get(organisation=demo, title="Secondary case reviews")
    analyst = visit(device).sign_in("viewer@demo.test")
    page = analyst.page
    page.goto("/dashboards/")
    assert page.get_by_role("heading", level=1).inner_text() == "All workshops"
    page.get_by_label("Workshop", exact=True).select_option(label="Secondary case reviews (20 May 2026)")
    page.get_by_label("Phase", exact=True).select_option(label="Secondary")
    analyst.check()
    page.get_by_role("button", name="Apply").click()
    address = f"/dashboards/?scope=workshop:{workshop.pk},phase:SECONDARY"
    page.wait_for_url(lambda url: url.endswith(address))
    shows_both(page, workshop, width)
    analyst.check("dashboard-filtered")

    page.reload()
    shows_both(page, workshop, width)
    page.goto(address)  # as a bookmark or a colleague's link opens it
    shows_both(page, workshop, width)

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(lambda url: url.endswith("/dashboards/"))
    assert page.get_by_role("heading", level=1).inner_text() == "All workshops"
    analyst.check()


def test_the_filters_work_without_javascript(browser, live_server, computed, demo, settings):
    computed("all")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    workshop = Workshop.objects.get(organisation=demo, title="Secondary case reviews")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **DEVICES["390"])
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("viewer@demo.test")
        if not page.get_by_label("Password").is_visible():  # without JavaScript: the email first
            page.get_by_role("button", name="Continue").click()
        page.get_by_label("Password").fill("casereview-demo")
        page.get_by_role("button", name="Sign in").click()
        page.goto("/dashboards/")
        page.get_by_label("Workshop", exact=True).select_option(str(workshop.pk))
        page.get_by_label("Phase", exact=True).select_option("SECONDARY")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(lambda url: url.endswith(f"/dashboards/?scope=workshop:{workshop.pk},phase:SECONDARY"))
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
    finally:
        context.close()
