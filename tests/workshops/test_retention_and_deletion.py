"""Workshops are deleted for good: by the lead after confirming, or by the LA's retention rule,
each with an audit record that keeps counts and titles only."""

import datetime

import pytest
from django.urls import reverse

from analytics.snapshots import compute_snapshot
from casereview.models import DeletionRecord
from workshops.models import Case, CaseAllocation, CaseReview, PollResponse, ProcessMap, ReviewAudit, Workshop
from workshops.retention import apply_retention, past_retention, workshop_delete
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save
from workshops.tasks import delete_workshops_past_retention


@pytest.fixture
def full_workshop(organisation, workshop, allocations, facilitator, words_poll):
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(False, notes="split"), by=facilitator, expected_version=0
    )
    PollResponse.objects.create(poll=words_poll, round=1, phone="p", slot=1, text="friends", normalised="friends")
    ProcessMap.objects.create(workshop=workshop, title="Map")
    return workshop


def test_deleting_removes_everything_of_the_workshop_and_records_it(organisation, full_workshop, lead):
    record = workshop_delete(workshop=full_workshop, reason="Deleted by the programme lead", by=lead)
    for model in (Workshop, CaseAllocation, CaseReview, ReviewAudit, PollResponse, ProcessMap, Case):
        assert not model.objects.exists(), model.__name__
    assert (
        record.what == "Workshop “Secondary case reviews” of 20 May 2026: "
        "3 cases, 1 reviews, 1 poll answers, 0 process map findings"
    )
    assert (record.deleted_by, record.organisation) == (lead, organisation)


def test_a_case_still_held_by_another_workshop_is_kept(organisation, full_workshop, term, lead, allocations):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=datetime.date(2026, 9, 1))
    CaseAllocation.objects.create(workshop=later, case=allocations[0].case)
    workshop_delete(workshop=full_workshop, reason="test", by=lead)
    assert list(Case.objects.values_list("reference", flat=True)) == ["C-001"]


def test_the_dashboards_forget_a_deleted_workshop(organisation, full_workshop, lead):
    compute_snapshot(organisation.pk, f"workshop:{full_workshop.pk}")
    workshop_delete(workshop=full_workshop, reason="test", by=lead)
    assert not organisation.report_snapshots.filter(scope__startswith="workshop:").exists()


def test_the_retention_rule_deletes_only_workshops_past_it(organisation, other_organisation, full_workshop):
    other_organisation.retention_months = 24
    other_organisation.save()
    theirs = Workshop.objects.create(organisation=other_organisation, title="Theirs", date=full_workshop.date)
    recent = Workshop.objects.create(organisation=organisation, title="Recent", date=datetime.date(2027, 1, 10))
    today = datetime.date(2027, 5, 21)  # 12 months and a day after 20 May 2026
    assert list(past_retention(organisation, today)) == [full_workshop]
    assert apply_retention(today) == 1
    assert set(Workshop.objects.values_list("pk", flat=True)) == {theirs.pk, recent.pk}
    record = DeletionRecord.objects.get()
    assert record.reason == "Retention: kept 12 months after the workshop" and record.deleted_by is None
    assert apply_retention(today) == 0  # running it again changes nothing


def test_the_nightly_task_applies_the_rule(organisation, workshop, settings):
    workshop.date = datetime.date(2000, 1, 1)
    workshop.save()
    assert delete_workshops_past_retention.run() == 1
    assert "delete-workshops-past-retention" in settings.CELERY_BEAT_SCHEDULE


def test_the_lead_deletes_a_workshop_after_confirming(client_for, lead, full_workshop):
    client = client_for(lead)
    page = client.get(reverse("workshop_delete", args=[full_workshop.pk])).content.decode()
    assert "Delete this workshop for good?" in page and "1 review " in page
    client.post(reverse("workshop_delete", args=[full_workshop.pk]), {})
    assert Workshop.objects.filter(pk=full_workshop.pk).exists()  # not without the box ticked
    response = client.post(reverse("workshop_delete", args=[full_workshop.pk]), {"confirm": "yes"})
    assert response.url == reverse("workshop_list")
    assert not Workshop.objects.exists() and DeletionRecord.objects.get().deleted_by == lead
    assert "Deleted by the programme lead" in client.get(reverse("retention")).content.decode()


@pytest.mark.parametrize("role,status", [("viewer", 403), ("facilitator", 403), ("outsider", 404)])
def test_nobody_else_can_delete(request, client_for, full_workshop, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("workshop_delete", args=[full_workshop.pk]), {"confirm": "yes"}).status_code == status
    assert Workshop.objects.filter(pk=full_workshop.pk).exists() and not DeletionRecord.objects.exists()


def test_the_lead_sets_the_retention_period_within_limits(client_for, lead, viewer, organisation):
    client = client_for(lead)
    client.post(reverse("retention"), {"retention_months": 24})
    organisation.refresh_from_db()
    assert organisation.retention_months == 24
    page = client.post(reverse("retention"), {"retention_months": 0}).content.decode()
    assert "There is a problem" in page
    organisation.refresh_from_db()
    assert organisation.retention_months == 24
    assert client_for(viewer).post(reverse("retention"), {"retention_months": 1}).status_code == 403
