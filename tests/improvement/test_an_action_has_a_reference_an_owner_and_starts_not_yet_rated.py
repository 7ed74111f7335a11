"""An action is entered as in the plan: a reference as text, an owner who is a member of the LA or a
role in words (at least one), and no RAG until someone judges it (Not yet rated, never Green)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from improvement.models import Action, ActionChange
from improvement.services import ActionData, action_save

UPN = "H801200001001"


def _post(focus_area, **changes):
    """What the browser sends for the form as it opens, with the fields a person fills in."""
    data = {
        "focus_area": focus_area.pk,
        "ref": "",
        "title": "Publish the local offer refresh",
        "owner_member": "",
        "owner": "",
        "due": "2027-04-30",
        "status": "not_started",
        "rag": "",
        "issue": "",
        "mitigation": "",
        "funnel_finding": "",
        "version": 0,
    }
    return data | changes


def test_a_new_action_opens_not_started_and_not_yet_rated_with_the_focus_area_chosen(focus_area, lead, client_for):
    page = client_for(lead).get(f"/plans/actions/new/?focus_area={focus_area.pk}").content.decode()
    radios = page[page.index('name="rag"') - 200 :]
    assert radios.index("Not yet rated") < radios.index("Red") < radios.index("Amber") < radios.index("Green")
    [checked] = re.findall(r'<input type="radio"[^>]*name="rag"[^>]*checked>', page)
    assert 'value=""' in checked  # Not yet rated
    assert '<option value="not_started" selected>Not started</option>' in page
    assert f'<option value="{focus_area.pk}" selected>' in page
    assert 'type="date" name="due"' in page
    assert "Owner (a member)" in page and "Owner (a role)" in page


def test_an_action_owned_by_a_member_is_saved_not_yet_rated_and_named_in_words(
    focus_area, lead, facilitator, viewer, client_for
):
    facilitator.first_name, facilitator.last_name = "Asha", "Patel"
    facilitator.save()
    response = client_for(lead).post("/plans/actions/new/", _post(focus_area, ref="14–15", owner_member=facilitator.pk))
    action = Action.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/actions/{action.pk}/"
    assert (action.rag, action.status, action.owner, action.owner_member) == ("", "not_started", "", facilitator)
    assert action.get_rating_display() == "Not yet rated" and action.ref == "14–15"
    change = ActionChange.objects.get(action=action)
    assert change.changes["Owner (a member)"] == [None, "Asha Patel (facilitator@northshire.test)"]
    assert change.changes["RAG"] == [None, "Not yet rated"] and change.changes["Reference"] == [None, "14–15"]
    client = client_for(viewer)
    assert "Asha Patel" in client.get(f"/plans/actions/{action.pk}/").content.decode()
    assert "<td>Asha Patel</td>" in client.get(f"/plans/{focus_area.workstream.plan_id}/").content.decode()


def test_an_action_with_no_owner_is_refused_with_a_reason_and_nothing_is_saved(focus_area, lead, client_for):
    response = client_for(lead).post("/plans/actions/new/", _post(focus_area))
    assert response.status_code == 200
    assert escape("Say who owns it: choose a member of your LA as the owner, or write a staff role") in (
        response.content.decode()
    )
    assert not Action.objects.exists()
    # A role in words is enough.
    assert client_for(lead).post("/plans/actions/new/", _post(focus_area, owner="Head of SEND")).status_code == 302
    assert Action.objects.get().owner_label == "Head of SEND"


def test_an_owner_from_another_la_is_refused(focus_area, lead, outsider, client_for):
    response = client_for(lead).post("/plans/actions/new/", _post(focus_area, owner_member=outsider.pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()
    # The service refuses it too, whoever calls it.
    data = ActionData(title="Sneaky", owner="", owner_member=outsider, due=datetime.date(2027, 4, 30))
    with pytest.raises(ValidationError) as refused:
        action_save(focus_area=focus_area, action=None, data=data, by=lead, expected_version=0)
    assert refused.value.message_dict == {"owner_member": ["Choose a member of your LA as the owner."]}
    assert not Action.objects.exists()


def test_amber_still_needs_an_issue_and_a_mitigation(focus_area, lead, client_for):
    response = client_for(lead).post("/plans/actions/new/", _post(focus_area, owner="Head of SEND", rag="amber"))
    page = response.content.decode()
    assert response.status_code == 200 and "Say what the issue is" in page and "Say what is being done about it" in page
    assert not Action.objects.exists()


def test_a_reference_carrying_a_child_identifier_or_odd_characters_is_refused(focus_area, lead, client_for):
    client = client_for(lead)
    for ref, message in ((UPN, "could identify a child"), ("1;2", "Use letters, numbers, dots, dashes")):
        response = client.post("/plans/actions/new/", _post(focus_area, owner="Head of SEND", ref=ref))
        assert response.status_code == 200 and message in response.content.decode()
    assert not Action.objects.exists()


def test_references_sort_naturally_on_the_plan_page(focus_area, lead, viewer, client_for):
    for ref in ("10", "2", "1.10", "1.2"):
        client_for(lead).post("/plans/actions/new/", _post(focus_area, ref=ref, owner="Head of SEND", title=f"A {ref}"))
    assert [a.ref for a in Action.objects.all()] == ["1.2", "1.10", "2", "10"]
