"""What people do with casereview, in a real browser, with every page checked by axe."""

import re

import pytest

from analytics.models import SettingsDataset
from analytics.snapshots import compute_snapshot
from workshops.models import CaseAllocation, CaseReview, Poll, PollResponse, ProcessFinding, ProcessMap, Workshop

pytestmark = pytest.mark.browser

CASES = (
    "reference,phase,year_group,primary_need,support_level,current_provision,room\n"
    "N-001,Secondary,9,ASD,EHCP,MSS,Room A\n"
    "N-002,Primary,5,SEMH,SEN support,MAINSTREAM,Room A\n"
    "N-003,Secondary,10,SLCN,EHCP,INMSS,Room B\n"
)


def test_the_lead_sets_up_a_workshop_rooms_a_poll_and_imports_and_allocates_cases(visit, demo):
    lead = visit("desktop").sign_in("lead@demo.test")
    page = lead.page
    lead.check()
    page.get_by_role("link", name="Workshops", exact=True).click()
    page.get_by_role("link", name="New workshop").click()
    lead.check("workshop-form")
    page.get_by_label("Title").fill("Post-16 case reviews")
    page.get_by_label("Date").fill("2027-01-20")
    page.get_by_label("Focus").fill("Preparing for adulthood")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Post-16 case reviews").wait_for()

    for room in ("Room A", "Room B"):
        page.get_by_role("link", name="Add a room").click()
        page.get_by_label("Name").fill(room)
        page.get_by_label("Tom Okafor").check()
        page.get_by_label("School / SENCO").fill("3")
        page.get_by_label("Health").fill("1")
        lead.check()
        page.get_by_role("button", name="Save room").click()
        page.get_by_text(f"Saved {room}.").wait_for()

    page.get_by_role("link", name="Add a poll").click()
    page.get_by_label("Question").fill("What does a good transition look like?")
    page.get_by_label("Words (word cloud)").check()
    page.get_by_role("button", name="Save poll").click()
    page.get_by_text("Saved the poll").wait_for()

    page.get_by_role("link", name="Import cases").click()
    lead.check("case-import")
    page.get_by_label("File").set_input_files({"name": "cases.csv", "mimeType": "text/csv", "buffer": CASES.encode()})
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported 3 cases (3 new).").wait_for()
    lead.check("allocation")
    page.get_by_label("Room for N-002", exact=True).select_option(label="Room B")
    page.get_by_role("button", name="Save allocation").click()
    page.get_by_text("Saved the allocation.").wait_for()
    lead.check("workshop-detail")

    workshop = Workshop.objects.get(title="Post-16 case reviews")
    rooms = dict(CaseAllocation.objects.filter(workshop=workshop).values_list("case__reference", "room__name"))
    assert rooms == {"N-001": "Room A", "N-002": "Room B", "N-003": "Room B"}
    assert Poll.objects.filter(workshop=workshop, kind="words").exists()


def test_a_facilitator_reviews_cases_on_a_tablet_including_no_consensus_and_a_conflict(visit, demo):
    facilitator = visit("tablet").sign_in("facilitator@demo.test")
    page = facilitator.page
    page.get_by_role("link", name="Open your breakout room").click()
    facilitator.check()
    page.get_by_role("link", name="Open Room 1 of Early years transition case reviews").click()
    heading = page.locator("#case-heading")
    first = heading.inner_text().split()[1]
    facilitator.check("review-console")

    page.get_by_text("No, not ideal").click()
    page.get_by_text("Timing of support").click()
    page.get_by_text("Mainstream school or academy").click()
    page.get_by_text("Transition between settings").click()
    facilitator.check()
    page.get_by_role("button", name="Save and next case").click()
    page.get_by_text(f"Saved {first}.").wait_for()
    second = heading.inner_text().split()[1]
    page.get_by_role("button", name="No consensus — move on").click()
    page.get_by_text(f"Saved {second} as no consensus.").wait_for()
    third = heading.inner_text().split()[1]

    # The lead, covering the room, saves the same case first.
    lead = visit("desktop").sign_in("lead@demo.test")
    lead.page.goto(page.url)
    lead.page.get_by_text("Yes, ideal").click()
    lead.page.get_by_text("Workforce capacity").click()
    lead.page.get_by_role("button", name="Save and next case").click()
    lead.page.get_by_text(f"Saved {third}.").wait_for()

    page.get_by_text("Yes, ideal").click()
    page.get_by_text("Early help / family support").click()
    page.get_by_role("button", name="Save and next case").click()
    page.get_by_text("saved this case at").wait_for()
    facilitator.check("review-conflict")
    review = CaseReview.objects.get(allocation__case__reference=third)
    assert [t.code for t in review.themes.all()] == ["WORKFORCE_CAPACITY"]  # nothing overwritten yet
    page.get_by_role("button", name="Save my answer instead").click()
    page.get_by_text(f"Saved {third}.").wait_for()

    reviews = {
        r.allocation.case.reference: r
        for r in CaseReview.objects.filter(allocation__case__reference__in=[first, second, third])
    }
    assert reviews[first].ideal_outcome is False and reviews[first].better_provision.code == "MAINSTREAM"
    assert reviews[second].consensus_reached is False
    assert reviews[third].version == 2 and [t.code for t in reviews[third].themes.all()] == [
        "EARLY_HELP_AND_FAMILY_SUPPORT"
    ]


def test_the_unsaved_form_survives_a_reload(visit, demo):
    facilitator = visit("tablet").sign_in("facilitator@demo.test")
    page = facilitator.page
    room = (
        CaseAllocation.objects.filter(workshop__title="Early years transition case reviews", room__name="Room 1")
        .first()
        .room
    )
    page.goto(f"/rooms/{room.pk}/")
    page.get_by_text("No, not ideal").click()
    page.get_by_text("Level of support").click()
    page.get_by_label("Notes (optional)").fill("Outreach from the special school")
    page.reload()
    page.get_by_text("We restored answers you had not saved yet").wait_for()
    facilitator.check("review-restored")
    assert page.get_by_label("Notes (optional)").input_value() == "Outreach from the special school"
    assert page.locator('input[name="ideal_outcome"][value="no"]').is_checked()
    assert page.get_by_text("Level of support").is_visible()
    assert not CaseReview.objects.filter(allocation__room=room).exists()


def test_attendees_answer_on_their_phones_and_the_projector_shows_it_without_a_reload(visit, demo):
    poll = Poll.objects.get(workshop__title="Early years transition case reviews", kind="words")
    projector = visit("desktop").sign_in("lead@demo.test")
    projector.page.goto(f"/polls/{poll.pk}/present/")
    projector.check("projector")
    before = int(projector.page.get_by_test_id("answer-count").inner_text())

    for n, words in enumerate([["Feeling included"], ["Friends", "Confidence"], ["Belonging at school"]]):
        phone = visit("phone")
        phone.page.goto("/join/")
        if n == 0:
            phone.check("join")
        phone.page.get_by_label("Code").fill(poll.workshop.join_code.lower())
        phone.page.get_by_role("button", name="Join").click()
        phone.page.get_by_label("Your answer").fill(words[0])
        if len(words) > 1:
            phone.page.get_by_label("Another answer (optional)").first.fill(words[1])
        phone.page.get_by_role("button", name="Send").first.click()
        phone.page.get_by_text("Sent — it will appear once approved.").wait_for()
        if n == 0:
            phone.check("attendee")

    # The demo's word poll shows answers once approved (tests/browser/test_poll_journeys.py has more).
    moderator = visit("desktop").sign_in("lead@demo.test")
    moderator.page.goto(f"/polls/{poll.pk}/moderate/")
    moderator.page.get_by_role("button", name="Approve all 4").click()
    projector.page.get_by_test_id("answer-count").filter(has_text=str(before + 4)).wait_for(timeout=8000)
    projector.page.locator(".word-cloud__word", has_text="belonging at school").wait_for()
    assert PollResponse.objects.filter(poll=poll).count() == before + 4


def test_a_viewer_reads_the_dashboard_numbers_and_downloads_a_table(visit, demo, tmp_path):
    compute_snapshot(demo.pk, "all")
    viewer = visit("desktop").sign_in("viewer@demo.test")
    page = viewer.page
    page.get_by_role("link", name="Dashboards", exact=True).click()
    page.locator(".plotly-chart .main-svg").first.wait_for()
    viewer.check("dashboard")
    assert "18 (69%)" in page.get_by_test_id("headline").inner_text()
    outcome = page.locator("#table-outcome")
    assert outcome.get_by_role("row", name=re.compile("Could have been better")).inner_text().split("\t")[1:3] == [
        "18",
        "69%",
    ]
    assert page.locator("#table-areas tbody tr").first.inner_text().startswith("Type of provision")
    assert page.locator(".plotly-chart").count() >= 8

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of Outcome of the case reviews").click()
    path = tmp_path / "outcome.csv"
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("Could have been better (not ideal),18,69%")


def test_keyboard_only_an_attendee_answers(visit, demo):
    poll = Poll.objects.get(workshop__title="Early years transition case reviews", kind="words")
    phone = visit("phone")
    page = phone.page
    page.goto(f"/j/{poll.workshop.join_code}/")
    tab_to(page, "#poll-%d-word-1" % poll.pk)
    page.keyboard.type("Being happy")
    tab_to(page, f"#poll-{poll.pk} button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Sent — it will appear once approved.").wait_for()
    assert PollResponse.objects.filter(poll=poll, text="Being happy").exists()


def test_keyboard_only_a_facilitator_reviews_a_case(visit, demo):
    facilitator = visit("desktop").sign_in("facilitator@demo.test")
    page = facilitator.page
    room = (
        CaseAllocation.objects.filter(workshop__title="Early years transition case reviews", room__name="Room 1")
        .first()
        .room
    )
    page.goto(f"/rooms/{room.pk}/")
    reference = page.locator("#case-heading").inner_text().split()[1]
    tab_to(page, 'input[name="ideal_outcome"][value="yes"]')
    page.keyboard.press("ArrowRight")  # radios: arrow to "No, not ideal"
    tab_to(page, 'input[name="non_ideal_areas"]')
    page.keyboard.press("Space")  # the first area
    tab_to(page, 'input[name="better_provision"]')
    page.keyboard.press("Space")  # the first provision
    tab_to(page, 'input[name="themes"]')
    page.keyboard.press("Space")  # the first theme
    tab_to(page, 'button[value="save"]')
    page.keyboard.press("Enter")
    page.get_by_text(f"Saved {reference}.").wait_for()
    review = CaseReview.objects.get(allocation__room=room, allocation__case__reference=reference)
    assert review.ideal_outcome is False and review.non_ideal_areas.count() == 1 and review.themes.count() == 1


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("device", ["phone", "tablet", "desktop"])
def test_the_main_pages_at_every_size_pass_axe_and_are_photographed(visit, demo, device):
    compute_snapshot(demo.pk, "all")
    workshop = Workshop.objects.get(title="Early years transition case reviews")
    room = workshop.rooms.get(name="Room 1")
    poll = workshop.polls.get(kind="words")
    process_map = ProcessMap.objects.get()
    dataset = SettingsDataset.objects.get()
    lead = visit(device).sign_in("lead@demo.test")
    for name, url in [
        ("home", "/"),
        ("workshops", "/workshops/"),
        ("workshop", f"/workshops/{workshop.pk}/"),
        ("control-room", f"/workshops/{workshop.pk}/control-room/"),
        ("console", f"/rooms/{room.pk}/"),
        ("dashboard", "/dashboards/"),
        ("vocabulary", "/vocabulary/"),
        ("datasets", "/analysis/"),
        ("funnel-plot", f"/analysis/{dataset.pk}/?group=locality"),
        ("process-map", f"/process-maps/{process_map.pk}/"),
        ("process-map-projector", f"/process-maps/{process_map.pk}/present/"),
        ("poll-projector", f"/polls/{poll.pk}/present/"),
        ("moderation", f"/polls/{poll.pk}/moderate/"),
        ("history", f"/workshops/{workshop.pk}/history/"),
        ("poll-settings", "/polls/settings/"),
        ("retention", "/workshops/retention/"),
        ("workshop-delete", f"/workshops/{workshop.pk}/delete/"),
        ("accessibility", "/accessibility/"),
    ]:
        lead.page.goto(url)
        lead.page.wait_for_load_state("networkidle")
        lead.check(name)
    attendee = visit(device)
    attendee.page.goto(f"/j/{workshop.join_code}/")
    attendee.check("attend")


def test_a_facilitator_maps_a_process_with_the_keyboard_and_the_projector_follows(visit, demo):
    process_map = ProcessMap.objects.get()
    facilitator = visit("tablet").sign_in("facilitator@demo.test")
    page = facilitator.page
    page.goto(f"/process-maps/{process_map.pk}/")
    facilitator.check()
    page.locator("#id_new-title").fill("Annual review in year 7")
    page.get_by_role("button", name="Add step").click()
    page.get_by_text("Added step 7: “Annual review in year 7”.").wait_for()
    up = page.get_by_role("button", name="move “Annual review in year 7” earlier")
    up.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Moved “Annual review in year 7” to step 6.").wait_for()
    step = page.locator(".process-step").nth(5)
    step.get_by_text("Add a finding").click()
    step.get_by_text("Root cause", exact=True).click()
    step.get_by_label("Finding").fill("Reviews are booked after the school year has started")
    step.get_by_text("Workforce capacity").click()
    facilitator.check("process-map-editing")
    step.get_by_role("button", name="Add finding").click()
    page.get_by_text("Added a finding to “Annual review in year 7”.").wait_for()
    finding = ProcessFinding.objects.get(text__startswith="Reviews are booked")
    assert finding.kind == "root_cause" and finding.step.position == 6
    assert [t.code for t in finding.themes.all()] == ["WORKFORCE_CAPACITY"]

    projector = visit("desktop").sign_in("viewer@demo.test")
    projector.page.goto(f"/process-maps/{process_map.pk}/present/")
    projector.page.get_by_text("Reviews are booked after the school year has started").wait_for()
    projector.check()
