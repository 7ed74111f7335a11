"""Dashboards read snapshots, say how fresh they are, and show every figure with its table."""

import csv
import io
import json
import re
from unittest import mock
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from analytics import snapshots, tasks
from analytics.models import ReportSnapshot
from casereview.cache import ReusingRedisCache
from tests.fixtures import make_case, save_ideal_and_not_ideal
from workshops.models import CaseAllocation
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def reviewed(organisation, allocations, facilitator, term):
    save_ideal_and_not_ideal(allocations, facilitator, term)
    review_save(allocation=allocations[2], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    for scope in ("all", f"workshop:{allocations[0].workshop_id}"):
        snapshots.compute_snapshot(organisation.pk, scope)
    return allocations


def test_the_overview_shows_the_figures_their_tables_and_charts(client_for, viewer, reviewed):
    page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert (
        "Of 2 reviews of 2 children the rooms agreed on, <strong>1 (50%)</strong> could have had a better outcome"
        in page
    )
    assert "1 without consensus is kept but left out of every share" in page
    assert "✓ Up to date" in page
    for table in ("outcome", "areas", "themes", "provision", "crosstab", "by-workshop", "disciplines"):
        assert f'id="table-{table}"' in page
    assert 'id="chart-outcome" type="application/json"' in page
    assert "/static/plotly/plotly.min.js" in page and "cdn" not in page.lower()
    assert "Small numbers" in page


def test_a_workshop_dashboard_has_its_own_scope(client_for, facilitator, reviewed, workshop):
    page = client_for(facilitator).get(reverse("workshop_dashboard", args=[workshop.pk])).content.decode()
    assert "Workshop: Secondary case reviews" in page
    assert 'id="table-by-workshop"' not in page  # one workshop: no breakdown by workshop


def test_a_filter_narrows_the_figures(client_for, lead, reviewed, organisation):
    snapshots.compute_snapshot(organisation.pk, "phase:PRIMARY")
    page = client_for(lead).get(reverse("dashboard"), {"scope": "phase:PRIMARY"}).content.decode()
    assert "Phase: Primary" in page and "No reviews match these filters." in page


def test_a_stale_snapshot_is_shown_with_a_notice_while_a_refresh_is_queued(
    settings, client_for, viewer, reviewed, allocations, facilitator
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    review = allocations[2].review
    review_save(
        allocation=allocations[2],
        answer=ReviewAnswer(False, notes="changed"),
        by=facilitator,
        expected_version=review.version,
    )
    with mock.patch.object(tasks.refresh_snapshot, "apply_async") as queue:
        page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert queue.call_count == 1
    assert "⟳ Updating" in page and 'hx-trigger="every 3s"' in page
    assert "Of 2 reviews of 2 children the rooms agreed on" in page  # the last figures stay on the page meanwhile


def test_with_the_broker_down_the_page_says_figures_may_be_out_of_date(
    settings, client_for, viewer, reviewed, allocations, facilitator
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    review_save(
        allocation=allocations[2], answer=ReviewAnswer(False, notes="changed"), by=facilitator, expected_version=1
    )
    with mock.patch.object(tasks.refresh_snapshot, "apply_async", side_effect=ConnectionError("down")):
        page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert "⚠ Figures may be out of date" in page


def test_the_status_poll_reloads_the_page_when_new_figures_are_ready_and_keeps_asking_when_fresh(
    settings, client_for, viewer, reviewed, organisation
):
    snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
    client = client_for(viewer)
    fresh = client.get(reverse("dashboard_status"), {"scope": "all", "shown": snapshot.computed_at.isoformat()})
    assert fresh.status_code == 200 and 'hx-trigger="every 10s"' in fresh.content.decode()
    newer = client.get(reverse("dashboard_status"), {"scope": "all", "shown": "2020-01-01T00:00:00+00:00"})
    assert newer["HX-Refresh"] == "true"


def test_an_open_dashboard_learns_of_a_review_saved_elsewhere_and_reloads(
    client_for,
    viewer,
    facilitator,
    reviewed,
    organisation,
    allocations,
    term,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    """Issue 33: a dashboard open in one tab, a review saved in another. The page asks every 10 s;
    while nothing changed it is one cache read and no query (204); after the save it reloads."""
    from analytics.snapshots import figures_version
    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    with django_capture_on_commit_callbacks(execute=True):  # as a worker stores it: committed
        snapshots.compute_snapshot(organisation.pk, "all")
    client = client_for(viewer)
    page = client.get(reverse("dashboard")).content.decode()
    asked = dict(re.findall(r"(shown|v)=([^&\"]*)", re.search(r'hx-get="([^"]+)"', page)[1].replace("&amp;", "&")))
    asked = {key: unquote(value) for key, value in asked.items()}
    assert asked["v"] == figures_version(organisation.pk)
    with django_assert_max_num_queries(3):  # the session, the user and the membership; no figures read
        unchanged = client.get(reverse("dashboard_status"), {"scope": "all", **asked})
    assert unchanged.status_code == 204
    answer = ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")])
    edited = allocations[2].review  # reviewed already: this is an edit, saved in another tab
    with django_capture_on_commit_callbacks(execute=True):
        review_save(allocation=allocations[2], answer=answer, by=facilitator, expected_version=edited.version)
    with django_capture_on_commit_callbacks(execute=True):  # what the worker does with the refresh asked for
        snapshots.compute_snapshot(organisation.pk, "all")
    changed = client.get(reverse("dashboard_status"), {"scope": "all", **asked})
    assert changed["HX-Refresh"] == "true"  # in-process, the new figures are computed at once


def test_with_the_cache_unable_to_say_the_dashboard_checks_the_database(client_for, viewer, reviewed, organisation):
    from unittest import mock

    snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
    client = client_for(viewer)
    with mock.patch("analytics.views.figures_version", return_value=None):
        response = client.get(
            reverse("dashboard_status"), {"scope": "all", "shown": snapshot.computed_at.isoformat(), "v": ""}
        )
    assert response.status_code == 200 and "✓ Up to date" in response.content.decode()


def test_downloads_hold_the_same_rows_as_the_page(client_for, viewer, reviewed):
    client = client_for(viewer)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("dashboard_download", args=["outcome", "csv"]), {"scope": "all"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0] == ["Outcome", "Reviews", "Share of analysed", "95% confidence interval", "Note"]
    assert rows[1][:3] == ["Ideal outcome", "1", "50%"] and rows[4][:2] == [
        "Excluded: no consensus (not in any share)",
        "1",
    ]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("dashboard_download", args=["themes", "xlsx"]), {"scope": "all"}).content)
    )
    sheet = workbook.active
    # In Excel, shares are numbers shown as percentages, and an interval is two numeric columns.
    assert [c.value for c in sheet[2]][:4] == ["Workforce capacity", "WORKFORCE_CAPACITY", 2, 1]
    assert sheet.cell(2, 4).number_format == "0%"
    header = [c.value for c in sheet[1]]
    interval = header.index("95% confidence interval: from")
    assert header[interval + 1] == "95% confidence interval: to"
    low, high = sheet.cell(2, interval + 1).value, sheet.cell(2, interval + 2).value
    assert 0 < low < high == 1 and sheet.cell(2, interval + 1).number_format == "0%"
    assert client.get(reverse("dashboard_download", args=["nonsense", "csv"]), {"scope": "all"}).status_code == 404
    assert client.get(reverse("dashboard_download", args=["outcome", "pdf"]), {"scope": "all"}).status_code == 404


def test_the_report_command_prints_the_agreed_json(reviewed, capsys):
    call_command("report", "--org", "northshire", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert (report["reviewed"], report["excluded"], report["analysed"]) == (3, 1, 2)
    assert {k: report["outcome"][k] for k in ("ideal", "non_ideal", "non_ideal_share")} == {
        "ideal": 1,
        "non_ideal": 1,
        "non_ideal_share": 0.5,
    }
    assert len(report["outcome"]["ci95"]) == 2
    area = next(a for a in report["non_ideal_areas"] if a["code"] == "TIMING_OF_SUPPORT")
    assert {k: area[k] for k in ("code", "label", "count", "share")} == {
        "code": "TIMING_OF_SUPPORT",
        "label": "Timing of support",
        "count": 1,
        "share": 1.0,
    }
    assert {"code", "label", "count", "share"} <= set(report["themes"][0])
    mss = next(p for p in report["provision"] if p["code"] == "MSS")
    assert {k: mss[k] for k in ("reviewed", "ideal", "ideal_share")} == {"reviewed": 2, "ideal": 1, "ideal_share": 0.5}
    assert [{k: r[k] for k in ("current", "better", "count")} for r in report["provision_crosstab"]] == [
        {"current": "MSS", "better": "MAINSTREAM", "count": 1}
    ]


def test_the_report_command_explains_bad_arguments(organisation):
    with pytest.raises(CommandError, match="no organisation with the slug 'nowhere'"):
        call_command("report", "--org", "nowhere")
    with pytest.raises(CommandError, match="has no workshop called 'Missing'"):
        call_command("report", "--org", "northshire", "--workshop", "Missing")


# Access: every dashboard and download, for the LA's roles, an outsider and anonymous visitors.


def urls(workshop):
    return [
        reverse("dashboard"),
        reverse("dashboard") + f"?scope=workshop:{workshop.pk}",
        reverse("dashboard") + "?scope=provision:MSS",
        reverse("workshop_dashboard", args=[workshop.pk]),
        reverse("dashboard_status") + "?scope=all",
        reverse("dashboard_download", args=["outcome", "csv"]) + "?scope=all",
        reverse("dashboard_download", args=["themes", "xlsx"]) + f"?scope=workshop:{workshop.pk}",
    ]


def test_every_member_of_the_la_may_read_every_dashboard_and_download(
    client_for, lead, viewer, facilitator, reviewed, workshop
):
    for person in (lead, viewer, facilitator):
        client = client_for(person)
        for url in urls(workshop):
            assert client.get(url).status_code in (200, 286), url


def test_an_outsider_gets_404_for_our_workshop_and_only_their_own_figures_elsewhere(
    client_for, outsider, reviewed, workshop
):
    client = client_for(outsider)
    for url in urls(workshop):
        if "workshop" in url:
            assert client.get(url).status_code == 404, url
    snapshots.compute_snapshot(outsider.membership.organisation_id, "all")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Southvale" in page and "Secondary case reviews" not in page and "Of 2 cases" not in page
    theirs = client.get(reverse("dashboard_download", args=["outcome", "csv"]), {"scope": "all"}).content.decode(
        "utf-8-sig"
    )
    assert "Ideal outcome,0," in theirs


def test_unknown_scopes_are_404(client_for, viewer, reviewed):
    client = client_for(viewer)
    for scope in ("nonsense", "workshop:abc", "phase:NOT_A_PHASE", "room:1"):
        assert client.get(reverse("dashboard"), {"scope": scope}).status_code == 404, scope


def test_anonymous_visitors_are_sent_to_sign_in(client, reviewed, workshop):
    for url in urls(workshop):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_charts_are_drawn_with_the_snapshot_and_the_page_is_rendered_once_per_snapshot(
    client_for, viewer, reviewed, organisation, term, facilitator
):
    snapshot = ReportSnapshot.objects.get(organisation=organisation, scope="all")
    assert {"outcome", "areas", "themes", "provision", "crosstab", "breakdowns", "polls"} <= set(snapshot.charts)
    assert snapshot.charts["outcome"]["data"][0]["x"] == [1, 1, 1]

    viewer_client = client_for(viewer)
    first = viewer_client.get(reverse("dashboard")).content.decode()
    with mock.patch("analytics.views.render_to_string", side_effect=AssertionError("rendered again")):
        again = viewer_client.get(reverse("dashboard")).content.decode()
    assert (
        "Of 2 reviews of 2 children the rooms agreed on" in first
        and "Of 2 reviews of 2 children the rooms agreed on" in again
    )

    # New figures, new page: the cached one belongs to the snapshot it was rendered from.
    more = CaseAllocation.objects.create(
        workshop=reviewed[0].workshop, room=reviewed[0].room, position=9, case=make_case(organisation, term, "C-009")
    )
    review_save(
        allocation=more,
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    snapshots.compute_snapshot(organisation.pk, "all")
    assert "Of 3 reviews of 3 children the rooms agreed on" in viewer_client.get(reverse("dashboard")).content.decode()


def test_a_snapshot_stored_before_charts_were_kept_is_still_drawn(client_for, viewer, reviewed, organisation):
    ReportSnapshot.objects.filter(organisation=organisation).update(charts={})
    page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert 'id="chart-outcome" type="application/json"' in page


def test_with_the_cache_down_the_page_is_rendered_without_it(client_for, viewer, reviewed):
    # The production cache backend, pointed at a Redis that is not there: it answers as if empty.
    unreachable = ReusingRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    with mock.patch("analytics.views.cache", unreachable):
        page = client_for(viewer).get(reverse("dashboard")).content.decode()
    assert "Of 2 reviews of 2 children the rooms agreed on" in page
