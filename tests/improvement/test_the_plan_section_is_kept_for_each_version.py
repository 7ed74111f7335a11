"""The dashboards' plan section is rendered once for each version of the plans and of the LA's
figures (issue 37): seen again with nothing changed, it reads no action, theme or follow-up; any
save of what it shows (an action, its themes, a theme's label, a follow-up, a review) shows at
the next view; a lead and a reader each get their own; another LA never gets this LA's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics import snapshots
from improvement.models import CaseFollowUp, FollowUpOutcome
from tests.improvement.test_dashboard_shows_actions_for_each_theme import _action_for as save_action
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def reads_the_plan(sql: str) -> bool:
    """The plan's tables, the follow-ups, or the themes (the page's filters read other terms)."""
    return '"improvement_' in sql or ('"casereview_vocabularyterm"' in sql and "'theme'" in sql)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as it runs in production: its after-commit moves of the versions included."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def versions(organisation):
    snapshots._figures_changed(organisation.pk)  # the LA's figures version exists, as once a snapshot is stored


def plan_reads(client) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    return [q["sql"] for q in queries if reads_the_plan(q["sql"])], page


def test_seen_again_with_nothing_changed_the_section_reads_nothing(
    client_for, viewer, focus_area, lead, term, committed, versions
):
    committed(save_action, focus_area, lead, term("theme", "WORKFORCE_CAPACITY"), "Recruit two EPs")
    client = client_for(viewer)
    first, _ = plan_reads(client)
    assert first  # rendered once
    again, page = plan_reads(client)
    assert again == []
    assert "Recruit two EPs" in page.split('data-testid="plan-section"')[1]


def test_each_save_of_what_it_shows_is_shown_at_the_next_view(
    client_for, viewer, focus_area, lead, term, committed, versions, allocations, facilitator
):
    workforce = term("theme", "WORKFORCE_CAPACITY")
    client = client_for(viewer)
    plan_reads(client)
    action = committed(save_action, focus_area, lead, workforce, "Recruit two EPs")
    assert "Recruit two EPs" in plan_reads(client)[1]

    transition = term("theme", "TRANSITION_BETWEEN_SETTINGS")
    committed(action.themes.add, transition)  # a theme linked in the admin
    section = plan_reads(client)[1].split('data-testid="plan-section"')[1]
    assert "No action yet" not in section.split(transition.label)[1].split("</tr>")[0]

    transition.label = "Moving between settings"
    committed(transition.save)
    assert "Moving between settings" in plan_reads(client)[1]

    not_ideal = ReviewAnswer(
        True, False, [term("non_ideal_area", "TIMING_OF_SUPPORT")], term("provision", "MAINSTREAM"), [workforce]
    )
    review = committed(review_save, allocation=allocations[0], answer=not_ideal, by=facilitator, expected_version=0)
    assert "Of 1 review whose outcome was not ideal" in plan_reads(client)[1]
    committed(
        CaseFollowUp.objects.create, review=review, date=datetime.date(2026, 12, 1), outcome=FollowUpOutcome.values[0]
    )
    assert '<span data-testid="followed-up">1</span>' in plan_reads(client)[1]


def test_a_lead_and_a_reader_each_get_their_own(client_for, viewer, lead, focus_area, versions):
    assert "Add an action" in plan_reads(client_for(lead))[1]
    assert "Add an action" not in plan_reads(client_for(viewer))[1]
    assert "Add an action" in plan_reads(client_for(lead))[1]


def test_another_la_never_gets_this_la_s_section(
    client_for, viewer, outsider, focus_area, lead, term, committed, versions, other_organisation
):
    committed(save_action, focus_area, lead, term("theme", "WORKFORCE_CAPACITY"), "Recruit two EPs")
    snapshots._figures_changed(other_organisation.pk)
    assert "Recruit two EPs" in plan_reads(client_for(viewer))[1]
    reads, page = plan_reads(client_for(outsider))
    assert reads and "Recruit two EPs" not in page


def test_with_the_cache_down_the_section_is_rendered_each_time(client_for, viewer, focus_area, versions):
    from unittest import mock

    client = client_for(viewer)
    with mock.patch("improvement.dashboard.plan_version", return_value=None):
        assert plan_reads(client)[0] and plan_reads(client)[0]
