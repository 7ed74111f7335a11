"""Property tests: whatever arrives (files, codes, answers), nothing crashes, nothing is half
imported, and every refusal comes with a message."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import SettingRow, SettingsDataset
from analytics.variation.imports import settings_import
from casereview.uploads import ImportRejected
from workshops.imports import CASE_COLUMNS, REVIEW_COLUMNS, case_import, review_import
from workshops.models import Case, CaseAllocation, CaseReview, PollResponse

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cell = st.one_of(
    st.text(max_size=20), st.sampled_from(["ASD", "MSS", "EHCP", "Secondary", "yes", "no", "9", "", "C-001", "=1+1"])
)
header = st.lists(st.sampled_from(CASE_COLUMNS + REVIEW_COLUMNS + ["room", "junk", ""]), min_size=0, max_size=9)


@st.composite
def csv_files(draw):
    columns = draw(header)
    rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), max_size=6))
    text = "\n".join(",".join(f'"{c}"' if "," in c or "\n" in c else c for c in row) for row in [columns, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def counts():
    return (
        Case.objects.count(),
        CaseAllocation.objects.count(),
        CaseReview.objects.count(),
        SettingsDataset.objects.count(),
        SettingRow.objects.count(),
    )


@FUZZ
@given(
    data=st.one_of(csv_files(), st.binary(max_size=300)), name=st.sampled_from(["cases.csv", "cases.xlsx", "cases.txt"])
)
def test_case_import_either_imports_everything_or_nothing_with_reasons(organisation, workshop, data, name):
    before = counts()
    try:
        result = case_import(organisation=organisation, workshop=workshop, filename=name, data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before
    else:
        assert Case.objects.count() >= before[0] and result.created + result.updated > 0


@FUZZ
@given(data=st.one_of(csv_files(), st.binary(max_size=300)))
def test_review_import_either_imports_everything_or_nothing_with_reasons(organisation, workshop, allocations, data):
    before = counts()
    try:
        review_import(organisation=organisation, filename="reviews.csv", data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before


@FUZZ
@given(data=st.one_of(csv_files(), st.binary(max_size=300)), name=st.text(max_size=30))
def test_settings_upload_either_keeps_everything_or_nothing_with_reasons(organisation, data, name):
    before = counts()
    try:
        settings_import(organisation=organisation, name=name or "x", filename="settings.csv", data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before


@FUZZ
@given(code=st.text(max_size=40))
def test_any_join_code_gets_a_page_not_an_error(client, workshop, code):
    response = client.get("/join/", {"code": code})
    assert response.status_code in (200, 302, 404)


@FUZZ
@given(
    words=st.lists(st.text(max_size=80), max_size=4),
    choice=st.text(max_size=20),
    value=st.text(max_size=5),
    role=st.text(max_size=12),
)
def test_any_answer_from_a_phone_is_stored_or_refused_cleanly(phone, words_poll, words, choice, value, role):
    before = PollResponse.objects.count()
    response = phone.post(
        f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/",
        {"word": words, "choice": choice, "value": value, "role": role},
    )
    # Stored (302), or refused with every box shown again as typed and nothing stored (400).
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert PollResponse.objects.count() == before
    stored = PollResponse.objects.order_by("-pk")[: PollResponse.objects.count() - before]
    for answer in stored:  # whatever was kept is within the rules
        assert 0 < len(answer.text) <= 40 and answer.normalised


# Hostile .xlsx files (issue 16, items 1 and 10): each is refused with a message a person can act
# on, imports nothing, and never takes the process more than 100 MB above where it started.

HOSTILE_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>'
)
CASE_HEADER = (
    '<row r="1">'
    + "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for column, name in zip(
            "ABCDEF", ["reference", "phase", "year_group", "primary_need", "support_level", "current_provision"]
        )
    )
    + "</row>"
)


def _workbook_with(parts: dict[str, bytes | str]) -> bytes:
    """A real workbook from openpyxl with some of its parts replaced or added."""
    import zipfile
    from io import BytesIO

    from openpyxl import Workbook

    plain = BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "reference"  # so the workbook has a shared strings part to replace
    workbook.save(plain)
    out = BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if entry.filename not in parts:
                target.writestr(entry.filename, content)
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _sheet(rows: str, dimension: str = "") -> dict:
    return {"xl/worksheets/sheet1.xml": HOSTILE_SHEET.format(dimension=dimension, rows=rows)}


def _shared_strings(count: int) -> str:
    strings = "".join(f"<si><t>s{n:08d}</t></si>" for n in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">{strings}</sst>'
    )


HOSTILE_XLSX = {
    # A few kilobytes claiming the whole sheet, with one cell far down: once took a worker to 1.5 GB.
    "a claimed dimension of XFD10000 and a cell at A10000": _sheet(
        CASE_HEADER + '<row r="10000"><c r="A10000" t="inlineStr"><is><t>x</t></is></c></row>',
        '<dimension ref="A1:XFD10000"/>',
    ),
    "a cell on the sheet's last row": _sheet(
        CASE_HEADER + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        '<dimension ref="A1:XFD1048576"/>',
    ),
    "a cell in the sheet's last column": _sheet(
        CASE_HEADER + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', '<dimension ref="A1:XFD2"/>'
    ),
    "20,000 rows of values": _sheet(
        CASE_HEADER
        + "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>C-{n}</t></is></c></row>' for n in range(2, 20002))
    ),
    "1.2 million distinct shared strings": {"xl/sharedStrings.xml": _shared_strings(1_200_000), **_sheet(CASE_HEADER)},
    "a million distinct shared strings, under the unpacked cap": {
        "xl/sharedStrings.xml": _shared_strings(1_000_000),
        **_sheet(CASE_HEADER),
    },
    "as many shared strings as an import may hold": {
        "xl/sharedStrings.xml": _shared_strings(200_000),
        **_sheet(CASE_HEADER),
    },
    "elements nested a million deep": _sheet(
        CASE_HEADER + '<row r="2">' + "<x>" * 1_000_000 + "</x>" * 1_000_000 + "</row>"
    ),
    "a billion laughs": {
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
        )
    },
    "an external entity": {
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
        )
    },
    "a mismatched tag": _sheet(CASE_HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</is></t></c></row>'),
    # After a sound <dimension>, opening the workbook succeeds and the fault only shows on reading.
    "a mismatched tag after the dimension": _sheet(
        CASE_HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</is></t></c></row>', '<dimension ref="A1:F2"/>'
    ),
    "a sheet that is not XML at all": {"xl/worksheets/sheet1.xml": b"\x00\x01PK not xml"},
}

# Runs one import of the file named on the command line in a fresh interpreter and prints how far
# its peak resident memory rose above where it stood before the import, and the import's messages.
# The peak is the kernel's high-water mark of the process's resident memory (VmHWM, which starts
# afresh with the new program, unlike getrusage's ru_maxrss, which keeps the forking parent's).
MEASURE = """
import json, re, sys
def peak_kb():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
from casereview import uploads
data = open(sys.argv[1], "rb").read()
before = peak_kb()
try:
    uploads.read_upload("cases.xlsx", data, required=["reference"], optional=None)
    outcome = "read"
except uploads.UploadError as error:
    outcome = str(error)
print(json.dumps({"rise_mb": (peak_kb() - before) / 1024, "outcome": outcome}))
"""


@pytest.mark.parametrize("shape", HOSTILE_XLSX)
def test_a_hostile_xlsx_is_refused_within_100_mb_of_memory(shape, tmp_path):
    import json
    import subprocess
    import sys

    from django.conf import settings as settings_module

    path = tmp_path / "hostile.xlsx"
    path.write_bytes(_workbook_with(HOSTILE_XLSX[shape]))
    assert path.stat().st_size < 5 * 1024 * 1024  # small enough to be uploaded
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings_module.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["rise_mb"] < 100, measured
    assert measured["outcome"] != "read", measured  # each is refused (the last for having no rows)


@pytest.mark.parametrize("shape", HOSTILE_XLSX)
def test_a_hostile_xlsx_gets_the_imports_own_message_and_imports_nothing(organisation, workshop, shape):
    data = _workbook_with(HOSTILE_XLSX[shape])
    before = counts()
    with pytest.raises(ImportRejected) as rejected:
        case_import(organisation=organisation, workshop=workshop, filename="cases.xlsx", data=data)
    assert rejected.value.problems[0].message
    assert counts() == before
    with pytest.raises(ImportRejected):
        settings_import(organisation=organisation, name="Schools", filename="schools.xlsx", data=data)
    assert counts() == before
