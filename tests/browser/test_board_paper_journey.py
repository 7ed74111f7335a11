"""The board paper in a real browser, every page checked by axe: a lead imports a plan from a
workbook (seed 003's numbering and its issue and mitigation text), adds a board meeting to the
reporting calendar, freezes an update for it, turns an action from amber to green, freezes a second
update, records the sign-off, and opens the Word file: a shaded rating cell, "Amber → Green" with its
arrow, and the recommendations with their decisions."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook

from casereview.models import VocabularyTerm
from improvement import services
from improvement.models import MonitoringUpdate, Plan, Recommendation

pytestmark = pytest.mark.browser

PLAN = "Written Statement of Action 2022: monitoring"
ACTION = "Agree the local area SEND strategy with partners"
BOARD = "SEND Partnership Board"


def _workbook(path):
    """The four sheets of the plan workbook, as an LA would fill them in from seed 003."""
    book = Workbook()
    actions = book.active
    actions.title = "Actions"
    actions.append(
        [
            "workstream",
            "focus_area_ref",
            "focus_area",
            "ref",
            "action",
            "owner",
            "due_date",
            "status",
            "rag",
            "issue",
            "mitigation",
            "next_steps",
        ]
    )
    actions.append(
        [
            "Culture",
            "1",
            "Partners agree what good looks like for children with SEND.",
            "1.B",
            ACTION,
            "Head of SEND",
            "2027-03-31",
            "In progress",
            "Amber",
            "The strategy draft is not yet signed off by all partners.",
            "Present the draft at the Partnership Board:\n- chase health partners\n- agree the final wording",
            "",
        ]
    )
    actions.append(
        [
            "Identify–assess–meet need",
            "14–15",
            "Children get the right assessment at the right time.",
            "14–15",
            "Publish the graduated response toolkit",
            "SEND Quality Assurance Lead",
            "30/06/2027",
            "Not started",
            "Not yet rated",
            "",
            "",
            "",
        ]
    )
    risks = book.create_sheet("Risks")
    risks.append(["ref", "type", "title", "detail", "rag", "impact", "mitigation", "owner", "review_date"])
    risks.append(
        [
            "R1",
            "Risk",
            "Capacity for change",
            "Workloads rose.",
            "Red",
            "Delays to milestones.",
            "- Streamline processes\n- Prioritise statutory work",
            "Director of Education",
            "2027-01-15",
        ]
    )
    kpis = book.create_sheet("KPIs")
    kpis.append(["name", "kind", "unit", "direction", "frequency", "baseline", "target", "focus_area_ref"])
    kpis.append(
        ["EHCPs issued within 20 weeks", "How well we did it", "%", "Higher is better", "Monthly", 50, 90, "14–15"]
    )
    values = book.create_sheet("KPI values")
    values.append(["kpi", "period", "value"])
    values.append(["EHCPs issued within 20 weeks", "2026-10", 62])
    book.save(path)
    return path


def _fill(cell):
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


def test_the_lead_reports_an_imported_plan_to_the_board_and_opens_the_word_file(visit, demo, tmp_path):
    today = timezone.localdate()
    meeting_day = today + datetime.timedelta(days=14)
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page

    page.goto("/plans/import/")
    lead.check("plan-import")
    page.get_by_label("Plan title").fill(PLAN)
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(_workbook(tmp_path / "plan.xlsx")))
    page.get_by_role("button", name="Import the plan").click()
    page.get_by_role("heading", name=PLAN).wait_for()
    lead.check("imported-plan")
    plan = Plan.objects.get(organisation=demo, title=PLAN)
    assert plan.workstreams.count() == 2

    # A recommendation of the strategic review, accepted into an action of the imported plan.
    theme = VocabularyTerm.objects.filter(organisation=demo, kind="theme").order_by("position").first()
    recommendation = Recommendation.objects.create(
        plan=plan, ref="3", theme=theme, text="Co-produce the strategy with the parent carer forum."
    )
    services.recommendation_decide(
        recommendation=recommendation,
        decision=Recommendation.Decision.ACCEPTED,
        focus_area=plan.workstreams.get(name="Culture").focus_areas.get(),
        owner="Participation lead",
        due=today + datetime.timedelta(days=90),
        by=None,
    )
    page.get_by_role("link", name="Recommendations", exact=True).click()
    page.get_by_test_id("accepted-action").first.wait_for()
    assert "Not started" in page.get_by_test_id("accepted-action").first.inner_text()
    lead.check("recommendations-with-ratings")

    # The reporting calendar: a board meeting two weeks away.
    page.get_by_role("link", name="Monitoring updates").click()
    page.get_by_role("link", name="Reporting calendar").click()
    page.get_by_role("heading", name=f"{PLAN}: reporting calendar").wait_for()
    lead.check("calendar-empty")
    page.get_by_role("link", name="Add a meeting").click()
    lead.check("meeting-form")
    page.get_by_label("Board or meeting").fill(BOARD)
    page.get_by_label("Date").fill(meeting_day.isoformat())
    page.get_by_label("What is reported").fill("WSOA monitoring and evaluation\n- KPI dashboard")
    page.get_by_role("button", name="Add the meeting").click()
    page.get_by_text("Added the meeting").wait_for()
    assert BOARD in page.get_by_test_id("meetings").inner_text()
    lead.check("calendar")

    # The first update, for that meeting (preselected: the next one).
    page.get_by_role("link", name="Monitoring updates", exact=True).click()
    page.get_by_role("link", name="Freeze a monitoring update").click()
    page.get_by_label("Title").fill("Monitoring update – before the board")
    page.get_by_label("As at").fill(today.isoformat())
    meeting = plan.meetings.get()
    assert page.get_by_label("For which meeting").input_value() == str(meeting.pk)
    lead.check("update-form")
    page.get_by_role("button", name="Freeze the update").click()
    page.get_by_text("Later changes to the plan do not change it.").first.wait_for()
    assert "Amber" in page.get_by_test_id("milestones").first.inner_text()
    lead.check("first-update")

    # The action turns green.
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name=ACTION).click()
    page.get_by_test_id("mitigation").locator("li").first.wait_for()  # its bullets kept
    lead.check("imported-action")
    page.get_by_role("link", name="Edit the action").click()
    page.get_by_label("Green", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved the action.").wait_for()
    lead.check()

    # The second update, for the same meeting, shows previous → current.
    page.goto(f"/plans/{plan.pk}/updates/new/")
    page.get_by_label("Title").fill("Monitoring update – for the board")
    page.get_by_label("As at").fill(today.isoformat())
    page.get_by_role("button", name="Freeze the update").click()
    page.get_by_text("Later changes to the plan do not change it.").first.wait_for()
    travel = page.get_by_test_id("travel").all_inner_texts()
    assert "Amber → Green ↑ improved" in travel
    assert f"{BOARD}, {meeting_day:%-d %B %Y}" in page.get_by_test_id("update-meeting").inner_text()
    lead.check("second-update")

    # The sign-off: a bad one first (explained), then the real one.
    page.get_by_label("Signed off by").fill("Chair, SEND Partnership Board")
    page.get_by_role("button", name="Record the sign-off").click()
    page.get_by_role("alert").get_by_text("Give the date it was signed off").wait_for()
    lead.check()
    page.get_by_label("Signed off on").fill(today.isoformat())
    page.get_by_role("button", name="Record the sign-off").click()
    page.get_by_text("Recorded the sign-off").wait_for()
    assert "By Chair, SEND Partnership Board" in page.get_by_test_id("sign-off").inner_text()
    lead.check("signed-off-update")
    update = MonitoringUpdate.objects.get(title="Monitoring update – for the board")
    assert update.meeting == meeting and update.signed_off_on == today

    page.goto(f"/plans/{plan.pk}/calendar/")
    assert "signed off by Chair, SEND Partnership Board" in page.get_by_test_id("meetings").inner_text()
    lead.check()

    page.goto(f"/plans/updates/{update.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Word").click()
    path = tmp_path / "update.docx"
    download.value.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))

    milestones = [t for t in document.tables if t.rows[0].cells[0].text == "Ref"]
    rows = [row.cells for table in milestones for row in table.rows[1:]]
    strategy = next(cells for cells in rows if cells[1].text.startswith(ACTION))
    assert strategy[0].text == "1.B"
    assert (strategy[5].text, _fill(strategy[5])) == ("Green", "00B050")
    assert strategy[6].text == "Amber → Green ↑ improved"
    assert [p.style.name for p in strategy[8].paragraphs] == ["Normal", "List Bullet", "List Bullet"]
    toolkit = next(cells for cells in rows if cells[1].text.startswith("Publish the graduated response toolkit"))
    assert (toolkit[0].text, toolkit[5].text, _fill(toolkit[5])) == ("14–15", "Not yet rated", None)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Recommendations and decisions" in text
    assert f"Signed off by Chair, SEND Partnership Board on {today:%-d %B %Y}" in text
    recommendations = next(t for t in document.tables if t.rows[0].cells[2].text == "Recommendation")
    cells = recommendations.rows[1].cells
    assert cells[2].text == "Co-produce the strategy with the parent carer forum." and cells[3].text == "Accepted"
