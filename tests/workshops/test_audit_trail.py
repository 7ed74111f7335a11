"""Who created or changed a review, when and what: kept for every save and shown to the lead."""

from django.urls import reverse

from workshops.models import ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def test_every_save_records_who_and_what_changed(allocations, facilitator, lead, term):
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="Split room"), by=facilitator, expected_version=0
    )
    review_save(
        allocation=allocations[0],
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")], notes="Split room"),
        by=lead,
        expected_version=1,
    )
    first, second = ReviewAudit.objects.order_by("version")
    assert (first.changed_by, first.version, first.source) == (facilitator, 1, "console")
    assert first.changes["Consensus reached"] == [None, "No"]
    assert second.changed_by == lead
    assert second.changes == {
        "Consensus reached": ["No", "Yes"],
        "Ideal outcome": ["—", "Yes"],
        "Themes": ["—", "Workforce capacity"],
    }


def test_the_lead_reads_the_history_and_others_cannot(
    client_for, lead, facilitator, viewer, outsider, workshop, allocations
):
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="Split"), by=facilitator, expected_version=0
    )
    url = reverse("audit_log", args=[workshop.pk])
    page = client_for(lead).get(url).content.decode()
    assert "C-001" in page and "facilitator@northshire.test" in page and "Consensus reached" in page
    assert client_for(facilitator).get(url).status_code == 403
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_the_history_can_be_narrowed_to_one_case(client_for, lead, facilitator, workshop, allocations):
    for allocation in allocations[:2]:
        review_save(allocation=allocation, answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    page = client_for(lead).get(reverse("audit_log", args=[workshop.pk]), {"case": allocations[1].pk}).content.decode()
    assert "C-002" in page and ">C-001<" not in page
