"""The improvement plan in the Power BI feed (docs/improvement.md, "In the Power BI feed"): six tables
registered from improvement into analytics' feed, read with the same key as the dashboard tables,
as CSV (formulas neutralised) and JSON, listed with their columns described; a key reads its own
LA's plan only; plan-follow-ups counts a double-reviewed case once and never depends on a blind
review's pending answer."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.feed.registry import feed_tables
from analytics.feed.services import token_create, token_revoke
from analytics.models import FeedRead
from improvement import services
from improvement.models import (
    Action,
    ActionStatus,
    CaseFollowUp,
    FocusArea,
    FollowUpOutcome,
    Kpi,
    KpiKind,
    KpiValue,
    MonitoringUpdate,
    Recommendation,
    ReportingMeeting,
    Risk,
    UpdateActionRating,
)
from improvement.services import ActionData
from workshops.models import CaseAllocation
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

PLAN_TABLES = (
    "plan-actions",
    "plan-risks",
    "plan-kpis",
    "plan-follow-ups",
    "plan-recommendations",
    "plan-updates",
)
FORMULA = '=HYPERLINK("http://evil.example","Click")'


def read(client, name, key, file_format="json", **query):
    url = reverse("feed_table", kwargs={"name": name, "file_format": file_format})
    return client.get(url, query, headers={"Authorization": f"Bearer {key}"} if key else {})


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def key(organisation, lead):
    return token_create(organisation=organisation, name="Power BI: SEND board", by=lead)[1]


@pytest.fixture
def second_key(organisation, lead):
    return token_create(organisation=organisation, name="Power BI: finance", by=lead)[1]


@pytest.fixture
def their_key(other_organisation, outsider):
    return token_create(organisation=other_organisation, name="Power BI: Southvale", by=outsider)[1]


def add_action(focus_area, lead, title, **values):
    data = {
        "title": title,
        "owner": "Head of SEND",
        "due": datetime.date(2027, 3, 31),
        "issue": "Staff turnover in the team.",
        "mitigation": "Interim cover agreed.",
        **values,
    }
    return services.action_save(
        focus_area=focus_area, action=None, by=lead, expected_version=0, data=ActionData(**data)
    )


def freeze(plan, title, as_of, ratings, meeting=None):
    """A monitoring update with the given actions' ratings kept with it, as update_freeze keeps them."""
    update = MonitoringUpdate.objects.create(
        plan=plan, title=title, as_of=as_of, content={"workstreams": []}, meeting=meeting
    )
    for action, rating in ratings:
        UpdateActionRating.objects.create(
            update=update,
            action=action,
            workstream=action.focus_area.workstream.name,
            ref=action.ref,
            title=action.title,
            status=action.status,
            rating=rating,
        )
    return update


@pytest.fixture
def whole_plan(plan, focus_area, action, risk, term, lead):
    """One of everything the feed's plan tables read."""
    Action.objects.filter(pk=action.pk).update(ref="14.1")
    kpi = Kpi.objects.create(
        plan=plan,
        name="EHCP plans issued within 20 weeks",
        kind=KpiKind.HOW_WELL,
        unit="%",
        direction=Kpi.Direction.UP,
        frequency=Kpi.Frequency.TERMLY,
        baseline=48,
        target=60,
    )
    kpi.focus_areas.add(focus_area)
    KpiValue.objects.create(kpi=kpi, period=datetime.date(2025, 9, 1), value=50)
    KpiValue.objects.create(kpi=kpi, period=datetime.date(2026, 1, 1), value="57.5")
    recommendation = Recommendation.objects.create(
        plan=plan, ref="3", theme=term("theme", "WORKFORCE_CAPACITY"), text="Train every SENCo in the toolkit."
    )
    recommendation.actions.add(action)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        decision=Recommendation.Decision.ACCEPTED, decided_at=timezone.now()
    )
    meeting = ReportingMeeting.objects.create(
        plan=plan, board="SEND Partnership Board", date=datetime.date(2026, 6, 10), reported="WSOA monitoring"
    )
    action.refresh_from_db()
    freeze(plan, "June 2026 update", datetime.date(2026, 6, 1), [(action, "green")], meeting=meeting)
    return plan


@pytest.fixture
def their_whole_plan(their_plan, other_organisation):
    """Southvale's plan, with a line in every table but the follow-ups (which count its reviews)."""
    area = FocusArea.objects.get(workstream__plan=their_plan)
    their_action = Action.objects.create(
        focus_area=area, title="Southvale's own action", owner="Their Head of SEND", due=datetime.date(2027, 1, 1)
    )
    Risk.objects.create(
        plan=their_plan, title="Southvale's own risk", rag="amber", owner="Them", review_date=datetime.date(2027, 1, 1)
    )
    kpi = Kpi.objects.create(plan=their_plan, name="Southvale's own KPI", kind=KpiKind.HOW_MUCH)
    KpiValue.objects.create(kpi=kpi, period=datetime.date(2026, 5, 1), value=3)
    from casereview.models import VocabularyTerm

    theme = VocabularyTerm.objects.filter(organisation=other_organisation, kind="theme").first()
    Recommendation.objects.create(plan=their_plan, ref="1", theme=theme, text="Southvale's own recommendation")
    their_action.refresh_from_db()
    freeze(their_plan, "Southvale's own update", datetime.date(2026, 6, 1), [(their_action, "amber")])
    return their_plan


# --- every table, as CSV and JSON, listed in the index --------------------------------------------


@pytest.mark.parametrize("name", PLAN_TABLES)
def test_each_plan_table_reads_as_json_and_as_csv_with_the_same_rows(client, whole_plan, key, name):
    body = read(client, name, key).json()
    table = feed_tables()[name]
    assert body["table"] == name and body["columns"] == table.column_names and body["stale"] is False
    assert body["rows"] and all(list(row) == table.column_names for row in body["rows"])
    rows = csv_rows(read(client, name, key, "csv"))
    assert rows[0] == table.column_names and len(rows) == len(body["rows"]) + 1
    assert rows[1] == ["" if v is None else str(v) for v in body["rows"][0].values()]


def test_the_plan_tables_hold_the_plan(client, whole_plan, key):
    action = read(client, "plan-actions", key).json()["rows"][0]
    assert action == {
        "plan": "SEND improvement programme 2026–28",
        "workstream": "Identify–assess–meet need",
        "focus_area_ref": "14",
        "focus_area": "The graduated response is evidenced in every school.",
        "ref": "14.1",
        "action": "Launch a graduated response toolkit",
        "owner": "SEND Quality Assurance Lead",
        "due_date": "2027-03-31",
        "status": "Not started",
        "rating": "green",
        "previous_rating": "green",
        "overdue": False,
        "updated_at": action["updated_at"],
    }
    risk = read(client, "plan-risks", key).json()["rows"][0]
    assert risk == {
        "plan": "SEND improvement programme 2026–28",
        "ref": "",
        "type": "risk",
        "title": "Capacity for change",
        "rag": "red",
        "owner": "Director of Education",
        "review_date": "2027-01-15",
        "review_overdue": risk["review_overdue"],
        "closed": False,
    }
    recommendation = read(client, "plan-recommendations", key).json()["rows"][0]
    assert recommendation["decision"] == "Accepted" and recommendation["theme"]
    assert recommendation["actions"] == "14.1 Launch a graduated response toolkit"
    assert recommendation["action_statuses"] == "Not started"
    (update,) = read(client, "plan-updates", key).json()["rows"]
    assert update == {
        "plan": "SEND improvement programme 2026–28",
        "update": "June 2026 update",
        "as_of": "2026-06-01",
        "meeting_board": "SEND Partnership Board",
        "meeting_date": "2026-06-10",
        "workstream": "Identify–assess–meet need",
        "red": 0,
        "amber": 0,
        "green": 1,
        "complete": 0,
        "not_yet_rated": 0,
        "counted_from": "ratings",
    }


def test_the_index_lists_each_plan_table_with_its_columns_described(client, whole_plan, key):
    # No report snapshot yet: the dashboard tables wait for one, the plan's do not.
    listed = {
        t["name"]: t
        for t in client.get(reverse("feed_index"), headers={"Authorization": f"Bearer {key}"}).json()["tables"]
    }
    for name in PLAN_TABLES:
        entry = listed[name]
        assert entry["csv"].endswith(f"/feed/v1/tables/{name}.csv") and entry["json"].endswith(f"{name}.json")
        columns = read(client, name, key).json()["columns"]
        assert [c["name"] for c in entry["columns"]] == columns
        assert all(c["description"].strip() for c in entry["columns"])
    assert listed["plan-follow-ups"]["scoped"] is True and listed["plan-actions"]["scoped"] is False


# --- a key reads its own LA's plan only -------------------------------------------------------------


def everything_read(client, key) -> str:
    return "".join(
        read(client, name, key, file_format).content.decode("utf-8-sig")
        for name in PLAN_TABLES
        for file_format in ("json", "csv")
    )


def test_a_key_reads_its_own_las_plan_and_never_another_las(
    client, whole_plan, their_whole_plan, key, second_key, their_key
):
    ours, also_ours, theirs = (everything_read(client, k) for k in (key, second_key, their_key))
    assert "Launch a graduated response toolkit" in ours and "Capacity for change" in ours
    assert "EHCP plans issued within 20 weeks" in ours and "June 2026 update" in ours
    assert "Southvale" not in ours
    # Another key of the same LA reads the same plan (only the read time differs).
    assert "Launch a graduated response toolkit" in also_ours and "Southvale" not in also_ours
    for line in ("Southvale's own action", "Southvale's own risk", "Southvale's own KPI", "Southvale's own update"):
        assert line in theirs
    for line in ("Launch a graduated response toolkit", "Capacity for change", "EHCP plans", "June 2026", "SENCo"):
        assert line not in theirs


def test_another_las_workshop_as_a_scope_is_not_found(client, whole_plan, key, outsider_allocation):
    response = read(client, "plan-follow-ups", key, scope=f"workshop:{outsider_allocation.workshop_id}")
    assert response.status_code == 404


@pytest.mark.parametrize("name", PLAN_TABLES)
def test_a_revoked_wrong_or_missing_key_reads_nothing(client, whole_plan, key, name):
    from analytics.models import FeedToken

    for wrong in (None, "crf_not-a-key"):
        response = read(client, name, wrong)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert "Launch" not in response.content.decode()
    token_revoke(token=FeedToken.objects.get())
    response = read(client, name, key, "csv")
    assert response.status_code == 401 and "revoked" in response.json()["error"]
    assert FeedRead.objects.filter(path=f"/feed/v1/tables/{name}.csv", status=401).exists()


def test_a_key_in_the_address_is_refused_for_a_plan_table_too(client, whole_plan, key):
    url = reverse("feed_table", kwargs={"name": "plan-actions", "file_format": "csv"})
    response = client.get(url, {"key": key})
    assert response.status_code == 400 and b"Launch" not in response.content


def test_every_read_of_a_plan_table_is_logged(client, whole_plan, key):
    read(client, "plan-risks", key, "csv")
    assert list(FeedRead.objects.values_list("path", "status")) == [("/feed/v1/tables/plan-risks.csv", 200)]


def test_a_whole_la_table_refuses_a_scope_with_a_sentence(client, whole_plan, key, workshop):
    response = read(client, "plan-actions", key, scope=f"workshop:{workshop.pk}")
    assert response.status_code == 400 and "cannot be narrowed" in response.json()["error"]


# --- CSV: a formula never runs ----------------------------------------------------------------------


def test_a_formula_typed_into_the_plan_is_neutralised_in_csv_and_kept_in_json(
    client, whole_plan, focus_area, key, lead
):
    add_action(focus_area, lead, FORMULA, owner="@SUM(A1:A9)")
    Risk.objects.create(
        plan=whole_plan, title="+cmd|' /C calc'!A0", rag="red", owner="-2+3", review_date=datetime.date(2027, 1, 1)
    )
    actions = csv_rows(read(client, "plan-actions", key, "csv"))
    formula_row = next(row for row in actions if FORMULA in row[5])
    assert formula_row[5] == "'" + FORMULA and formula_row[6] == "'@SUM(A1:A9)"
    risks = csv_rows(read(client, "plan-risks", key, "csv"))
    assert ["'+cmd|' /C calc'!A0", "'-2+3"] == [next(r for r in risks if "calc" in r[3])[i] for i in (3, 5)]
    assert any(row["action"] == FORMULA for row in read(client, "plan-actions", key).json()["rows"])
    for name in PLAN_TABLES:
        for row in csv_rows(read(client, name, key, "csv")):
            assert not any(cell[:1] in ("=", "+", "@") for cell in row)


# --- previous rating, and RAG by workstream per update -------------------------------------------


def test_previous_rating_is_the_rating_at_the_latest_update(client, plan, focus_area, action, lead, key):
    later = add_action(focus_area, lead, "Audit EHCP quality", rag="amber")
    freeze(plan, "March", datetime.date(2026, 3, 1), [(action, "amber"), (later, "red")])
    freeze(plan, "June", datetime.date(2026, 6, 1), [(action, "green"), (later, "")])
    services.action_save(
        focus_area=focus_area,
        action=action,
        by=lead,
        expected_version=action.version,
        data=ActionData(
            title=action.title,
            owner=action.owner,
            due=action.due,
            rag="red",
            status=ActionStatus.IN_PROGRESS,
            issue="The toolkit's pilot schools withdrew.",
            mitigation="Two more schools asked.",
        ),
    )
    newest = add_action(focus_area, lead, "Publish the local offer")  # after both updates, not rated
    rows = {row["action"]: row for row in read(client, "plan-actions", key).json()["rows"]}
    assert (rows[action.title]["rating"], rows[action.title]["previous_rating"]) == ("red", "green")
    assert (rows[later.title]["rating"], rows[later.title]["previous_rating"]) == ("amber", "not yet rated")
    assert (rows[newest.title]["rating"], rows[newest.title]["previous_rating"]) == ("not yet rated", "")
    # Completed: blue on a board paper, "complete" in the feed.
    Action.objects.filter(pk=later.pk).update(status=ActionStatus.DONE)
    rows = {row["action"]: row for row in read(client, "plan-actions", key).json()["rows"]}
    assert rows[later.title]["rating"] == "complete" and rows[later.title]["status"] == "Complete"
    counts = {
        row["update"]: [row[c] for c in ("red", "amber", "green", "complete", "not_yet_rated")]
        for row in read(client, "plan-updates", key).json()["rows"]
    }
    assert counts == {"March": [1, 1, 0, 0, 0], "June": [0, 0, 1, 0, 1]}


def test_an_update_frozen_before_ratings_were_kept_counts_from_its_own_summary(client, plan, key):
    MonitoringUpdate.objects.create(
        plan=plan,
        title="Before issue 36",
        as_of=datetime.date(2026, 1, 10),
        content={"workstreams": [{"name": "Culture", "rag": {"red": 1, "amber": 2, "green": 3}}]},
    )
    (row,) = read(client, "plan-updates", key).json()["rows"]
    assert [row[c] for c in ("workstream", "red", "amber", "green", "complete", "not_yet_rated")] == [
        "Culture",
        1,
        2,
        3,
        None,
        None,
    ]
    assert row["counted_from"] == "frozen summary"
    assert csv_rows(read(client, "plan-updates", key, "csv"))[1][6:12] == ["1", "2", "3", "", "", "frozen summary"]


# --- KPIs: one row per KPI and period --------------------------------------------------------------


def test_plan_kpis_has_one_row_per_kpi_and_period_named_by_its_frequency(client, whole_plan, key):
    trend = Kpi.objects.create(
        plan=whole_plan,
        name="EHC needs assessment requests",
        kind=KpiKind.HOW_MUCH,
        direction=Kpi.Direction.NEUTRAL,
        target=100,
    )
    KpiValue.objects.create(kpi=trend, period=datetime.date(2026, 5, 1), value=140)
    Kpi.objects.create(plan=whole_plan, name="Not measured yet", kind=KpiKind.HOW_MUCH)
    rows = read(client, "plan-kpis", key).json()["rows"]
    assert [(r["kpi"], r["period"], r["value"], r["rag"]) for r in rows] == [
        ("EHC needs assessment requests", "2026-05", 140, ""),
        ("EHCP plans issued within 20 weeks", "2025/26 Autumn term", 50, "red"),
        ("EHCP plans issued within 20 weeks", "2025/26 Spring term", 57.5, "amber"),
    ]
    termly = rows[1]
    assert (termly["frequency"], termly["period_start"], termly["baseline"], termly["target"]) == (
        "termly",
        "2025-09-01",
        48,
        60,
    )
    assert termly["direction"] == "up" and termly["focus_area_refs"] == "14" and rows[0]["direction"] == "neutral"


# --- follow-ups: counted once, never a pending blind answer ---------------------------------------


def not_ideal(term) -> ReviewAnswer:
    return ReviewAnswer(
        True,
        False,
        [term("non_ideal_area", "TIMING_OF_SUPPORT")],
        term("provision", "MAINSTREAM"),
        [term("theme", "WORKFORCE_CAPACITY")],
    )


def follow_up_figures(client, key, **query) -> dict[str, list]:
    return {row[0]: row[1:] for row in csv_rows(read(client, "plan-follow-ups", key, "csv", **query))[1:]}


def everything_about_follow_ups(client, key, scope: str) -> list:
    """plan-follow-ups for the whole LA and for the workshop, as CSV and JSON (without its read time)."""
    read_now = []
    for query in ({}, {"scope": scope}):
        read_now.append(read(client, "plan-follow-ups", key, "csv", **query).content)
        body = read(client, "plan-follow-ups", key, **query).json()
        body.pop("computed_at")
        read_now.append(body)
    return read_now


@pytest.fixture
def doubled(workshop, room, other_room, allocations):
    """The first case is reviewed blind by a second room too."""
    first = allocations[0]
    allocation_save(workshop=workshop, placements={}, second_rooms={first.pk: other_room}, calibration=set())
    return first, CaseAllocation.objects.get(kind=CaseAllocation.Kind.OTHER_ROOM)


def test_follow_ups_never_depend_on_a_blind_reviews_pending_answer(
    client, organisation, workshop, allocations, doubled, facilitator, other_facilitator, lead, term, key
):
    first, second = doubled
    review_save(allocation=allocations[1], answer=not_ideal(term), by=facilitator, expected_version=0)
    CaseFollowUp.objects.create(
        review=allocations[1].review, date=datetime.date(2026, 9, 1), outcome=FollowUpOutcome.MOVED, recorded_by=lead
    )
    # Room 1 answers the doubled case (not ideal) and a follow-up is recorded; Room 2 has not answered.
    review = review_save(allocation=first, answer=not_ideal(term), by=facilitator, expected_version=0)
    CaseFollowUp.objects.create(
        review=review, date=datetime.date(2026, 9, 1), outcome=FollowUpOutcome.NO_CHANGE, recorded_by=lead
    )
    scope = f"workshop:{workshop.pk}"
    before = everything_about_follow_ups(client, key, scope)
    figures = follow_up_figures(client, key)
    assert figures["Reviews whose outcome was not ideal"][0] == "1"
    assert figures["Latest follow-up found: No change"][0] == "0"
    assert figures["Reviews hidden until every room has answered them (in no figure above)"][0] == "1"
    # Room 1 changes its mind: nothing the feed gives changes (but its read time).
    review_save(
        allocation=first,
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=1,
    )
    assert everything_about_follow_ups(client, key, scope) == before
    # Room 1 goes back to not ideal and Room 2 answers: the case is in, once, with its follow-up.
    review_save(allocation=first, answer=not_ideal(term), by=facilitator, expected_version=2)
    review_save(allocation=second, answer=not_ideal(term), by=other_facilitator, expected_version=0)
    figures = follow_up_figures(client, key)
    assert figures["Reviews whose outcome was not ideal"][0] == "2"
    assert figures["Followed up"][:3] == ["2", "100%", "2"]
    assert figures["Latest follow-up found: No change"][0] == "1"
    assert figures["Reviews hidden until every room has answered them (in no figure above)"][0] == "0"


def test_follow_ups_are_narrowed_by_scope_flagged_when_few_and_identify_no_child(
    client, organisation, workshop, allocations, facilitator, lead, term, key
):
    for allocation in allocations[1:]:
        review_save(allocation=allocation, answer=not_ideal(term), by=facilitator, expected_version=0)
    CaseFollowUp.objects.create(
        review=allocations[1].review,
        date=datetime.date(2026, 9, 1),
        outcome=FollowUpOutcome.MOVED,
        note="Moved to the resource base",
        recorded_by=lead,
    )
    figures = follow_up_figures(client, key, scope=f"workshop:{workshop.pk}")
    assert figures["Followed up"] == ["1", "50%", "2", "Small numbers (fewer than 5 reviews: treat with caution)"]
    assert figures["Latest follow-up found: Moved to the suggested provision"][:3] == ["1", "100%", "1"]
    body = read(client, "plan-follow-ups", key, "csv").content.decode("utf-8-sig")
    for allocation in allocations:
        assert allocation.case.reference not in body
    assert "resource base" not in body and "2026-09" not in body
    other = workshop.__class__.objects.create(
        organisation=organisation, title="Primary", date=datetime.date(2026, 6, 1)
    )
    assert follow_up_figures(client, key, scope=f"workshop:{other.pk}")["Reviews whose outcome was not ideal"][0] == "0"
