"""Entering one action by hand takes at most 6 taps (issue 36): from the plan page's "Add an action to
focus area N" link to the saved action, counting every tap and every field typed into (one each), on
a touch tablet, every page checked by axe. docs/improvement.md, "Entering an action", gives the
number measured here."""

import pytest

from improvement.models import Action, FocusArea, Plan

pytestmark = pytest.mark.browser

# What docs/improvement.md says it takes; the issue asks for at most 6.
MEASURED_TAPS = 5
TITLE = "Publish the refreshed local offer with the parent carer forum"


class Taps:
    """The page's interactions, counted: a tap on a link, a button or a control, a choice in a list,
    and typing into one field are one each."""

    def __init__(self, page):
        self.page = page
        self.steps = []

    def tap(self, locator, what):
        locator.tap()
        self.steps.append(f"tap {what}")

    def type(self, locator, text, what):
        locator.fill(text)
        self.steps.append(f"type {what}")

    def choose(self, locator, label, what):
        locator.select_option(label=label)
        self.steps.append(f"choose {what}")

    @property
    def count(self):
        return len(self.steps)


def test_one_action_is_entered_from_the_plan_page_in_at_most_six_taps(visit, demo):
    plan = Plan.objects.get(organisation=demo, title="SEND improvement programme 2026–28")
    area = FocusArea.objects.filter(workstream__plan=plan).order_by("sort_key").first()
    lead = visit("tablet").sign_in("lead@demo.test")
    page = lead.page
    page.goto(f"/plans/{plan.pk}/")
    lead.check("plan-before-entering")
    before = Action.objects.count()

    taps = Taps(page)
    taps.tap(page.get_by_role("link", name=f"Add an action to focus area {area.ref}", exact=True), "the add link")
    page.get_by_role("heading", name="New action").wait_for()
    lead.check("entering-an-action")
    # The form opens ready: the focus area chosen, Not started, Not yet rated.
    assert page.get_by_label("Focus area").input_value() == str(area.pk)
    assert page.get_by_label("Status").input_value() == "not_started"
    assert page.get_by_label("Not yet rated").is_checked()
    assert page.get_by_label("Due date").get_attribute("type") == "date"
    taps.type(page.get_by_label("Milestone or action"), TITLE, "the title")
    taps.choose(page.get_by_label("Owner (a member)"), "Tom Okafor (facilitator@demo.test)", "the owner")
    taps.type(page.get_by_label("Due date"), "2027-04-30", "the due date")
    taps.tap(page.get_by_role("button", name="Save"), "Save")
    page.get_by_text(f"Added the action “{TITLE}”.").wait_for()
    lead.check("entered-action")

    assert taps.count <= 6, taps.steps
    assert taps.count == MEASURED_TAPS, taps.steps  # as docs/improvement.md says
    assert Action.objects.count() == before + 1
    action = Action.objects.get(title=TITLE)
    assert action.focus_area == area and action.owner_member.email == "facilitator@demo.test"
    assert (action.status, action.rag, action.owner) == ("not_started", "", "")
    assert action.due.isoformat() == "2027-04-30"
    assert page.get_by_test_id("owner").inner_text() == "Tom Okafor"
    assert page.get_by_test_id("rag").inner_text().strip() in ("Not yet rated", "—", "")
