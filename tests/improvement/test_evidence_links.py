"""A focus area or action cites its evidence: themes with their current share of the non-ideal reviews
from the report snapshot (with n), process-map blockers and root causes, and a Compare settings finding
with its dataset."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from analytics.models import SettingsDataset
from analytics.snapshots import compute_snapshot
from improvement import services
from improvement.services import ActionData
from workshops.models import FindingKind, ProcessMap
from workshops.process_maps.services import finding_add, step_add
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def _data(**extra):
    return ActionData(
        title="Recruit two educational psychologists", owner="Principal EP", due=datetime.date(2027, 4, 30), **extra
    )


def test_a_cited_theme_shows_the_snapshots_figure_with_its_n(
    focus_area, allocations, facilitator, lead, viewer, term, organisation, client_for
):
    workforce, transition = term("theme", "WORKFORCE_CAPACITY"), term("theme", "TRANSITION_BETWEEN_SETTINGS")
    for allocation, themes in zip(allocations, ([workforce], [workforce, transition], [transition])):
        not_ideal = ReviewAnswer(
            True, False, [term("non_ideal_area", "TIMING_OF_SUPPORT")], term("provision", "MAINSTREAM"), themes
        )
        review_save(allocation=allocation, by=facilitator, expected_version=0, answer=not_ideal)
    snapshot = compute_snapshot(organisation.pk, "all")
    figure = next(row for row in snapshot.figures["themes"] if row["code"] == "WORKFORCE_CAPACITY")
    assert (figure["barrier_count"], figure["barrier_n"]) == (2, 3)  # of the non-ideal reviews
    action = services.action_save(
        focus_area=focus_area, action=None, by=lead, expected_version=0, data=_data(themes=[workforce])
    )
    page = client_for(viewer).get(f"/plans/actions/{action.pk}/").content.decode()
    assert f"Theme: {workforce.label} — named in 2 of 3 non-ideal reviews (67%)" in page


def test_a_blocker_and_a_dataset_are_cited_and_linked(focus_area, workshop, lead, viewer, organisation, client_for):
    process_map = ProcessMap.objects.create(workshop=workshop, title="Graduated response")
    blocker = finding_add(
        step=step_add(process_map=process_map, title="Request for assessment"),
        kind=FindingKind.BLOCKER,
        text="No shared record of what the school tried",
    )
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name="Secondaries 2025/26", measures=["ehcp", "suspensions"]
    )
    action = services.action_save(
        focus_area=focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=_data(
            findings=[blocker],
            funnel_dataset=dataset,
            funnel_finding="Three secondaries above the 99.8% limit for suspensions",
        ),
    )
    page = client_for(viewer).get(f"/plans/actions/{action.pk}/").content.decode()
    assert "Blocker (process map): No shared record of what the school tried" in page
    assert f'href="/analysis/{dataset.pk}/"' in page and "Three secondaries above the 99.8% limit" in page


def test_evidence_of_another_la_is_refused(focus_area, lead, other_organisation, client_for):
    from casereview.models import VocabularyTerm

    their_dataset = SettingsDataset.objects.create(organisation=other_organisation, name="Theirs", measures=["ehcp"])
    their_theme = VocabularyTerm.objects.get(organisation=other_organisation, kind="theme", code="WORKFORCE_CAPACITY")
    with pytest.raises(ValidationError) as refused:
        services.action_save(
            focus_area=focus_area,
            action=None,
            by=lead,
            expected_version=0,
            data=_data(funnel_dataset=their_dataset, themes=[their_theme]),
        )
    assert set(refused.value.message_dict) == {"funnel_dataset", "themes"}
    response = client_for(lead).post(
        "/plans/actions/new/",
        {
            "focus_area": focus_area.pk,
            "title": "x",
            "owner": "y",
            "due": "2027-01-01",
            "status": "not_started",
            "rag": "green",
            "version": 0,
            "funnel_dataset": their_dataset.pk,
        },
    )
    assert "Select a valid choice" in response.content.decode() and not focus_area.actions.exists()
