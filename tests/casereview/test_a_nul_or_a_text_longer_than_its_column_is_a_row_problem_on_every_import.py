"""Every import (cases, reviews, settings datasets, DfE files, KPI values) lists a cell holding a
NUL character or a text longer than its column as a problem of its row, with the row's line number,
beside the row's other problems, and imports nothing: PostgreSQL once answered both with a server
error (hardening round 3). Run on PostgreSQL too: DATABASE_URL=postgres://..."""

import pytest

from analytics.models import SettingRow, SettingsDataset
from analytics.variation.imports import settings_import
from casereview.uploads import ImportRejected
from improvement import services
from improvement.models import Kpi, KpiKind, KpiValue, Plan
from tests.fixtures import make_case
from workshops.imports import case_import, review_import
from workshops.models import Case, CaseReview

NUL = "\x00"
DFE_HEADER = "time_period,geographic_level,la_name,school_urn,school_name,phase_type_grouping,sen_provision,pupil_count"


def _case_file(room: str) -> str:
    return (
        "reference,phase,year_group,primary_need,support_level,current_provision,room\n"
        "C-001,Secondary,9,ASD,EHCP,MSS,Room 1\n"
        f"C-002,Secondary,9,ASD,EHCP,MSS,{room}\n"
    )


def _review_file(notes: str) -> str:
    return (
        "reference,workshop,room,consensus,ideal_outcome,non_ideal_areas,better_provision,themes,notes\n"
        "C-001,Secondary case reviews,Room A,no,,,,,Fine\n"
        f"C-002,Secondary case reviews,Room B,no,,,,,{notes}\n"
    )


def _settings_file(name: str) -> str:
    return f"urn,name,phase,pupils\n100001,Northfield Academy,Secondary,1180\n100002,{name},Secondary,980\n"


def _dfe_file(name: str) -> str:
    return (
        f"{DFE_HEADER}\n"
        "202425,School,Northshire,140001,Harbour Lane Academy,State-funded secondary,All pupils,1050\n"
        f"202425,School,Northshire,140002,{name},State-funded primary,All pupils,320\n"
    )


def _kpi_file(name: str) -> str:
    return f"kpi,period,value\nDecisions to assess,2027-01,71\n{name},2027-02,74\n"


# What each import is given on its second data row (line 3), and what it is told.
BAD_TEXTS = {
    "a NUL in the middle": (lambda text: text[:3] + NUL + text[3:], "holds a NUL character"),
    "a NUL at the start": (lambda text: NUL + text, "holds a NUL character"),
    "a NUL at the end": (lambda text: text + NUL, "holds a NUL character"),
    "only a NUL and letters": (lambda text: f"A{NUL}{NUL}B", "holds a NUL character"),
}


def _too_long(limit: int):
    return (lambda text: "A" * (limit + 1), f"is {limit + 1} characters long; at most {limit} fit")


def _run_cases(organisation, workshop, text, lead):
    case_import(organisation=organisation, workshop=workshop, filename="cases.csv", data=text.encode())


def _run_reviews(organisation, workshop, text, lead):
    review_import(organisation=organisation, filename="reviews.csv", data=text.encode())


def _run_settings(organisation, workshop, text, lead):
    settings_import(organisation=organisation, name="Schools", filename="schools.csv", data=text.encode())


def _run_dfe(organisation, workshop, text, lead):
    settings_import(
        organisation=organisation, name="Schools", filename="sen.csv", data=text.encode(), la_name="Northshire"
    )


def _run_kpis(organisation, workshop, text, lead):
    plan = Plan.objects.get(organisation=organisation)
    services.kpi_import(plan=plan, filename="kpis.csv", data=text.encode(), by=lead)


# import -> (how to run it, its file around the bad text, the good text it replaces, its column, its limit)
IMPORTS = {
    "cases (room)": (_run_cases, _case_file, "Room 2", "room", 100),
    "reviews (notes)": (_run_reviews, _review_file, "Room split", "notes", 2000),
    "settings (name)": (_run_settings, _settings_file, "Castle Hill School", "name", 200),
    "DfE SEN file (school_name)": (_run_dfe, _dfe_file, "Castle Hill Primary", "school_name", 200),
    "KPI values (kpi)": (_run_kpis, _kpi_file, "Decisions to assess", "kpi", 200),
}


def _stored():
    return (
        Case.objects.count(),
        CaseReview.objects.count(),
        SettingsDataset.objects.count(),
        SettingRow.objects.count(),
        KpiValue.objects.count(),
    )


@pytest.fixture
def ready(organisation, term, workshop):
    """What every import needs to exist: two cases, a plan with its KPI."""
    for reference in ("C-001", "C-002"):
        make_case(organisation, term, reference)
    plan = Plan.objects.create(organisation=organisation, title="SEND improvement programme")
    Kpi.objects.create(plan=plan, name="Decisions to assess", kind=KpiKind.HOW_WELL)
    return organisation


@pytest.mark.parametrize("bad", [*BAD_TEXTS, "one character too long"])
@pytest.mark.parametrize("which", IMPORTS)
def test_the_bad_cell_is_a_problem_of_its_line_and_nothing_is_imported(ready, workshop, lead, which, bad):
    run, file_of, good, column, limit = IMPORTS[which]
    change, said = BAD_TEXTS[bad] if bad in BAD_TEXTS else _too_long(limit)
    before = _stored()
    with pytest.raises(ImportRejected) as rejected:
        run(ready, workshop, file_of(change(good)), lead)
    problems = rejected.value.problems
    assert any(p.line == 3 and column in p.message and said in p.message for p in problems), problems
    assert all(p.line == 3 for p in problems), problems  # the good row has nothing wrong, the file is read
    assert _stored() == before


@pytest.mark.parametrize("which", IMPORTS)
def test_a_text_as_long_as_its_column_is_imported(ready, workshop, lead, which):
    run, file_of, good, column, limit = IMPORTS[which]
    if which.startswith("KPI"):
        pytest.skip("a KPI's name is looked up, not stored: only a KPI of the plan is found")
    text = "A" * limit if column != "notes" else ("Room split. " * limit)[:limit]
    before = _stored()
    run(ready, workshop, file_of(text), lead)  # no ImportRejected
    assert _stored() != before or which.startswith("cases")  # the cases existed: updated, not created
