"""Walk every URL of the project (from the URL conf, so a new view is covered automatically) as an
outsider from another LA and as an anonymous visitor, with real ids of one LA's objects, by GET and
POST; nothing of that LA may show, and nothing may change."""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from analytics.feed.services import token_create
from analytics.models import SettingRow, SettingsDataset
from analytics.snapshots import compute_snapshot
from casereview.tenancy import TenantQuerySet
from improvement import services as plan_services
from improvement.models import FocusArea, Kpi, KpiKind, Plan, Recommendation, Risk, ScheduledFollowUp, Workstream
from tests.fixtures import make_case
from workshops.models import BreakoutRoom, CaseAllocation, FindingKind, Poll, PollResponse, ProcessMap, Workshop
from workshops.process_maps.services import finding_add, step_add
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

SECRET = "Northshire-only"  # in every title of the LA's data: must never reach the outsider

# Pages anyone may open by design: signing in, password reset, the health check and the
# attendee's phone pages (a join code is the key; they show only the LA's open poll questions).
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "alive",
    "join",
    "attend",
    "poll_answer",
    "poll_follow",
    "poll_shared_cards",
    "accessibility",
    # Signing in (issue 35): the same sign-in page under allauth's name, the second factor while a
    # sign-in waits for it, and each LA's provider (its slug names it; it shows no LA data).
    "account_login",
    "mfa_authenticate",
    "council_login",
    "council_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
}
# Signed-in pages that show the visitor's own LA (or nothing): the outsider may get 200 there.
OWN_LA_PAGES = {
    "home",
    "vocabulary",
    "workshop_list",
    "workshop_create",
    "dashboard",
    "dashboard_status",
    "datasets",
    "poll_settings",
    "password_change",
    "password_change_done",
    "dataset_template",
    "vocabulary_term_add",
    "dashboard_download",
    "retention",
    "feed_tokens",
    "plan_list",
    "plan_create",
    # A new plan from a workbook goes into the visitor's own LA; the template holds no LA's data.
    "plan_import",
    "plan_workbook_template",
    "action_create",
    "follow_up_list",
    "follow_ups_due",  # the LA's own schedules (h7, issue 36)
    "variation_settings",
    # The person's own second factor (issue 35): their own account, no LA's data.
    "account_reauthenticate",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    # The person's own passkeys (issue 35): their own account, no LA's data.
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_reauthenticate_webauthn",
    "mfa_edit_webauthn",
    "mfa_remove_webauthn",
    # The LA's own sign-in settings (lead only; the outsider sees and changes their own LA's).
    "sign_in_settings",
}
# Read with a feed key in a header, never with a session: anyone without a key gets 401
# (tests/analytics/test_power_bi_feed.py walks them with another LA's key).
FEED_KEY_PAGES = {"feed_index", "feed_table"}
# The operator's metrics, read with METRICS_TOKEN in a header: not there at all (404) while no token is
# set, as here; 401 without the right token (tests/casereview/test_metrics_endpoint.py).
OPERATOR_TOKEN_PAGES = {"metrics"}
PK_OWNERS = {  # which object a route's "pk" is
    "workshop_detail": "workshop",
    "workshop_edit": "workshop",
    "workshop_delete": "workshop",
    "room_edit": "room",
    "vocabulary_term_edit": "term",
    "vocabulary_term_retire": "term",
    "poll_edit": "poll",
    "poll_state": "poll",
    "poll_moderate": "poll",
    "poll_moderate_status": "poll",
    "response_hide": "response",
    "poll_present": "poll",
    "poll_live_results": "poll",
    "poll_results_csv": "poll",
    "poll_queue": "poll",
    "poll_merge": "poll",
    "poll_unmerge": "poll",
    "poll_quick_hide": "poll",
    "poll_quick_hide_undo": "poll",
    "process_map_edit": "process_map",
    "step_add": "process_map",
    "process_map_present": "process_map",
    "process_map_export": "process_map",
    "variation": "dataset",
    "dataset_delete": "dataset",
    "variation_download": "dataset",
    "plan_detail": "plan",
    "plan_edit": "plan",
    "plan_export": "plan",
    "plan_update_import": "plan",
    "workstream_edit": "workstream",
    "focus_area_edit": "focus_area",
    "action_detail": "action",
    "action_edit": "action",
    "action_history_download": "action",
    "recommendation_decide": "recommendation",
    "risk_edit": "risk",
    "kpi_edit": "kpi",
    "kpi_detail": "kpi",
    "update_detail": "update",
    "update_docx": "update",
    # The reporting calendar and sign-off (h2, issue 36).
    "update_sign_off": "update",
    "meeting_edit": "meeting",
    "meeting_delete": "meeting",
    "follow_up_schedule_cancel": "scheduled_follow_up",
    "evidence_link_delete": "evidence_link",
    # A person's own passkey (an allauth Authenticator): the world holds none, so the walk tries an id
    # that is not the outsider's; tests/casereview/test_passkeys.py tries another person's real one.
    "mfa_edit_webauthn": "workshop",
    "mfa_remove_webauthn": "workshop",
}


def url_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin is for superusers; not a tenant's page (see test_the_admin_is_closed_to_la_staff)
            yield from url_patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


@pytest.fixture
def world(organisation, lead, facilitator, term, other_organisation, outsider):
    workshop = Workshop.objects.create(organisation=organisation, title=f"{SECRET} workshop", date="2026-05-20")
    room = BreakoutRoom.objects.create(workshop=workshop, name=f"{SECRET} room")
    room.facilitators.add(facilitator)
    allocation = CaseAllocation.objects.create(
        workshop=workshop, room=room, case=make_case(organisation, term, "NS-001")
    )
    review_save(
        allocation=allocation, answer=ReviewAnswer(False, notes=f"{SECRET} note"), by=facilitator, expected_version=0
    )
    # A calibration case (so the comparison and moderation pages have a second room's answer to leak).
    BreakoutRoom.objects.create(workshop=workshop, name=f"{SECRET} second room")
    allocation_save(workshop=workshop, placements={}, second_rooms={}, calibration={allocation.pk})
    second = CaseAllocation.objects.get(first_allocation=allocation)
    review_save(
        allocation=second, answer=ReviewAnswer(False, notes=f"{SECRET} second note"), by=facilitator, expected_version=0
    )
    poll = Poll.objects.create(workshop=workshop, question=f"{SECRET} question", kind="words", is_open=True)
    response = PollResponse.objects.create(
        poll=poll, round=1, phone="p1", slot=1, text=f"{SECRET}", normalised=SECRET.lower()
    )
    process_map = ProcessMap.objects.create(workshop=workshop, title=f"{SECRET} map")
    step = step_add(process_map=process_map, title=f"{SECRET} step")
    finding = finding_add(step=step, kind=FindingKind.BLOCKER, text=f"{SECRET} finding")
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name=f"{SECRET} dataset", measures=["ehcp", "suspended"]
    )
    for urn, count in (("100001", 3), ("100002", 5)):
        SettingRow.objects.create(
            dataset=dataset, urn=urn, name=f"{SECRET} school {urn}", values={"ehcp": 20, "suspended": count}
        )
    theme = term("theme", "WORKFORCE_CAPACITY")
    theme.label = f"{SECRET} theme"
    theme.save()
    feed_token, _ = token_create(organisation=organisation, name=f"{SECRET} key", by=lead)
    for scope in ("all", f"workshop:{workshop.pk}"):
        compute_snapshot(organisation.pk, scope)
    plan = Plan.objects.create(organisation=organisation, title=f"{SECRET} plan")
    workstream = Workstream.objects.create(plan=plan, name=f"{SECRET} workstream")
    focus_area = FocusArea.objects.create(workstream=workstream, ref="1", statement=f"{SECRET} focus area")
    plan_action = plan_services.action_save(
        focus_area=focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=plan_services.ActionData(
            title=f"{SECRET} action", owner="Head of SEND", due=datetime.date(2027, 1, 1), themes=[theme]
        ),
    )
    next_step = plan_services.next_step_add(action=plan_action, text=f"{SECRET} next step")
    evidence_link = plan_services.evidence_link_add(
        action=plan_action, url="https://northshire.example/board-paper", label=f"{SECRET} evidence link", by=lead
    )
    recommendation = Recommendation.objects.create(plan=plan, ref="1", theme=theme, text=f"{SECRET} recommendation")
    risk = Risk.objects.create(
        plan=plan, title=f"{SECRET} risk", rag="red", owner="Head of SEND", review_date="2027-01-01"
    )
    kpi = Kpi.objects.create(plan=plan, name=f"{SECRET} KPI", kind=KpiKind.HOW_MUCH)
    # A meeting of the reporting calendar, with the update attached (h2, issue 36).
    meeting = plan.meetings.create(board=f"{SECRET} board", date=datetime.date(2027, 2, 10), reported=f"{SECRET}")
    update = plan_services.update_freeze(
        plan=plan, title=f"{SECRET} update", as_of=datetime.date(2027, 1, 31), highlights="", by=lead, meeting=meeting
    )
    # A follow-up scheduled for the first room's review (h7, issue 36).
    scheduled_follow_up = ScheduledFollowUp.objects.create(review=allocation.review, due=datetime.date(2027, 3, 1))
    return {
        "scheduled_follow_up": scheduled_follow_up,
        "workshop": workshop,
        "room": room,
        "allocation": allocation,
        "poll": poll,
        "response": response,
        "process_map": process_map,
        "step": step,
        "finding": finding,
        "dataset": dataset,
        "term": theme,
        "feed_token": feed_token,
        "plan": plan,
        "workstream": workstream,
        "focus_area": focus_area,
        "action": plan_action,
        "next_step": next_step,
        "evidence_link": evidence_link,
        "recommendation": recommendation,
        "risk": risk,
        "kpi": kpi,
        "update": update,
        "meeting": meeting,
    }


def kwargs_for(pattern, world):
    """Real ids of the LA's objects for every argument of the route."""
    values = {
        "workshop_pk": world["workshop"].pk,
        "room_pk": world["room"].pk,
        "allocation_pk": world["allocation"].pk,
        "step_pk": world["step"].pk,
        "finding_pk": world["finding"].pk,
        "poll_pk": world["poll"].pk,
        "code": world["workshop"].join_code,
        "kind": "theme",
        "name": "settings" if pattern.name.startswith("variation") else "outcome",
        "file_format": "csv",
        "uidb64": "MQ",
        "token": "set-password",
        "plan_pk": world["plan"].pk,
        "workstream_pk": world["workstream"].pk,
        "action_pk": world["action"].pk,
        "next_step_pk": world["next_step"].pk,
        "review_pk": world["allocation"].review.pk,
        "provider_id": world["workshop"].organisation.slug,
    }
    kwargs = {}
    for argument in pattern.pattern.converters:
        if argument == "pk":
            assert pattern.name in PK_OWNERS, f"Register which object the pk of '{pattern.name}' is, in PK_OWNERS."
            kwargs["pk"] = world[PK_OWNERS[pattern.name]].pk
        else:
            assert argument in values, f"Give a value for '{argument}' (route '{pattern.name}') in kwargs_for."
            kwargs[argument] = values[argument]
    return kwargs


def state_of_the_data(organisation):
    """A hash of every row of the LA's data, in every model of the project that holds LA data
    (the outsider's own LA may change: viewing its dashboards computes its snapshots)."""
    digest = hashlib.sha256()
    models = [
        m
        for app in ("casereview", "workshops", "analytics", "improvement")
        for m in apps.get_app_config(app).get_models()
    ]
    tenant_models = [m for m in models if isinstance(m._default_manager.all(), TenantQuerySet)]
    assert len(tenant_models) >= 27
    for model in tenant_models:
        for row in model._default_manager.for_organisation(organisation).order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_every_url_refuses_the_outsider_and_the_anonymous_visitor(world, client_for, outsider, client):
    patterns = [p for p in url_patterns() if p.name not in PUBLIC]
    assert len(patterns) > 40  # the walk really covers the project
    before = state_of_the_data(world["workshop"].organisation)
    visitors = {"outsider": client_for(outsider), "anonymous": client.__class__()}
    for pattern in patterns:
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, world))
        for who, visitor in visitors.items():
            for method in ("get", "post"):
                response = getattr(visitor, method)(
                    url, {"title": "Hacked", "action": "reset", "hidden": "yes", "retired": "yes"}
                )
                where = f"{method.upper()} {url} ({pattern.name}) as {who}"
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert SECRET.encode() not in body and SECRET.lower().encode() not in body, f"leak: {where}"
                if pattern.name in FEED_KEY_PAGES:
                    assert response.status_code in (401, 405), f"{where}: {response.status_code}"
                elif pattern.name in OPERATOR_TOKEN_PAGES:
                    assert response.status_code == 404, f"{where}: {response.status_code}"
                elif who == "anonymous":
                    assert response.status_code in (302, 405), where
                    if response.status_code == 302:
                        assert response.url.startswith("/accounts/login/"), where
                elif pattern.name not in OWN_LA_PAGES:
                    assert response.status_code in (403, 404, 405), f"{where}: {response.status_code}"
    assert state_of_the_data(world["workshop"].organisation) == before, (
        "an outsider or an anonymous visitor changed something"
    )


def test_public_pages_answer_without_error_and_show_only_what_a_join_code_opens(world, client):
    for pattern in url_patterns():
        if pattern.name in PUBLIC:
            url = reverse(pattern.name, kwargs=kwargs_for(pattern, world))
            assert client.get(url).status_code < 500, url
    for name in ("attend", "poll_shared_cards"):
        page = client.get(reverse(name, kwargs={"code": world["workshop"].join_code})).content.decode()
        assert world["poll"].question in page  # the open poll: what the code is for
        for private in (f"{SECRET} room", f"{SECRET} note", f"{SECRET} map", f"{SECRET} dataset", "NS-001"):
            assert private not in page


def test_the_walk_would_notice_a_leak(world, client_for, lead):
    """The same checks, as the LA's own lead: the secret shows, so the walk above can fail."""
    page = client_for(lead).get(reverse("workshop_detail", kwargs={"pk": world["workshop"].pk})).content
    assert SECRET.encode() in page
    comparison = reverse(
        "calibration_present", kwargs={"workshop_pk": world["workshop"].pk, "allocation_pk": world["allocation"].pk}
    )
    assert f"{SECRET} second room".encode() in client_for(lead).get(comparison).content


def test_the_admin_is_closed_to_la_staff(world, client_for, lead, outsider):
    for person in (lead, outsider):
        response = client_for(person).get("/admin/workshops/workshop/")
        assert response.status_code == 302 and "/admin/login/" in response.url
