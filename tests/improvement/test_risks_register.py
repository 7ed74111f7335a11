"""The risks/issues register: every save of a risk is history, two saves of one version conflict,
and a review date in the past is marked."""

import datetime

from improvement.models import Risk, RiskChange


def _post(risk, version, **changes):
    data = {
        "title": risk.title,
        "detail": risk.detail,
        "rag": risk.rag,
        "impact": risk.impact,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "review_date": risk.review_date.isoformat(),
        "version": version,
    }
    return data | changes


def test_a_rag_change_of_a_risk_is_kept_as_history(risk, lead, viewer, client_for):
    client = client_for(lead)
    assert client.post(f"/plans/{risk.plan_id}/risks/{risk.pk}/edit/", _post(risk, 0, rag="amber")).status_code == 302
    change = RiskChange.objects.get(risk=risk)
    assert change.rag == "amber" and change.changes["RAG"] == ["Red", "Amber"] and change.changed_by == lead
    page = client.get(f"/plans/{risk.plan_id}/risks/{risk.pk}/edit/").content.decode()
    assert "RAG: Red → Amber" in page


def test_the_second_save_of_the_same_version_is_a_conflict(risk, lead, client_for):
    client = client_for(lead)
    client.post(f"/plans/{risk.plan_id}/risks/{risk.pk}/edit/", _post(risk, 0, owner="Head of SEND"))
    page = client.post(
        f"/plans/{risk.plan_id}/risks/{risk.pk}/edit/", _post(risk, 0, owner="Head of Inclusion")
    ).content.decode()
    assert "Someone else saved this risk" in page and 'data-testid="conflict"' in page
    assert Risk.objects.get(pk=risk.pk).owner == "Head of SEND"


def test_a_new_risk_starts_its_history(plan, lead, client_for):
    response = client_for(lead).post(
        f"/plans/{plan.pk}/risks/new/",
        {
            "title": "Recruitment and retention",
            "detail": "",
            "rag": "red",
            "impact": "",
            "mitigation": "",
            "owner": "HR Business Partner",
            "review_date": "2027-02-01",
            "version": 0,
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(plan=plan)
    assert risk.version == 1 and risk.changes.get().changes["Risk or issue"] == [None, "Recruitment and retention"]


def test_a_review_date_in_the_past_is_marked_on_the_register(risk, viewer, client_for):
    assert not risk.review_overdue(datetime.date(2027, 1, 15))
    assert risk.review_overdue(datetime.date(2027, 1, 16))
    risk.review_date = datetime.date(2020, 1, 1)
    risk.save()
    page = client_for(viewer).get(f"/plans/{risk.plan_id}/risks/").content.decode()
    assert 'data-testid="review-overdue"' in page
    risk.closed = True
    risk.save()
    assert (
        'data-testid="review-overdue"' not in client_for(viewer).get(f"/plans/{risk.plan_id}/risks/").content.decode()
    )
