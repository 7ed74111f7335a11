"""The reporting calendar (seed 003's "Reporting Milestones"): the lead keeps a plan's meetings, each
monitoring update is attached to one, and a sign-off (who, when) is recorded on a frozen update,
the only thing added to it later. Members read; another LA's calendar answers 404."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from improvement import services
from improvement.forms import UpdateForm
from improvement.models import MonitoringUpdate, Plan, ReportingMeeting

TODAY = timezone.localdate()


def _meeting(plan, days, board="SEND Partnership Board"):
    return ReportingMeeting.objects.create(
        plan=plan, board=board, date=TODAY + datetime.timedelta(days=days), reported="WSOA monitoring"
    )


def _freeze(plan, lead, meeting=None, as_of=None):
    return services.update_freeze(
        plan=plan, title="Monitoring update", as_of=as_of or TODAY, highlights="", by=lead, meeting=meeting
    )


# --- meetings -------------------------------------------------------------------------------------------


def test_the_lead_adds_edits_and_deletes_a_meeting(plan, lead, client_for):
    client = client_for(lead)
    response = client.post(
        f"/plans/{plan.pk}/calendar/new/",
        {"board": "  SEND   Partnership Board ", "date": "2027-05-20", "reported": "WSOA monitoring\n- KPI dashboard"},
    )
    assert response.status_code == 302 and response.url == f"/plans/{plan.pk}/calendar/"
    meeting = ReportingMeeting.objects.get(plan=plan)
    assert (meeting.board, meeting.date) == ("SEND Partnership Board", datetime.date(2027, 5, 20))
    page = client.get(f"/plans/{plan.pk}/calendar/").content.decode()
    assert "SEND Partnership Board" in page and "<li>KPI dashboard</li>" in page and "None yet" in page

    client.post(
        f"/plans/{plan.pk}/calendar/{meeting.pk}/edit/",
        {"board": "Health and Wellbeing Board", "date": "2027-06-10", "reported": ""},
    )
    meeting.refresh_from_db()
    assert (meeting.board, meeting.date) == ("Health and Wellbeing Board", datetime.date(2027, 6, 10))
    assert client.post(f"/plans/{plan.pk}/calendar/{meeting.pk}/delete/").status_code == 302
    assert not ReportingMeeting.objects.filter(pk=meeting.pk).exists()


def test_a_bad_meeting_is_explained_and_stores_nothing(plan, lead, client_for):
    page = client_for(lead).post(f"/plans/{plan.pk}/calendar/new/", {"board": "", "date": "20th May"})
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert "Board or meeting: This field is required." in text and "Enter a valid date." in text
    upn = client_for(lead).post(
        f"/plans/{plan.pk}/calendar/new/", {"board": "Board about H801200001001", "date": "2027-05-20"}
    )
    assert "could identify a child" in upn.content.decode()
    assert not ReportingMeeting.objects.exists()


def test_a_meeting_with_an_update_attached_is_not_deleted(plan, lead, client_for):
    meeting = _meeting(plan, 10)
    _freeze(plan, lead, meeting)
    response = client_for(lead).post(f"/plans/{plan.pk}/calendar/{meeting.pk}/delete/", follow=True)
    text = response.content.decode()
    assert "cannot be deleted: the monitoring update “Monitoring update” is attached to it" in text
    assert ReportingMeeting.objects.filter(pk=meeting.pk).exists()


def test_members_read_the_calendar_and_only_the_lead_changes_it(plan, lead, viewer, facilitator, client_for):
    meeting = _meeting(plan, 10)
    for person in (viewer, facilitator):
        client = client_for(person)
        page = client.get(f"/plans/{plan.pk}/calendar/")
        assert page.status_code == 200 and "SEND Partnership Board" in page.content.decode()
        assert "Add a meeting" not in page.content.decode()
        assert client.get(f"/plans/{plan.pk}/calendar/new/").status_code == 403
        assert client.post(f"/plans/{plan.pk}/calendar/{meeting.pk}/edit/", {"board": "X"}).status_code == 403
        assert client.post(f"/plans/{plan.pk}/calendar/{meeting.pk}/delete/").status_code == 403
    assert ReportingMeeting.objects.get(pk=meeting.pk).board == "SEND Partnership Board"


def test_another_las_calendar_answers_404(plan, their_plan, lead, outsider, client_for):
    theirs = _meeting(their_plan, 5)
    ours = _meeting(plan, 5)
    outsider_client = client_for(outsider)
    for url in (
        f"/plans/{plan.pk}/calendar/",
        f"/plans/{plan.pk}/calendar/new/",
        f"/plans/{plan.pk}/calendar/{ours.pk}/edit/",
    ):
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(f"/plans/{plan.pk}/calendar/{ours.pk}/delete/").status_code == 404
    # Our own plan's URL with another plan's meeting: not found either.
    lead_client = client_for(lead)
    assert lead_client.get(f"/plans/{plan.pk}/calendar/{theirs.pk}/edit/").status_code == 404
    assert lead_client.post(f"/plans/{their_plan.pk}/calendar/{theirs.pk}/delete/").status_code == 404
    assert ReportingMeeting.objects.count() == 2


# --- an update for a meeting ----------------------------------------------------------------------------


def test_the_update_form_offers_the_plans_meetings_and_preselects_the_next(plan, their_plan, organisation):
    _meeting(plan, -5, "Last month's board")
    upcoming = _meeting(plan, 3, "Next board")
    _meeting(plan, 40, "Later board")
    _meeting(their_plan, 1, "Their board")
    form = UpdateForm(plan=plan, today=TODAY)
    assert [m.board for m in form.fields["meeting"].queryset] == ["Last month's board", "Next board", "Later board"]
    assert form.initial["meeting"] == upcoming.pk
    other = Plan.objects.create(organisation=organisation, title="No meetings yet")
    assert UpdateForm(plan=other, today=TODAY).initial.get("meeting") is None


def test_an_update_is_frozen_for_a_meeting_and_shows_it(plan, lead, viewer, client_for):
    meeting = _meeting(plan, 3)
    response = client_for(lead).post(
        f"/plans/{plan.pk}/updates/new/",
        {"title": "May update", "as_of": TODAY.isoformat(), "highlights": "", "meeting": meeting.pk},
    )
    update = MonitoringUpdate.objects.get(plan=plan)
    assert response.status_code == 302 and update.meeting == meeting
    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    assert f"SEND Partnership Board, {meeting.date:%-d %B %Y}" in page and "Not signed off yet" in page
    calendar = client_for(viewer).get(f"/plans/{plan.pk}/calendar/").content.decode()
    assert "May update" in calendar and "not signed off yet" in calendar


def test_another_plans_meeting_is_refused(plan, their_plan, organisation, lead, client_for):
    ours_elsewhere = _meeting(Plan.objects.create(organisation=organisation, title="Other plan"), 3)
    theirs = _meeting(their_plan, 3)
    for meeting in (ours_elsewhere, theirs):
        response = client_for(lead).post(
            f"/plans/{plan.pk}/updates/new/",
            {"title": "May update", "as_of": TODAY.isoformat(), "highlights": "", "meeting": meeting.pk},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    with pytest.raises(Exception, match="reporting calendar"):
        _freeze(plan, lead, ours_elsewhere)
    assert not MonitoringUpdate.objects.exists()


# --- sign-off ---------------------------------------------------------------------------------------------


def test_the_lead_records_a_sign_off_and_nothing_else_changes(action, lead, viewer, client_for):
    plan = action.focus_area.workstream.plan
    update = _freeze(plan, lead, _meeting(plan, 3), as_of=TODAY - datetime.timedelta(days=7))
    before = MonitoringUpdate.objects.filter(pk=update.pk).values().get()
    response = client_for(lead).post(
        f"/plans/updates/{update.pk}/sign-off/",
        {"signed_off_by": "Chair, SEND Partnership Board", "signed_off_on": TODAY.isoformat(), "title": "Changed"},
    )
    assert response.status_code == 302
    after = MonitoringUpdate.objects.filter(pk=update.pk).values().get()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"signed_off_by", "signed_off_on", "sign_off_recorded_by_id", "sign_off_recorded_at"}
    assert after["signed_off_by"] == "Chair, SEND Partnership Board" and after["sign_off_recorded_by_id"] == lead.pk

    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    assert f"By Chair, SEND Partnership Board on {TODAY:%-d %B %Y}" in page and "Record the sign-off" not in page
    document = Document(io.BytesIO(client_for(viewer).get(f"/plans/updates/{update.pk}/word.docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Signed off by Chair, SEND Partnership Board on {TODAY:%-d %B %Y}" in text
    assert "For the meeting: SEND Partnership Board" in text
    listing = client_for(viewer).get(f"/plans/{plan.pk}/updates/").content.decode()
    assert "signed off by Chair, SEND Partnership Board" in listing


def test_the_sign_off_form_is_for_the_lead_only(plan, lead, viewer, facilitator, client_for):
    update = _freeze(plan, lead)
    assert "Record the sign-off" in client_for(lead).get(f"/plans/updates/{update.pk}/").content.decode()
    assert "Record the sign-off" not in client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    for person in (viewer, facilitator):
        response = client_for(person).post(
            f"/plans/updates/{update.pk}/sign-off/", {"signed_off_by": "Chair", "signed_off_on": TODAY.isoformat()}
        )
        assert response.status_code == 403
    assert client_for(lead).get(f"/plans/updates/{update.pk}/sign-off/").status_code == 405
    assert MonitoringUpdate.objects.get(pk=update.pk).signed_off_on is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"signed_off_by": "", "signed_off_on": "2026-01-01"}, "Say who signed it off"),
        ({"signed_off_by": "Chair", "signed_off_on": ""}, "Give the date it was signed off"),
        ({"signed_off_by": "Chair", "signed_off_on": "yesterday"}, "Enter a valid date."),
        ({"signed_off_by": "Chair", "signed_off_on": "2020-01-01"}, "A sign-off comes after the update"),
        ({"signed_off_by": "Chair", "signed_off_on": "2999-01-01"}, "the date cannot be in the future"),
        ({"signed_off_by": "Chair for H801200001001", "signed_off_on": "2026-01-01"}, "could identify a child"),
    ],
)
def test_a_bad_sign_off_is_explained_and_changes_nothing(plan, lead, client_for, data, message):
    update = _freeze(plan, lead, as_of=TODAY - datetime.timedelta(days=400))
    if data["signed_off_on"] == "2026-01-01":
        data = {**data, "signed_off_on": TODAY.isoformat()}
    response = client_for(lead).post(f"/plans/updates/{update.pk}/sign-off/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    update.refresh_from_db()
    assert (update.signed_off_by, update.signed_off_on, update.sign_off_recorded_by) == ("", None, None)


def test_a_sign_off_is_recorded_once(plan, lead, client_for):
    update = _freeze(plan, lead)
    data = {"signed_off_by": "Chair", "signed_off_on": TODAY.isoformat()}
    client_for(lead).post(f"/plans/updates/{update.pk}/sign-off/", data)
    response = client_for(lead).post(
        f"/plans/updates/{update.pk}/sign-off/", {"signed_off_by": "Someone else", "signed_off_on": TODAY.isoformat()}
    )
    assert "already signed off by Chair" in response.content.decode()
    assert MonitoringUpdate.objects.get(pk=update.pk).signed_off_by == "Chair"


def test_another_las_update_cannot_be_signed_off(their_plan, outsider, lead, client_for):
    theirs = services.update_freeze(plan=their_plan, title="Theirs", as_of=TODAY, highlights="", by=outsider)
    response = client_for(lead).post(
        f"/plans/updates/{theirs.pk}/sign-off/", {"signed_off_by": "Chair", "signed_off_on": TODAY.isoformat()}
    )
    assert response.status_code == 404
    assert MonitoringUpdate.objects.get(pk=theirs.pk).signed_off_on is None
