"""KPIs as LAs report them (issue 36): periods named by the KPI's frequency wherever a period is typed
or shown (the value form, the import, the KPI page, the monitoring update), a direction where
neither way is better (a trend, never a RAG), a baseline, the focus areas a KPI measures, and the
last three values in a frozen update."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from casereview.uploads import ImportRejected
from improvement import selectors, services
from improvement.charts import kpi_chart
from improvement.models import FocusArea, Kpi, KpiKind, KpiValue, MonitoringUpdate, Workstream
from improvement.selectors import kpi_summary

D = datetime.date


def _kpi(plan, name="Attendance of pupils with an EHCP", **fields):
    fields = {"kind": KpiKind.DIFFERENCE, "unit": "%", "frequency": Kpi.Frequency.TERMLY, **fields}
    return Kpi.objects.create(plan=plan, name=name, **fields)


def _requests(plan, lead, values=(38, 50)):
    """Seed 003's "No. of EHCP requests": neither more nor fewer is better, reported by term."""
    kpi = _kpi(
        plan,
        "Number of requests for an EHC needs assessment",
        kind=KpiKind.HOW_MUCH,
        unit="requests",
        direction=Kpi.Direction.NEUTRAL,
        baseline=Decimal(41),
    )
    for start, value in zip([D(2025, 9, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 9, 1)], values):
        services.kpi_value_set(kpi=kpi, period=start, value=Decimal(value), by=lead)
    return kpi


# --- periods named by frequency ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "typed", "start", "label"),
    [
        ("monthly", "2026-05", D(2026, 5, 1), "2026-05"),
        ("monthly", "May 2026", D(2026, 5, 1), "2026-05"),
        ("quarterly", "2026/27 Q1", D(2026, 4, 1), "2026/27 Q1"),
        ("termly", "2025/26 Spring term", D(2026, 1, 1), "2025/26 Spring term"),
        ("termly", "2025/26 autumn", D(2025, 9, 1), "2025/26 Autumn term"),
        ("termly", "20/05/2026", D(2026, 4, 1), "2025/26 Summer term"),  # a date goes to its term
        ("annual", "2025/26", D(2025, 9, 1), "2025/26"),
        ("annual", "2026-03-31", D(2025, 9, 1), "2025/26"),
        ("ad_hoc", "2026-05-20", D(2026, 5, 20), "2026-05-20"),
    ],
)
def test_a_value_typed_as_its_kpi_names_its_periods_lands_on_the_period_and_is_shown_by_its_name(
    plan, lead, client_for, frequency, typed, start, label
):
    kpi = _kpi(plan, frequency=frequency)
    client = client_for(lead)
    response = client.post(reverse("kpi_detail", args=[kpi.pk]), {"period": typed, "value": "88"})
    assert response.status_code == 302, response.content.decode()
    assert list(kpi.values.values_list("period", "value")) == [(start, Decimal("88.00"))]
    page = client.get(reverse("kpi_detail", args=[kpi.pk])).content.decode()
    assert f'<th scope="row">{label}</th>' in page  # the table names the period, not its first day
    assert kpi_summary(kpi)["values"][0]["label"] == label


def test_the_value_form_gives_an_example_in_the_kpis_frequency(plan, lead, client_for):
    termly = _kpi(plan)
    monthly = _kpi(plan, "Decisions to assess within 6 weeks", frequency=Kpi.Frequency.MONTHLY)
    client = client_for(lead)
    assert "e.g. 2025/26 Autumn term" in client.get(reverse("kpi_detail", args=[termly.pk])).content.decode()
    assert "e.g. 2026-05" in client.get(reverse("kpi_detail", args=[monthly.pk])).content.decode()


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        (
            "2026/27 Q1",
            "Period “2026/27 Q1” is a quarter, but this KPI is reported by term: "
            "write the term, e.g. 2025/26 Autumn term, or a date in it (2026-05-20).",
        ),
        (
            "2025/26",
            "Period “2025/26” is an academic year, but this KPI is reported by term: "
            "write the term, e.g. 2025/26 Autumn term, or a date in it (2026-05-20).",
        ),
        (
            "next term",
            "Period “next term” is not a term: write the term, e.g. 2025/26 Autumn term, or a date in it (2026-05-20).",
        ),
        ("2025/27 Spring term", "a year such as 2025/26 runs into the next year."),
    ],
)
def test_a_wrong_period_is_refused_with_a_sentence_and_nothing_is_stored(plan, lead, client_for, typed, sentence):
    kpi = _kpi(plan)
    response = client_for(lead).post(reverse("kpi_detail", args=[kpi.pk]), {"period": typed, "value": "88"})
    assert response.status_code == 200
    assert sentence in response.content.decode()
    assert not KpiValue.objects.exists()


def test_the_import_reads_each_rows_period_as_its_kpi_names_them(plan, lead):
    termly = _kpi(plan)
    annual = _kpi(plan, "Parent carers confident their child's needs are met", frequency=Kpi.Frequency.ANNUAL)
    monthly = _kpi(plan, "Decisions to assess within 6 weeks", frequency=Kpi.Frequency.MONTHLY)
    text = (
        "kpi,period,value\n"
        f"{termly.name},2025/26 Autumn term,88.9\n"
        f"{termly.name},2025/26 Spring term,87.1\n"
        f"{annual.name},2024/25,44\n"
        f"{monthly.name},2026-05,81\n"
    )
    assert services.kpi_import(plan=plan, filename="kpis.csv", data=text.encode(), by=lead) == 4
    assert list(termly.values.values_list("period", flat=True)) == [D(2025, 9, 1), D(2026, 1, 1)]
    assert list(annual.values.values_list("period", flat=True)) == [D(2024, 9, 1)]
    assert list(monthly.values.values_list("period", flat=True)) == [D(2026, 5, 1)]


def test_an_import_with_a_period_of_another_frequency_imports_nothing(plan, lead):
    termly = _kpi(plan)
    monthly = _kpi(plan, "Decisions to assess within 6 weeks", frequency=Kpi.Frequency.MONTHLY)
    text = (
        "kpi,period,value\n"
        f"{termly.name},2025/26 Autumn term,88.9\n"  # line 2: good
        f"{monthly.name},2025/26 Autumn term,81\n"  # line 3: a term for a monthly KPI
        f"{termly.name},2026/27 Q2,87\n"  # line 4: a quarter for a termly KPI
        f"{termly.name},2025/26 autumn,88\n"  # line 5: the same term as line 2
    )
    with pytest.raises(ImportRejected) as rejected:
        services.kpi_import(plan=plan, filename="kpis.csv", data=text.encode(), by=lead)
    problems = {p.line: p.message for p in rejected.value.problems}
    assert sorted(problems) == [3, 4, 5]
    assert problems[3].startswith("Period “2025/26 Autumn term” is a term, but this KPI is reported by month")
    assert problems[4].startswith("Period “2026/27 Q2” is a quarter, but this KPI is reported by term")
    assert "line 2" in problems[5]
    assert not KpiValue.objects.exists()


def test_a_day_that_starts_no_period_of_the_kpi_is_refused_by_the_service(plan, lead):
    kpi = _kpi(plan)
    with pytest.raises(ValidationError) as refused:
        services.kpi_value_set(kpi=kpi, period=D(2026, 2, 1), value=Decimal(1), by=lead)
    assert "2025/26 Spring term starts on 2026-01-01" in refused.value.messages[0]
    assert not KpiValue.objects.exists()


# --- neither way is better: a trend, never a RAG ----------------------------------------------------


def test_a_neutral_kpi_has_no_rag_even_with_a_target_and_is_shown_as_a_trend(plan, lead, viewer, client_for):
    kpi = _requests(plan, lead)
    # The form refuses a target for it; one stored all the same (an import, an old KPI) gives no RAG.
    Kpi.objects.filter(pk=kpi.pk).update(target=Decimal(40))
    kpi.refresh_from_db()
    assert selectors.kpi_rag(kpi, Decimal(50)) is None
    assert selectors.kpi_rag(Kpi(direction=Kpi.Direction.UP, target=Decimal(40)), Decimal(50)) == "green"
    summary = kpi_summary(kpi)
    assert summary["rag"] is None
    assert summary["trend"]["text"] == "↑ up 12 from 2025/26 Autumn term"
    for url in (reverse("kpi_detail", args=[kpi.pk]), reverse("kpi_list", args=[plan.pk])):
        page = client_for(viewer).get(url).content.decode()
        assert "No RAG: a trend only" in page
        assert "up 12 from 2025/26 Autumn term" in page  # in words, not colour alone
        assert "text-bg-success" not in page and "text-bg-danger" not in page and "text-bg-warning" not in page


def test_a_kpi_with_a_direction_says_whether_its_trend_is_better_or_worse(plan, lead):
    kpi = _kpi(plan, direction=Kpi.Direction.DOWN, target=Decimal(7))
    services.kpi_value_set(kpi=kpi, period=D(2025, 9, 1), value=Decimal("9.1"), by=lead)
    services.kpi_value_set(kpi=kpi, period=D(2026, 1, 1), value=Decimal("8.2"), by=lead)
    summary = kpi_summary(kpi)
    assert summary["trend"]["text"] == "↓ down 0.9 from 2025/26 Autumn term (better)"
    assert summary["rag"] == "red"


def test_the_baseline_is_on_the_kpi_page_its_chart_and_its_table(plan, lead, viewer, client_for):
    kpi = _requests(plan, lead)
    page = client_for(viewer).get(reverse("kpi_detail", args=[kpi.pk])).content.decode()
    assert '<dd class="col-sm-9" data-testid="kpi-baseline">41 requests</dd>' in page
    assert "with the baseline as a dotted line" in page
    figure = kpi_chart(kpi_summary(kpi))
    baseline = next(trace for trace in figure["data"] if trace["name"].startswith("Baseline"))
    assert baseline["name"] == "Baseline: 41 requests" and baseline["y"] == [41, 41]
    assert baseline["line"]["dash"] == "dot"  # a line style of its own, named in the legend
    assert json.dumps(figure["data"][0]["x"], ensure_ascii=False) == '["2025/26 Autumn term", "2025/26 Spring term"]'
    listing = client_for(viewer).get(reverse("kpi_list", args=[plan.pk])).content.decode()
    assert "<td>41 requests</td>" in listing and "Termly" in listing
    assert "50 requests (2025/26 Spring term)" in listing  # the latest value with its period's name


# --- the monitoring update: the last three values ----------------------------------------------------


def test_a_frozen_update_shows_the_last_three_values_baseline_target_and_trend(plan, lead, viewer, client_for):
    kpi = _requests(plan, lead, values=(30, 38, 50, 47))
    rated = _kpi(plan, direction=Kpi.Direction.UP, target=Decimal(90), baseline=Decimal("87.1"))
    services.kpi_value_set(kpi=rated, period=D(2026, 9, 1), value=Decimal("88.9"), by=lead)
    update = services.update_freeze(plan=plan, title="Board update", as_of=D(2026, 12, 1), highlights="", by=lead)
    frozen = {k["name"]: k for k in update.content["kpis"]}[kpi.name]
    assert [(v["label"], v["value"]) for v in frozen["recent"]] == [
        ("2025/26 Spring term", 38),
        ("2025/26 Summer term", 50),
        ("2026/27 Autumn term", 47),
    ]
    assert frozen["baseline"] == 41 and frozen["rag"] is None
    assert frozen["trend"]["text"] == "↓ down 3 from 2025/26 Summer term"

    services.kpi_value_set(kpi=kpi, period=D(2027, 1, 1), value=Decimal(99), by=lead)  # later: changes nothing
    page = client_for(viewer).get(reverse("update_detail", args=[update.pk])).content.decode()
    kpis = page[page.index('data-testid="update-kpis"') :]
    for shown in (
        "2025/26 Spring term: 38",
        "2025/26 Summer term: 50",
        "2026/27 Autumn term: 47",
        "No RAG: a trend only",
    ):
        assert shown in kpis
    assert "2025/26 Autumn term: 30" not in kpis and ": 99" not in kpis  # only the last three, as frozen
    assert "<td>87.1</td><td>90</td>" in kpis and "Amber" in kpis  # baseline, target, the rated KPI's RAG

    document = Document(io.BytesIO(client_for(viewer).get(reverse("update_docx", args=[update.pk])).content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    header = next(row for row in rows if row[0] == "KPI")
    assert header == ["KPI", "Kind", "Baseline", "Target", "Last three values", "RAG or trend"]
    row = next(row for row in rows if row[0].startswith(kpi.name))
    assert row[2] == "41" and row[3] == "—"
    assert row[4] == "2025/26 Spring term: 38\n2025/26 Summer term: 50\n2026/27 Autumn term: 47"
    assert row[5] == "No RAG: a trend only\n↓ down 3 from 2025/26 Summer term"


def test_an_update_frozen_before_the_last_three_values_still_renders(plan, kpi, lead, viewer, client_for):
    update = services.update_freeze(plan=plan, title="Old update", as_of=D(2026, 12, 1), highlights="", by=lead)
    old_kpi = {
        "name": kpi.name,
        "kind": kpi.kind,
        "kind_label": "How well we did it",
        "unit": "%",
        "direction": "up",
        "target": 90,
        "frequency": "Monthly",
        "source": "Entered or imported",
        "latest": {"period": "2026-11-01", "value": 87},
        "rag": "amber",
        "values": [{"period": "2026-11-01", "value": 87}],
    }
    MonitoringUpdate.objects.filter(pk=update.pk).update(content={**update.content, "kpis": [old_kpi]})
    page = client_for(viewer).get(reverse("update_detail", args=[update.pk])).content.decode()
    assert "87 (2026-11-01)" in page and "Amber" in page
    response = client_for(viewer).get(reverse("update_docx", args=[update.pk]))
    assert response.status_code == 200
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    assert "87 (2026-11-01)" in cells and "Amber" in cells


# --- focus areas ----------------------------------------------------------------------------------------


def test_the_plan_page_lists_under_each_focus_area_the_kpis_that_measure_it(plan, focus_area, lead, viewer, client_for):
    other = FocusArea.objects.create(workstream=focus_area.workstream, ref="15", statement="No long waits.")
    kpi = _requests(plan, lead)
    kpi.focus_areas.set([focus_area])
    page = client_for(viewer).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    measured = page[page.index("Focus area 14:") : page.index("Focus area 15:")]
    assert "Measured by:" in measured and kpi.name in measured and "(termly)" in measured
    assert kpi.name not in page[page.index("Focus area 15:") :].split("Themes with no action")[0]
    assert other.kpis.count() == 0


# --- who may do what ------------------------------------------------------------------------------------


def _form(focus_area, **changes):
    return {
        "name": "Number of requests for an EHC needs assessment",
        "kind": KpiKind.HOW_MUCH,
        "unit": "requests",
        "frequency": Kpi.Frequency.TERMLY,
        "direction": Kpi.Direction.NEUTRAL,
        "baseline": "41",
        "target": "",
        "focus_areas": [focus_area.pk],
        "source": Kpi.Source.MANUAL,
        **changes,
    }


def test_the_lead_adds_a_kpi_with_its_frequency_baseline_and_focus_areas(plan, focus_area, lead, client_for):
    client = client_for(lead)
    form_page = client.get(reverse("kpi_create", args=[plan.pk])).content.decode()
    assert "14. The graduated response is evidenced in every school." in form_page  # "ref. statement"
    assert "Neither (a trend only)" in form_page and "Termly" in form_page and "Ad hoc" in form_page
    response = client.post(reverse("kpi_create", args=[plan.pk]), _form(focus_area))
    assert response.status_code == 302
    kpi = Kpi.objects.get(plan=plan)
    assert (kpi.frequency, kpi.direction, kpi.baseline, kpi.target) == ("termly", "neutral", Decimal(41), None)
    assert list(kpi.focus_areas.all()) == [focus_area]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target": "40"}, "target", "A KPI where neither higher nor lower is better has no target"),
        (
            {"source": Kpi.Source.REVIEWS_PER_MONTH, "frequency": Kpi.Frequency.TERMLY},
            "frequency",
            "case reviews held per month comes by month: choose Monthly.",
        ),
        ({"baseline": "about forty"}, "baseline", "Enter a number."),
    ],
)
def test_a_kpi_that_cannot_be_is_explained_and_nothing_is_saved(
    plan, focus_area, lead, client_for, changes, field, message
):
    response = client_for(lead).post(reverse("kpi_create", args=[plan.pk]), _form(focus_area, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Kpi.objects.exists()


def test_a_focus_area_of_another_plan_is_refused(plan, focus_area, lead, client_for, their_plan):
    theirs = FocusArea.objects.get(workstream__plan=their_plan)
    mine_elsewhere = FocusArea.objects.create(
        workstream=Workstream.objects.create(
            plan=plan.__class__.objects.create(organisation=plan.organisation, title="WSOA"), name="Culture"
        ),
        ref="1",
        statement="Another plan's focus area",
    )
    for area in (theirs, mine_elsewhere):
        response = client_for(lead).post(
            reverse("kpi_create", args=[plan.pk]), _form(focus_area, focus_areas=[area.pk])
        )
        assert response.status_code == 200 and "focus_areas" in response.context["form"].errors
    assert not Kpi.objects.exists()


def test_the_frequency_cannot_change_under_values_it_would_misname(plan, focus_area, lead, client_for):
    kpi = _kpi(plan, frequency=Kpi.Frequency.MONTHLY)
    services.kpi_value_set(kpi=kpi, period=D(2026, 2, 1), value=Decimal(80), by=lead)
    data = _form(focus_area, name=kpi.name, direction=Kpi.Direction.UP, frequency=Kpi.Frequency.TERMLY)
    response = client_for(lead).post(reverse("kpi_edit", args=[plan.pk, kpi.pk]), data)
    assert response.status_code == 200
    assert "2026-02 does not start a period of the new frequency" in " ".join(
        response.context["form"].errors["frequency"]
    )
    kpi.refresh_from_db()
    assert kpi.frequency == "monthly" and kpi.baseline is None


def test_a_viewer_reads_but_does_not_edit_and_an_outsider_sees_nothing(
    plan, focus_area, lead, viewer, facilitator, outsider, client_for
):
    kpi = _requests(plan, lead)
    for reader in (viewer, facilitator):
        client = client_for(reader)
        assert client.get(reverse("kpi_detail", args=[kpi.pk])).status_code == 200
        assert client.get(reverse("kpi_list", args=[plan.pk])).status_code == 200
        assert client.get(reverse("kpi_edit", args=[plan.pk, kpi.pk])).status_code == 403
        assert client.post(reverse("kpi_edit", args=[plan.pk, kpi.pk]), _form(focus_area)).status_code == 403
        assert (
            client.post(
                reverse("kpi_detail", args=[kpi.pk]), {"period": "2026/27 Spring term", "value": "1"}
            ).status_code
            == 404
        )
        assert "Enter a value" not in client.get(reverse("kpi_detail", args=[kpi.pk])).content.decode()
    stranger = client_for(outsider)
    for url in (
        reverse("kpi_detail", args=[kpi.pk]),
        reverse("kpi_list", args=[plan.pk]),
        reverse("kpi_edit", args=[plan.pk, kpi.pk]),
        reverse("kpi_import", args=[plan.pk]),
    ):
        assert stranger.get(url).status_code == 404, url
    assert (
        stranger.post(reverse("kpi_detail", args=[kpi.pk]), {"period": "2026/27 Spring term", "value": "1"}).status_code
        == 404
    )
    kpi.refresh_from_db()
    assert kpi.values.count() == 2 and list(kpi.focus_areas.all()) == []
