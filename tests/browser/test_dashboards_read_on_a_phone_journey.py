"""Issue 33: the lead reads the demo LA's dashboards on a phone (390 x 844), a tablet (768, 1024)
and a laptop (1440). On a phone the long sections are collapsed behind the contents, and a
contents link opens its section; every chart on the page (the polls' and process maps' too) is
drawn so that no two axis labels print over each other, no tick label is turned on its side, and
no bar's value is cut at the chart's edge. Axe on every page; screenshots in
test-results/screenshots/."""

import pytest

from tests.browser.conftest import DEVICES
from workshops.models import Workshop

pytestmark = pytest.mark.browser

PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DEVICES.setdefault("390", {"viewport": {"width": 390, "height": 844}, **PHONE})
DEVICES.setdefault("768", {"viewport": {"width": 768, "height": 1024}, "has_touch": True})
DEVICES.setdefault("1024", {"viewport": {"width": 1024, "height": 768}, "has_touch": True})
DEVICES.setdefault("1440", {"viewport": {"width": 1440, "height": 900}})

# The demo dashboard was about 32,000 px tall on a phone with every section open (about 20,000 at
# 1440). Collapsed it is about 7,200 px: the filters, headline and contents 1,900, the outcome
# section (open) 1,100, the improvement plan's sections (added by that app, not collapsed) 1,900.
# The bound leaves room for longer names, not for the sections to open again.
PHONE_PAGE_HEIGHT = 9_000

# For every chart shown: tick labels whose boxes overlap, tick labels or bar values turned on their
# side, and bar values (and the labels drawn above the bars) reaching outside the chart.
GEOMETRY = """() => {
    const problems = [], checked = [];
    const rotated = element => /rotate\\(\\s*-?[1-9]/.test(element.getAttribute('transform') || '');
    const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
        && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    document.querySelectorAll('.plotly-chart').forEach(chart => {
        if (!chart.checkVisibility()) return;  // not shown: the heatmap on a phone, a closed section
        const name = chart.dataset.chart, svg = chart.querySelector('svg.main-svg');
        if (!svg) { problems.push(name + ': not drawn'); return; }
        checked.push(name);
        const frame = svg.getBoundingClientRect();
        if (frame.right > document.documentElement.clientWidth + 0.5) problems.push(name + ': wider than the page');
        const ticks = [...chart.querySelectorAll('.xtick text, .ytick text')]
            .map(text => [text, text.getBoundingClientRect()]).filter(([, box]) => box.width && box.height);
        ticks.forEach(([text, box], i) => {
            if (rotated(text)) problems.push(`${name}: tick label "${text.textContent}" is rotated`);
            ticks.slice(i + 1).forEach(([other, otherBox]) => {
                if (overlap(box, otherBox))
                    problems.push(`${name}: "${text.textContent}" overlaps "${other.textContent}"`);
            });
        });
        chart.querySelectorAll('.bartext, .textpoint text, .annotation-text').forEach(text => {
            const box = text.getBoundingClientRect();
            if (!box.width || !box.height) return;  // a zero left without text
            if (rotated(text)) problems.push(`${name}: value "${text.textContent}" is rotated`);
            if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5
                || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5)
                problems.push(`${name}: "${text.textContent}" is cut at the chart's edge`);
        });
    });
    return {problems, checked};
}"""


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def sections(page):
    return page.locator("details.dashboard-section")


def open_every_section(page):
    closed = page.locator("details.dashboard-section:not([open]) > summary")
    while closed.count():
        closed.first.click()
    assert page.locator("details.dashboard-section:not([open])").count() == 0


def charts_read_well(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    shown = page.evaluate("[...document.querySelectorAll('.plotly-chart')].filter(c => c.checkVisibility()).length")
    page.wait_for_function(
        "n => [...document.querySelectorAll('.plotly-chart')]"
        ".filter(c => c.checkVisibility() && c.querySelector('.main-svg')).length >= n",
        arg=shown,
    )
    result = page.evaluate(GEOMETRY)
    assert result["problems"] == []
    assert len(result["checked"]) == shown
    return result["checked"]


def test_the_lead_reads_the_dashboard_on_a_phone_from_its_contents(visit, computed):
    computed("all")
    lead = visit("390").sign_in("lead@demo.test")
    page = lead.page
    page.goto("/dashboards/")
    page.wait_for_load_state("networkidle")

    # Collapsed: the headline, the contents, the outcome chart the headline sums up, and one line
    # per other section.
    assert sections(page).count() >= 10
    assert page.locator("details.dashboard-section[open]").count() == 1
    assert page.locator("#table-outcome").is_visible()
    collapsed = height(page)
    assert collapsed < PHONE_PAGE_HEIGHT, f"the phone page is {collapsed} px tall"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    lead.check("dashboard-collapsed")

    # A contents link opens its section and scrolls to it.
    page.get_by_test_id("contents").get_by_role("link", name="Themes behind the outcomes").click()
    themes = page.locator("section[aria-labelledby='themes-heading'] details.dashboard-section")
    assert themes.get_attribute("open") is not None
    assert page.locator("#table-themes").is_visible()
    # Scrolled there (smoothly: Bootstrap's scroll-behavior), the heading near the top of the screen.
    page.wait_for_function(
        "() => { const top = document.getElementById('themes-heading').getBoundingClientRect().top;"
        " return top >= 0 && top < 844 / 3; }"
    )
    charts_read_well(page)  # the chart drawn on opening is drawn at the phone's width

    # Every section open: every chart, the polls' and the process maps' too, reads at 390 px.
    open_every_section(page)
    checked = charts_read_well(page)
    assert {"chart-outcome", "chart-themes", "chart-provision", "chart-by-workshop", "chart-combined-themes"} <= set(
        checked
    )
    assert any(name.startswith("chart-poll-") for name in checked)
    assert any(name.startswith("chart-process-") for name in checked)
    assert page.locator("#table-crosstab").is_visible()  # the heatmap gives way to its table
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    lead.check("dashboard-open")


def test_a_workshops_dashboard_reads_on_a_phone(visit, computed, demo):
    workshop = Workshop.objects.filter(organisation=demo).order_by("pk").first()
    computed(f"workshop:{workshop.pk}")
    lead = visit("390").sign_in("lead@demo.test")
    page = lead.page
    page.goto(f"/dashboards/workshops/{workshop.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("details.dashboard-section[open]").count() == 1
    open_every_section(page)
    charts_read_well(page)
    lead.check("workshop-dashboard-open")


@pytest.mark.parametrize("device", ["768", "1024", "1440"])
def test_on_wider_screens_every_section_is_open_and_its_charts_read_well(visit, computed, device):
    computed("all")
    lead = visit(device).sign_in("lead@demo.test")
    page = lead.page
    page.goto("/dashboards/")
    page.wait_for_load_state("networkidle")
    assert sections(page).count() >= 10
    assert page.locator("details.dashboard-section:not([open])").count() == 0
    charts_read_well(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= DEVICES[device]["viewport"]["width"]
    lead.check("dashboard")


def test_without_javascript_a_section_opens_from_its_summary(browser, live_server, computed):
    computed("all")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **DEVICES["390"])
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("lead@demo.test")
        if not page.get_by_label("Password").is_visible():  # without JavaScript: the email first
            page.get_by_role("button", name="Continue").click()
        page.get_by_label("Password").fill("casereview-demo")
        page.get_by_role("button", name="Sign in").click()
        page.goto("/dashboards/")
        assert page.locator("details.dashboard-section[open]").count() == 1
        assert height(page) < PHONE_PAGE_HEIGHT
        page.get_by_test_id("contents").get_by_role("link", name="Who was in the rooms").click()
        assert not page.locator("#table-disciplines").is_visible()
        page.locator("section[aria-labelledby='disciplines-heading'] summary").click()
        assert page.locator("#table-disciplines").is_visible()
    finally:
        context.close()
