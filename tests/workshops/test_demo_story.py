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
