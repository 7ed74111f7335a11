"""The demo tells a worked example of the figures (docs/design.md, “Report definitions”), and running
it again changes nothing."""

from collections import Counter

from django.core.management import call_command

from analytics.models import SettingsDataset
from analytics.reports import build_report
from analytics.scopes import Scope
from analytics.variation.analysis import funnel
from workshops.models import CaseAllocation, CaseReview, Poll, ProcessFinding, ProcessMap, ReviewAudit, Workshop
from workshops.polls.selectors import poll_results


def test_the_demo_workshops_tell_the_worked_example(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    reviews = CaseReview.objects.filter(allocation__counts_in_reports=True)  # a double-reviewed case counts once
    analysed = reviews.filter(consensus_reached=True)
    assert (reviews.count(), analysed.count(), analysed.filter(ideal_outcome=False).count()) == (28, 26, 18)  # 69%
    areas = Counter(t.code for r in analysed for t in r.non_ideal_areas.all())
    assert [code for code, _ in areas.most_common(2)] == ["TYPE_OF_PROVISION", "TIMING_OF_SUPPORT"]
    themes = Counter(t.code for r in analysed for t in r.themes.all())
    assert themes.most_common(1)[0][0] == "PARENTAL_CONFIDENCE_IN_MAINSTREAM"
    in_mss = analysed.filter(provision_at_review__code="MSS")
    assert (in_mss.count(), in_mss.filter(ideal_outcome=True).count()) == (15, 5)
    better = Counter(r.better_provision.code for r in in_mss.filter(ideal_outcome=False))
    assert better.most_common(1)[0][0] == "MAINSTREAM"
    upcoming = Workshop.objects.get(status="draft")
    assert (
        upcoming.allocations.filter(kind="first").count() == 8
        and not CaseReview.objects.filter(allocation__workshop=upcoming).exists()
    )
    assert all(a.room_id for a in CaseAllocation.objects.all())


def test_the_demo_has_a_calibration_case_double_reviews_and_one_disagreement_to_moderate(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    calibration = CaseAllocation.objects.filter(kind="first", calibration=True)
    assert sorted(calibration.values_list("case__reference", flat=True)) == ["C-201", "C-401"]
    second_reviews = CaseReview.objects.filter(allocation__kind="another_room")
    assert second_reviews.count() == 5 and not second_reviews.filter(allocation__counts_in_reports=True).exists()
    organisation = Workshop.objects.get(title="Secondary case reviews").organisation
    agreement = build_report(organisation, Scope())["agreement"]
    assert agreement["cases"] == 5 and agreement["awaiting_moderation"] == 1
    assert [row["reference"] for row in agreement["disagreements"]] == ["C-203"]


def test_running_the_demo_again_adds_nothing(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    counts = (
        Workshop.objects.count(),
        CaseAllocation.objects.count(),
        CaseReview.objects.count(),
        ReviewAudit.objects.count(),
    )
    call_command("demo", stdout=open("/dev/null", "w"))
    assert (
        Workshop.objects.count(),
        CaseAllocation.objects.count(),
        CaseReview.objects.count(),
        ReviewAudit.objects.count(),
    ) == counts


def test_the_demo_has_an_open_ideal_outcome_poll_with_dozens_of_answers(db, settings, client):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    poll = Poll.objects.get(workshop__status="draft", question="What does an ideal outcome mean to you?")
    assert poll.is_open and poll.ask_role
    results = poll_results(poll)
    assert results.answers >= 30
    assert results.words[0][0] == "happiness"
    assert {word for word, _, _ in results.words[1:3]} == {"realistic", "independence"}
    assert set(Poll.objects.filter(workshop=poll.workshop).values_list("kind", flat=True)) == {
        "words",
        "scale",
        "choice",
    }
    assert client.get(f"/join/?code={poll.workshop.join_code}").status_code == 302


def test_the_demo_has_a_labelled_synthetic_dataset_with_a_visible_story(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    dataset = SettingsDataset.objects.get()
    assert dataset.name.startswith("Synthetic demo") and "Not real schools" in dataset.description
    result = funnel(dataset.rows.all(), "ehcp_suspended", "ehcp")
    flags = dict(zip(result.settings.name, result.settings.flag))
    assert {name for name, flag in flags.items() if flag.startswith("higher")} == {
        "Hollins Park School",
        "Riverside Community College",
    }
    assert {name for name, flag in flags.items() if flag.startswith("lower")} == {
        "St Aidan's Church of England High School"
    }


def test_the_demo_has_a_graduated_response_process_map(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))
    process_map = ProcessMap.objects.get()
    assert process_map.title == "Graduated response at secondary transition"
    assert process_map.steps.count() == 6
    kinds = set(ProcessFinding.objects.values_list("kind", flat=True))
    assert kinds == {"working_well", "challenge", "blocker", "root_cause", "change_needed"}
    assert ProcessFinding.objects.filter(text__icontains="feeder schools", kind="root_cause").exists()


def test_the_demo_runs_again_after_a_person_sent_a_case_to_another_room_and_it_was_reviewed(db, settings):
    """Issue 33's reproduction: on the workshop to come, C-404 (in Room 2) is sent to Room 1 as a blind
    second room and Room 1 reviews it; `manage.py demo` (which bin/run runs at every start) then
    keeps that and fails nothing, and a further run changes nothing."""
    from io import StringIO

    from workshops.services.allocation import allocation_save
    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    workshop = Workshop.objects.get(title="Early years transition case reviews")
    firsts = {a.case.reference: a for a in workshop.allocations.filter(kind="first").select_related("case", "room")}
    room_1 = workshop.rooms.get(name="Room 1")
    assert firsts["C-404"].room.name == "Room 2"
    kept = {a.first_allocation_id: a.room for a in workshop.allocations.filter(kind="another_room")}
    calibration = {a.pk for a in firsts.values() if a.calibration}
    second_rooms = {pk: room for pk, room in kept.items() if pk not in calibration} | {firsts["C-404"].pk: room_1}
    allocation_save(workshop=workshop, placements={}, second_rooms=second_rooms, calibration=calibration)
    copy = workshop.allocations.get(kind="another_room", first_allocation=firsts["C-404"])
    review_save(allocation=copy, answer=ReviewAnswer(False), by=room_1.facilitators.first(), expected_version=0)

    output = StringIO()
    call_command("demo", stdout=output)  # raised AllocationProblem before
    assert "Demo ready" in output.getvalue()
    assert CaseReview.objects.filter(allocation=copy).exists()
    counts = (CaseAllocation.objects.count(), CaseReview.objects.count())
    call_command("demo", stdout=StringIO())
    assert (CaseAllocation.objects.count(), CaseReview.objects.count()) == counts


def test_what_the_demo_cannot_re_apply_is_said_in_one_line_and_the_rest_goes_on(db, settings, monkeypatch):
    from io import StringIO

    from workshops import demo
    from workshops.agreement.services import AllocationProblem

    settings.DEBUG = True
    call_command("demo", stdout=StringIO())

    def refused(*args, **kwargs):
        raise AllocationProblem(["C-203: Room 1 has already reviewed it, so it stays in that room."])

    monkeypatch.setattr(demo, "_agreement", refused)
    output = StringIO()
    call_command("demo", stdout=output)
    lines = output.getvalue().splitlines()
    assert any(line.startswith("Left the second rooms of “Primary case reviews” as they are: C-203") for line in lines)
    assert "Demo ready" in output.getvalue()
