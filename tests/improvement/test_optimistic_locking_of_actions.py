"""Two people saving the same action: the second is told and shown the other's version; nothing is overwritten."""

import pytest

from improvement.models import Action


def _post(action, version, **changes):
    data = {
        "focus_area": action.focus_area_id,
        "title": action.title,
        "owner": action.owner,
        "due": "2027-03-31",
        "status": "in_progress",
        "rag": "green",
        "issue": "",
        "mitigation": "",
        "funnel_finding": "",
        "version": version,
    }
    return data | changes


def test_the_second_save_of_the_same_version_is_a_conflict_shown_to_the_person(action, lead, client_for):
    client = client_for(lead)
    first = client.post(f"/plans/actions/{action.pk}/edit/", _post(action, 1, owner="Head of SEND"))
    assert first.status_code == 302
    second = client.post(f"/plans/actions/{action.pk}/edit/", _post(action, 1, owner="Head of Inclusion"))
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else saved this action" in page and 'data-testid="conflict"' in page and "Head of SEND" in page
    action.refresh_from_db()
    assert action.owner == "Head of SEND" and action.version == 2
    # Having seen the other version, the person saves again: now it is theirs.
    third = client.post(f"/plans/actions/{action.pk}/edit/", _post(action, 2, owner="Head of Inclusion"))
    assert third.status_code == 302
    assert Action.objects.get(pk=action.pk).owner == "Head of Inclusion"


@pytest.mark.django_db
def test_a_stale_version_from_the_service_raises(action, lead):
    from improvement import services

    data = services.ActionData(title="x", owner="y", due=action.due)
    with pytest.raises(services.ActionConflict):
        services.action_save(focus_area=action.focus_area, action=action, data=data, by=lead, expected_version=0)
