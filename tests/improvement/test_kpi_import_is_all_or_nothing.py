"""KPI values import from CSV or XLSX all or nothing, with every bad row listed by line number."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from casereview.uploads import ImportRejected
from improvement import services
from improvement.models import Kpi, KpiKind, KpiValue


def _import(plan, text, lead, name="kpis.csv"):
    return services.kpi_import(plan=plan, filename=name, data=text.encode(), by=lead)


def test_a_good_file_stores_every_value(plan, kpi, lead):
    count = _import(
        plan,
        (
            "kpi,period,value\n"
            "Decisions to assess within 6 weeks,2027-01,71\n"
            "decisions to assess within 6 weeks,02/2027,74.5%\n"
        ),
        lead,
    )
    assert count == 2
    assert list(KpiValue.objects.filter(kpi=kpi).values_list("period", "value")) == [
        (datetime.date(2027, 1, 1), Decimal("71.00")),
        (datetime.date(2027, 2, 1), Decimal("74.50")),
    ]


def test_a_file_with_any_bad_row_imports_nothing_and_lists_every_bad_row(plan, kpi, lead):
    computed = Kpi.objects.create(
        plan=plan, name="Case reviews held", kind=KpiKind.HOW_MUCH, source=Kpi.Source.REVIEWS_PER_MONTH
    )
    text = (
        "kpi,period,value\n"
        "Decisions to assess within 6 weeks,2027-01,71\n"  # line 2: good
        "Decisions to asess within 6 weeks,2027-02,74\n"  # line 3: unknown KPI
        "Decisions to assess within 6 weeks,Febuary,74\n"  # line 4: bad period
        "Decisions to assess within 6 weeks,2027-03,about 80\n"  # line 5: not a number
        f"{computed.name},2027-03,9\n"  # line 6: computed
        "Decisions to assess within 6 weeks,2027-01,72\n"
    )  # line 7: same period as line 2
    with pytest.raises(ImportRejected) as rejected:
        _import(plan, text, lead)
    problems = {p.line: p.message for p in rejected.value.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "is not a KPI of this plan" in problems[3] and "Decisions to assess within 6 weeks" in problems[3]
    assert "2026-05" in problems[4]
    assert "not a number" in problems[5]
    assert "computed by casereview" in problems[6]
    assert "line 2" in problems[7]
    assert not KpiValue.objects.exists()


def test_an_xlsx_file_imports_too(plan, kpi, lead):
    workbook = Workbook()
    workbook.active.append(["KPI", "Period", "Value"])
    workbook.active.append(["Decisions to assess within 6 weeks", datetime.date(2027, 1, 1), 71])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert services.kpi_import(plan=plan, filename="kpis.xlsx", data=buffer.getvalue(), by=lead) == 1


def test_the_page_lists_the_problems_and_changes_nothing(plan, kpi, lead, client_for):
    upload = io.BytesIO(b"name,month,amount\nx,2027-01,1\n")  # no kpi, period or value column
    upload.name = "kpis.csv"
    page = client_for(lead).post(f"/plans/{plan.pk}/kpis/import/", {"file": upload}).content.decode()
    assert "Nothing was imported" in page and "Missing columns" in page
    assert not KpiValue.objects.exists()


def test_a_value_entered_on_the_page_is_stored_and_a_bad_one_is_explained(kpi, lead, viewer, client_for):
    client = client_for(lead)
    assert client.post(f"/plans/kpis/{kpi.pk}/", {"period": "2027-01", "value": "88"}).status_code == 302
    page = client.post(f"/plans/kpis/{kpi.pk}/", {"period": "last month", "value": "88"}).content.decode()
    # The sentence names the KPI's own periods (issue 36: periods named by frequency).
    assert "Period “last month” is not a month: write the month, e.g. 2026-05, or a date in it" in page
    assert list(KpiValue.objects.values_list("value", flat=True)) == [Decimal("88.00")]
    assert client_for(viewer).post(f"/plans/kpis/{kpi.pk}/", {"period": "2027-02", "value": "1"}).status_code == 404
