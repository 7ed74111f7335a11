"""An action past its due date and not finished is marked overdue; its RAG stays what the lead said."""

import datetime

from improvement import services
from improvement.models import ActionStatus
from improvement.selectors import plan_overview
from improvement.services import ActionData

TODAY = datetime.date(2027, 4, 1)


def test_an_unfinished_action_past_its_due_date_is_overdue_and_keeps_its_rag(action):
    assert action.due < TODAY and action.is_overdue(TODAY)
    assert not action.is_overdue(action.due)  # on the day itself it is not late yet
    overview = plan_overview(action.focus_area.workstream.plan, TODAY)
    assert overview["overdue_actions"] == [
        {"title": action.title, "owner": action.owner, "due": "2027-03-31", "rag": "green"}
    ]
    assert overview["workstreams"][0]["overdue"] == 1
    assert overview["workstreams"][0]["rag"] == {"red": 0, "amber": 0, "green": 1}
    action.refresh_from_db()
    assert action.rag == "green"


def test_a_finished_action_is_never_overdue(action, lead):
    done = services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=1,
        data=ActionData(title=action.title, owner=action.owner, due=action.due, status=ActionStatus.DONE),
    )
    assert not done.is_overdue(TODAY)


def test_the_plan_page_marks_it(action, viewer, client_for):
    action.due = datetime.date(2020, 1, 1)
    action.save()
    page = client_for(viewer).get(f"/plans/{action.focus_area.workstream.plan_id}/").content.decode()
    assert 'data-testid="overdue"' in page and "Overdue" in page
