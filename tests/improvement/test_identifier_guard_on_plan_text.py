"""No child's identifier reaches the plan: every free-text field goes through the identifier guard."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from improvement import services
from improvement.models import Action, CaseFollowUp, Risk
from improvement.services import ActionData

NHS = "943 476 5919"  # a checksum-valid NHS number


@pytest.mark.parametrize("field", ["title", "owner", "issue", "mitigation", "funnel_finding"])
def test_an_action_field_holding_an_nhs_number_is_refused(focus_area, lead, field):
    data = ActionData(
        title="Audit",
        owner="Head of SEND",
        due=datetime.date(2027, 1, 1),
        rag="amber",
        issue="Late",
        mitigation="Chase",
    )
    setattr(data, field, f"{getattr(data, field)} {NHS}")
    with pytest.raises(ValidationError) as refused:
        services.action_save(focus_area=focus_area, action=None, data=data, by=lead, expected_version=0)
    assert "an NHS number" in refused.value.message_dict[field][0]
    assert not Action.objects.exists()


def test_the_risk_form_refuses_an_email_address(plan, lead, client_for):
    page = (
        client_for(lead)
        .post(
            f"/plans/{plan.pk}/risks/new/",
            {
                "title": "Capacity",
                "detail": "Ask parent.name@example.com",
                "rag": "red",
                "impact": "",
                "mitigation": "",
                "owner": "Head of SEND",
                "review_date": "2027-01-01",
            },
        )
        .content.decode()
    )
    assert "an email address" in page and not Risk.objects.exists()


def test_progress_notes_next_steps_and_follow_up_notes_are_guarded(
    action, lead, client_for, allocations, facilitator, term
):
    client = client_for(lead)
    client.post(f"/plans/actions/{action.pk}/progress/", {"date": "2027-01-01", "text": f"Called about {NHS}"})
    client.post(f"/plans/actions/{action.pk}/next-steps/", {"text": "Visit SW1A 1AA"})
    assert not action.progress_notes.exists() and not action.next_steps.exists()

    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    review = review_save(
        allocation=allocations[0],
        by=facilitator,
        expected_version=0,
        answer=ReviewAnswer(
            True,
            False,
            [term("non_ideal_area", "TIMING_OF_SUPPORT")],
            term("provision", "MAINSTREAM"),
            [term("theme", "WORKFORCE_CAPACITY")],
        ),
    )
    page = client.post(
        f"/follow-ups/reviews/{review.pk}/new/",
        {"date": "2027-01-01", "outcome": "other", "note": "Mum on 07911 123456"},
    ).content.decode()
    assert "a phone number" in page and not CaseFollowUp.objects.exists()
