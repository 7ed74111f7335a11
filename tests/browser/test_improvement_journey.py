"""The improvement plan in a real browser, every page checked by axe: from a dashboard theme to an
action rated amber, a KPI value, a frozen monitoring update opened as a Word document, read by a viewer."""

import io

import pytest
from docx import Document

from analytics.snapshots import compute_snapshot
from improvement.models import Action, KpiValue, MonitoringUpdate

pytestmark = pytest.mark.browser

THEME = "Workforce capacity"  # the demo plan has no action for it yet
TITLE = "Recruit two educational psychologists with the ICB"


def test_the_lead_acts_on_a_theme_and_reports_to_the_board_and_a_viewer_reads_it(visit, demo, tmp_path):
    compute_snapshot(demo.pk, "all")
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page
    page.get_by_role("link", name="Dashboards", exact=True).click()
    page.get_by_test_id("plan-section").wait_for()
    assert THEME in page.get_by_test_id("themes-without-action").inner_text()
    lead.check("dashboard-with-plan")

    page.get_by_role("link", name=f"Add an action for {THEME}").click()
    page.get_by_role("heading", name="New action").wait_for()
    assert page.get_by_label(THEME).is_checked()
    lead.check("action-form")
    page.get_by_label("Focus area").select_option(
        label="SEND improvement programme 2026–28 › Identify–assess–meet need › "
        "15. Children get specialist assessment and therapy without long waits."
    )
    page.get_by_label("Milestone or action").fill(TITLE)
    page.get_by_label("Owner (a role)").fill("Principal Educational Psychologist")
    page.get_by_label("Due").fill("2027-04-30")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Added the action “{TITLE}”.").wait_for()
    lead.check("action")

    page.get_by_role("link", name="Edit the action").click()
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save").click()
    assert "Issue: Say what the issue is" in page.get_by_role("alert").inner_text()  # amber needs its reason
    lead.check()
    page.get_by_label("Amber").check()
    page.get_by_label("Issue").fill("National shortage of educational psychologists; one post vacant since June.")
    page.get_by_label("Mitigation").fill("Joint advert with the ICB; locum cover for statutory advice meanwhile.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved the action.").wait_for()
    assert page.get_by_test_id("rag").inner_text() == "Amber"
    assert "Not yet rated → Amber" in page.get_by_test_id("history").inner_text()  # a new action is unrated
    action = Action.objects.get(title=TITLE)
    assert action.rag == "amber" and [t.label for t in action.themes.all()] == [THEME]

    page.get_by_role("link", name="SEND improvement programme 2026–28").click()
    lead.check("plan")
    page.get_by_role("link", name="KPIs", exact=True).click()
    lead.check("kpis")
    page.get_by_role("link", name="Decisions to assess made within 6 weeks").click()
    page.locator(".plotly-chart .main-svg").first.wait_for()
    page.get_by_label("Period").fill("2026-12")
    page.get_by_role("spinbutton", name="Value").fill("91")
    page.get_by_role("button", name="Save the value").click()
    page.get_by_text("Saved the value for December 2026.").wait_for()
    page.locator(".plotly-chart .main-svg").first.wait_for()
    assert "2026-12" in page.locator("#table-kpi").inner_text()  # the period as a monthly KPI names it
    lead.check("kpi")
    assert KpiValue.objects.filter(kpi__name="Decisions to assess made within 6 weeks", period="2026-12-01").exists()

    page.get_by_role("link", name="KPIs of SEND improvement programme 2026–28").click()
    page.get_by_role("link", name="Monitoring updates").click()
    page.get_by_role("link", name="Freeze a monitoring update").click()
    page.get_by_label("Title").fill("Monitoring update – December 2026")
    page.get_by_label("As at").fill("2026-12-31")
    page.get_by_label("Highlights").fill(
        "Educational psychology recruitment with the ICB\nDecisions within 6 weeks above target"
    )
    lead.check()
    page.get_by_role("button", name="Freeze the update").click()
    page.get_by_text("Later changes to the plan do not change it.").first.wait_for()
    lead.check("monitoring-update")
    page.emulate_media(media="print")  # the printable page: no site menus, no buttons
    assert (
        not page.locator("header").is_visible() and not page.get_by_role("link", name="Download as Word").is_visible()
    )
    assert page.get_by_role("heading", name="RAG by workstream").is_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Word").click()
    path = tmp_path / "update.docx"
    download.value.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Monitoring update – December 2026" in text and "Educational psychology recruitment with the ICB" in text
    assert TITLE in cells and "National shortage of educational psychologists" in cells and "Amber" in cells
    assert "91" in cells

    update = MonitoringUpdate.objects.get(title="Monitoring update – December 2026")
    viewer = visit("desktop").sign_in("viewer@demo.test")
    vpage = viewer.page
    vpage.get_by_role("link", name="Improvement plan", exact=True).click()
    viewer.check("plans")
    vpage.get_by_role("link", name="SEND improvement programme 2026–28").click()
    assert vpage.get_by_role("link", name="Freeze a monitoring update").count() == 0
    vpage.get_by_role("link", name="Monitoring updates").click()
    viewer.check("updates")
    vpage.get_by_role("link", name=update.title, exact=True).click()
    vpage.locator("main").get_by_text(TITLE).first.wait_for()  # the page has loaded, not the one before it
    viewer.check()
