"""Agreement between rooms in a real browser: two facilitators review the calibration case in
two rooms; the projector's comparison stays hidden until both have answered, then shows the
difference without a reload; the lead moderates it. Every page is checked by axe."""

import pytest

from casereview import services as core_services
from casereview.models import Role
from workshops.models import CaseAllocation, CaseReview, ReviewAudit

pytestmark = pytest.mark.browser

PASSWORD = "casereview-demo"


@pytest.fixture
def second_facilitator(demo):
    """A second facilitator, in charge of Room 2 of the workshop to come."""
    membership, _ = core_services.membership_add(
        organisation=demo, email="facilitator2@demo.test", role=Role.FACILITATOR
    )
    membership.user.set_password(PASSWORD)
    membership.user.save()
    first = CaseAllocation.objects.get(
        workshop__title="Early years transition case reviews", case__reference="C-401", kind="first"
    )
    copy = CaseAllocation.objects.get(first_allocation=first)
    copy.room.facilitators.add(membership.user)
    return membership.user


def test_two_rooms_review_the_calibration_case_the_projector_compares_and_the_lead_moderates(
    visit, demo, second_facilitator
):
    first = CaseAllocation.objects.get(
        workshop__title="Early years transition case reviews", case__reference="C-401", kind="first"
    )
    copy = CaseAllocation.objects.get(first_allocation=first)

    projector = visit("desktop").sign_in("lead@demo.test")
    projector.page.goto(f"/workshops/{first.workshop_id}/")
    projector.page.get_by_role("link", name="Compare the rooms on C-401").click()
    projector.page.get_by_text("0 of 2 rooms have answered").wait_for()
    projector.check("calibration-waiting")

    room_one = visit("tablet").sign_in("facilitator@demo.test")
    room_one.page.goto(f"/rooms/{first.room_id}/cases/{first.pk}/")
    room_one.page.get_by_text("Calibration case.").wait_for()
    room_one.check("calibration-console")
    room_one.page.get_by_text("Yes, ideal").click()
    room_one.page.get_by_text("Early help / family support").click()
    room_one.page.get_by_role("button", name="Save and next case").click()
    room_one.page.get_by_text("Saved C-401.").wait_for()

    # The projector notices by itself, and still shows no answer.
    projector.page.get_by_text("1 of 2 rooms have answered").wait_for(timeout=10000)
    assert "Early help" not in projector.page.content()

    room_two = visit("tablet").sign_in("facilitator2@demo.test")
    room_two.page.goto(f"/rooms/{copy.room_id}/")
    room_two.page.get_by_role("heading", name="Case C-401").wait_for()
    room_two.page.get_by_text("Calibration case.").wait_for()
    room_two.page.get_by_text("No, not ideal").click()
    room_two.page.get_by_text("Timing of support").click()
    room_two.page.get_by_text("Resourced provision or SEN unit").click()
    room_two.page.get_by_text("Early help / family support").click()
    room_two.check()
    room_two.page.get_by_role("button", name="Save and next case").click()
    room_two.page.get_by_text("Saved C-401.").wait_for()

    # Both have answered: the comparison appears without a reload, the difference in words and symbols.
    projector.page.get_by_test_id("calibration-table").wait_for(timeout=10000)
    summary = projector.page.get_by_test_id("calibration-summary").inner_text()
    assert "≠ The rooms differ on: ideal outcome, non-ideal areas, better provision." in summary
    table = projector.page.get_by_test_id("calibration-table").inner_text()
    assert "Resourced provision or SEN unit" in table and "≠ Differ" in table and "= Same" in table
    projector.check("calibration-comparison")

    lead = projector
    lead.page.goto(f"/workshops/{first.workshop_id}/moderation/")
    lead.page.get_by_text("1 disagreement awaiting moderation").wait_for()
    lead.check("moderation-list")
    lead.page.get_by_role("link", name="C-401").click()
    lead.page.get_by_role("heading", name="Moderate C-401").wait_for()
    lead.check("moderation-case")
    form = lead.page.locator("form").filter(has=lead.page.get_by_role("button", name="Record the moderated answer"))
    for choice in (
        "No, not ideal",
        "Timing of support",
        "Resourced provision or SEN unit",
        "Early help / family support",
    ):
        form.locator("label").get_by_text(choice, exact=True).click()
    lead.page.get_by_label("Why is this the moderated answer?").fill(
        "The rooms agreed after the calibration discussion"
    )
    lead.page.get_by_role("button", name="Record the moderated answer").click()
    lead.page.get_by_text("Recorded the moderated answer for C-401").wait_for()
    lead.check()

    moderated = CaseReview.objects.get(allocation__first_allocation=first, allocation__kind="moderation")
    assert moderated.ideal_outcome is False and moderated.better_provision.code == "RESOURCED"
    assert moderated.allocation.counts_in_reports
    assert (
        ReviewAudit.objects.get(review=moderated).changes["Reason"][1]
        == "The rooms agreed after the calibration discussion"
    )
