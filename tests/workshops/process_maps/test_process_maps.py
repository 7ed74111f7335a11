"""Process maps: built live (add, rename, reorder, remove steps; findings of each kind), shown,
exported, summarised with the case review themes; and who may do what."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics.reports import build_report
from analytics.scopes import Scope
from workshops.models import FindingKind, ProcessFinding, ProcessMap, ProcessStep
from workshops.process_maps.services import StepConflict, finding_add, step_add, step_move, step_remove, step_update
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def process_map(workshop):
    return ProcessMap.objects.create(
        workshop=workshop, title="Graduated response at transition", process="The graduated response"
    )


@pytest.fixture
def steps(process_map):
    return [step_add(process_map=process_map, title=title) for title in ("Identify", "Assess", "Plan", "Review")]


def titles(process_map):
    return list(process_map.steps.order_by("position").values_list("title", flat=True))


def test_steps_are_added_in_order_and_moved_up_and_down(process_map, steps):
    assert [s.position for s in steps] == [1, 2, 3, 4]
    step_move(step=steps[2], offset=-1)
    assert titles(process_map) == ["Identify", "Plan", "Assess", "Review"]
    step_move(step=steps[0], offset=-1)  # the first stays first
    step_move(step=steps[3], offset=1)  # the last stays last
    assert titles(process_map) == ["Identify", "Plan", "Assess", "Review"]
    step_move(step=steps[0], offset=1)
    assert titles(process_map) == ["Plan", "Identify", "Assess", "Review"]
    assert list(process_map.steps.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]


def test_removing_a_step_closes_the_gap_and_removes_its_findings(process_map, steps):
    finding_add(step=steps[1], kind=FindingKind.BLOCKER, text="No shared format")
    step_remove(step=steps[1])
    assert titles(process_map) == ["Identify", "Plan", "Review"]
    assert list(process_map.steps.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    assert not ProcessFinding.objects.exists()


def test_a_rename_based_on_an_old_version_is_a_conflict_not_an_overwrite(steps):
    step_update(step=steps[0], title="Identify need", responsible="school", expected_version=1)
    with pytest.raises(StepConflict) as conflict:
        step_update(step=steps[0], title="Spot need", responsible="", expected_version=1)
    assert conflict.value.current.title == "Identify need"
    assert ProcessStep.objects.get(pk=steps[0].pk).version == 2


@pytest.mark.parametrize("kind", FindingKind.values)
def test_every_kind_of_finding_can_be_added_with_themes(steps, term, kind, facilitator):
    finding = finding_add(
        step=steps[0],
        kind=kind,
        text="  Many feeder   schools ",
        themes=[term("theme", "TRANSITION_BETWEEN_SETTINGS")],
        by=facilitator,
    )
    assert (finding.kind, finding.text, finding.added_by) == (kind, "Many feeder schools", facilitator)
    assert [t.code for t in finding.themes.all()] == ["TRANSITION_BETWEEN_SETTINGS"]


def test_a_finding_of_no_known_kind_or_with_an_identifier_is_refused(steps):
    with pytest.raises(ValidationError):
        finding_add(step=steps[0], kind="gossip", text="x")
    with pytest.raises(ValidationError, match="an email address"):
        finding_add(step=steps[0], kind=FindingKind.CHALLENGE, text="ask head@school.example.org")
    assert not ProcessFinding.objects.exists()


# The editor, as a facilitator uses it.


def test_the_facilitator_builds_the_map_with_htmx(client_for, facilitator, room, process_map, steps, term):
    client = client_for(facilitator)
    page = client.post(
        reverse("step_add", args=[process_map.pk]), {"new-title": "Transfer", "new-responsible": "la"}, **HTMX
    ).content.decode()
    assert "Added step 5: “Transfer”" in page and "<html" not in page
    new = ProcessStep.objects.get(title="Transfer")
    client.post(reverse("step_move", args=[new.pk]), {"direction": "up"}, **HTMX)
    assert titles(process_map) == ["Identify", "Assess", "Plan", "Transfer", "Review"]
    page = client.post(
        reverse("finding_add", args=[new.pk]),
        {
            f"finding-{new.pk}-kind": "root_cause",
            f"finding-{new.pk}-text": "No data-sharing framework",
            f"finding-{new.pk}-themes": [term("theme", "COMMUNICATION_BETWEEN_SETTINGS").pk],
        },
        **HTMX,
    ).content.decode()
    assert "Added a finding" in page and f'data-saved-draft="casereview:finding-draft:{new.pk}"' in page
    finding = ProcessFinding.objects.get()
    page = client.post(
        reverse("step_update", args=[new.pk]),
        {
            f"step-{new.pk}-title": "Transfer to secondary",
            f"step-{new.pk}-responsible": "several",
            f"step-{new.pk}-version": 1,
        },
        **HTMX,
    ).content.decode()
    assert "Saved step 4" in page
    client.post(reverse("finding_remove", args=[finding.pk]), **HTMX)
    assert not ProcessFinding.objects.exists()


def test_the_editor_keeps_what_was_typed_when_a_finding_is_refused(client_for, facilitator, room, steps):
    step = steps[0]
    page = (
        client_for(facilitator)
        .post(reverse("finding_add", args=[step.pk]), {f"finding-{step.pk}-text": "Call 07911 123456"}, **HTMX)
        .content.decode()
    )
    assert "There is a problem" in page and "a phone number" in page and "Call 07911 123456" in page
    assert not ProcessFinding.objects.exists()


def test_a_finding_with_another_las_theme_or_a_retired_one_is_refused(
    client_for, facilitator, room, steps, term, other_organisation
):
    step, client = steps[0], client_for(facilitator)
    retired = term("theme", "WORKFORCE_CAPACITY")
    retired.retired_at = timezone.now()
    retired.save()
    for theme in (term("theme", "WORKFORCE_CAPACITY", other_organisation), retired):
        page = client.post(
            reverse("finding_add", args=[step.pk]),
            {
                f"finding-{step.pk}-kind": "blocker",
                f"finding-{step.pk}-text": "No shared format",
                f"finding-{step.pk}-themes": [theme.pk],
            },
            **HTMX,
        ).content.decode()
        assert "There is a problem" in page and "not one of the available choices" in page
    assert not ProcessFinding.objects.exists()


def test_a_rename_conflict_shows_theirs_and_keeps_yours(client_for, facilitator, lead, room, steps):
    step = steps[0]
    step_update(step=step, title="Identify need", responsible="", expected_version=1)
    page = (
        client_for(facilitator)
        .post(
            reverse("step_update", args=[step.pk]),
            {f"step-{step.pk}-title": "Spot it", f"step-{step.pk}-version": 1},
            **HTMX,
        )
        .content.decode()
    )
    assert "Someone else renamed this step to “Identify need”" in page and 'value="Spot it"' in page
    assert f'name="step-{step.pk}-version" value="2"' in page
    assert ProcessStep.objects.get(pk=step.pk).title == "Identify need"


def test_the_projector_shows_the_flow_with_counts_and_the_blockers(client_for, viewer, process_map, steps):
    finding_add(step=steps[1], kind=FindingKind.BLOCKER, text="No shared format for plans")
    finding_add(step=steps[1], kind=FindingKind.WORKING_WELL, text="SENCOs know their cohort")
    page = client_for(viewer).get(reverse("process_map_present", args=[process_map.pk])).content.decode()
    assert "Blocker: 1" in page and "Working well: 1" in page
    assert (
        "No shared format for plans" in page and "SENCOs know their cohort" not in page
    )  # the flow lists blockers and root causes
    assert 'hx-trigger="every 5s"' in page


def test_the_export_lists_every_step_and_finding(client_for, viewer, process_map, steps, term):
    finding_add(step=steps[0], kind=FindingKind.CHALLENGE, text="=cmd()", themes=[term("theme", "WORKFORCE_CAPACITY")])
    rows = (
        client_for(viewer)
        .get(reverse("process_map_export", args=[process_map.pk, "csv"]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert rows[0] == "Step,Title,Responsible,Kind,Finding,Themes"
    assert rows[1] == "1,Identify,,Challenge,'=cmd(),Workforce capacity"
    assert len(rows) == 5
    assert client_for(viewer).get(reverse("process_map_export", args=[process_map.pk, "xlsx"])).status_code == 200


def test_themes_of_findings_and_case_reviews_are_summarised_together(
    organisation, process_map, steps, term, allocations, facilitator
):
    finding_add(
        step=steps[0],
        kind=FindingKind.ROOT_CAUSE,
        text="Feeder schools",
        themes=[term("theme", "TRANSITION_BETWEEN_SETTINGS")],
    )
    finding_add(
        step=steps[1],
        kind=FindingKind.BLOCKER,
        text="No framework",
        themes=[term("theme", "TRANSITION_BETWEEN_SETTINGS"), term("theme", "WORKFORCE_CAPACITY")],
    )
    review_save(
        allocation=allocations[0],
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    review_save(
        allocation=allocations[1], answer=ReviewAnswer(False), by=facilitator, expected_version=0
    )  # excluded: no themes count
    figures = build_report(organisation, Scope())
    combined = {row["code"]: (row["reviews"], row["findings"], row["total"]) for row in figures["combined_themes"]}
    assert combined["WORKFORCE_CAPACITY"] == (1, 1, 2)
    assert combined["TRANSITION_BETWEEN_SETTINGS"] == (0, 2, 2)
    summary = figures["process_maps"][0]
    assert summary["findings"] == 2 and summary["totals"]["blocker"] == 1
    assert [s["counts"]["root_cause"] for s in summary["steps"]] == [1, 0, 0, 0]
    assert build_report(organisation, Scope.of(phase="PRIMARY"))["process_maps"] == []


# Who may do what.


def test_a_facilitator_of_the_workshop_and_the_lead_may_edit(client_for, lead, facilitator, room, process_map, steps):
    for person in (lead, facilitator):
        assert client_for(person).get(reverse("process_map_edit", args=[process_map.pk])).status_code == 200
        assert client_for(person).post(reverse("step_move", args=[steps[1].pk]), {"direction": "up"}).status_code == 302


def test_others_cannot_edit_and_change_nothing(client_for, viewer, other_facilitator, outsider, process_map, steps):
    expected = {viewer: 403, other_facilitator: 404, outsider: 404}  # other_facilitator has no room in this workshop
    for person, status in expected.items():
        client = client_for(person)
        assert client.get(reverse("process_map_edit", args=[process_map.pk])).status_code == status
        assert client.post(reverse("step_add", args=[process_map.pk]), {"new-title": "Hacked"}).status_code == status
        assert client.post(reverse("step_move", args=[steps[1].pk]), {"direction": "up"}).status_code == status
        assert client.post(reverse("step_remove", args=[steps[1].pk])).status_code == status
        assert (
            client.post(
                reverse("finding_add", args=[steps[1].pk]),
                {f"finding-{steps[1].pk}-kind": "blocker", f"finding-{steps[1].pk}-text": "x"},
            ).status_code
            == status
        )
    assert titles(process_map) == ["Identify", "Assess", "Plan", "Review"] and not ProcessFinding.objects.exists()


def test_reading_the_projector_and_export_is_for_the_las_members(client_for, viewer, outsider, process_map, client):
    assert client_for(viewer).get(reverse("process_map_present", args=[process_map.pk])).status_code == 200
    assert client_for(outsider).get(reverse("process_map_present", args=[process_map.pk])).status_code == 404
    assert client_for(outsider).get(reverse("process_map_export", args=[process_map.pk, "csv"])).status_code == 404
    client.logout()
    assert client.get(reverse("process_map_present", args=[process_map.pk])).status_code == 302


def test_a_map_is_created_from_the_workshop_page(client_for, facilitator, room, workshop):
    response = client_for(facilitator).post(
        reverse("process_map_create", args=[workshop.pk]), {"title": "EY transition", "process": ""}
    )
    process_map = ProcessMap.objects.get()
    assert response.url == reverse("process_map_edit", args=[process_map.pk])


def test_the_editor_reads_the_themes_once_however_many_steps(client_for, lead, process_map, steps):
    # Each step has its form for findings; they share one read of the LA's themes, so a longer
    # map costs no more queries (before, each step's form opened a database cursor of its own).
    client = client_for(lead)
    url = reverse("process_map_edit", args=[process_map.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as four_steps:
        page = client.get(url)
    assert page.content.decode().count("Workforce capacity") == len(steps)
    for title in ("Decide", "Place", "Start", "Settle"):
        step_add(process_map=process_map, title=title)
    with CaptureQueriesContext(connection) as eight_steps:
        page = client.get(url)
    assert page.content.decode().count("Workforce capacity") == 2 * len(steps)
    assert len(eight_steps) == len(four_steps)
