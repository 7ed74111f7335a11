"""A RAG change, like every edit of an action, is kept as history: visible, exportable, never overwritten."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from improvement import services
from improvement.models import ActionChange
from improvement.services import ActionData


def _data(**changes):
    # As the fixture's action was saved: rated green (a new action is Not yet rated unless rated).
    base = dict(
        title="Launch a graduated response toolkit",
        owner="SEND Quality Assurance Lead",
        due=datetime.date(2027, 3, 31),
        rag="green",
    )
    return ActionData(**(base | changes))


def test_each_save_writes_one_history_row_with_what_changed(action, lead):
    services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=1,
        data=_data(rag="amber", issue="Audit sample not agreed.", mitigation="Use the May panel's requests."),
    )
    services.action_save(
        focus_area=action.focus_area, action=action, by=lead, expected_version=2, data=_data(rag="green")
    )
    changes = list(ActionChange.objects.filter(action=action).order_by("version"))
    assert [c.rag for c in changes] == ["green", "amber", "green"]
    assert changes[1].changes["RAG"] == ["Green", "Amber"]
    assert changes[1].changes["Issue"] == ["—", "Audit sample not agreed."]
    assert changes[2].changes["RAG"] == ["Amber", "Green"]
    assert changes[0].changed_by == lead


def test_a_save_that_changes_nothing_still_says_so_in_the_history(action, lead):
    services.action_save(focus_area=action.focus_area, action=action, by=lead, expected_version=1, data=_data())
    latest = ActionChange.objects.filter(action=action).order_by("-version").first()
    assert latest.version == 2 and latest.changes == {}


@pytest.mark.parametrize("rag", ["amber", "red"])
def test_amber_or_red_needs_an_issue_and_a_mitigation_and_changes_nothing_without(action, lead, rag):
    with pytest.raises(ValidationError) as refused:
        services.action_save(
            focus_area=action.focus_area, action=action, by=lead, expected_version=1, data=_data(rag=rag)
        )
    assert set(refused.value.message_dict) == {"issue", "mitigation"}
    action.refresh_from_db()
    assert action.rag == "green" and action.version == 1 and action.changes.count() == 1


def test_the_history_shows_on_the_action_page_and_downloads(action, lead, viewer, client_for):
    services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=1,
        data=_data(rag="red", issue="Two posts vacant.", mitigation="Agency cover approved."),
    )
    client = client_for(viewer)
    page = client.get(f"/plans/actions/{action.pk}/").content.decode()
    assert "Green → Red" in page and "Two posts vacant." in page
    csv = client.get(f"/plans/actions/{action.pk}/history.csv").content.decode("utf-8-sig")
    assert "RAG,Green,Red" in csv
    assert client.get(f"/plans/actions/{action.pk}/history.xlsx").status_code == 200
