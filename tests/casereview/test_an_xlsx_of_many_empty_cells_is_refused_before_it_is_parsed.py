"""An .xlsx whose sheet holds more rows or cells than an import reads, empty ones too, is refused by
the stream scan with a clear message before openpyxl parses it; a sheet within the counts but with
empty cells far out is read quickly. A 950 KB file of 200,000 rows, each one empty cell in column
XFD, once held a worker for 30 s until gunicorn killed it (hardening round 3)."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from casereview import uploads

HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>reference</t></is></c></row>'


def _workbook(rows: str) -> bytes:
    """A real workbook from openpyxl with its sheet's rows replaced."""
    plain = io.BytesIO()
    Workbook().save(plain)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{HEADER}{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            content = sheet if entry.filename == "xl/worksheets/sheet1.xml" else source.read(entry.filename)
            target.writestr(entry.filename, content)
    return out.getvalue()


def _read(data: bytes):
    return uploads.read_upload("cases.xlsx", data, required=["reference"], optional=None)


def _never_parsed(*args, **kwargs):
    raise AssertionError("openpyxl was asked to parse a sheet the scan should have refused")


REFUSED = {
    "200,000 rows of one empty cell in column XFD": (
        "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, 200_002)),
        "The sheet has more than 5,001 rows (it passes that at line 5002)",
    ),
    "5,001 empty rows under the header": (
        "".join(f'<row r="{n}"/>' for n in range(2, 5003)),
        "The sheet has more than 5,001 rows",
    ),
    "rows without their numbers": ("<row/>" * 6000, "(it passes that at line 5002)"),
    "1,000 rows of 600 empty cells": (
        "".join(f'<row r="{n}">' + "<c/>" * 600 + "</row>" for n in range(2, 1002)),
        "The sheet has more than 500,100 cells",
    ),
    "a value in column 101": (
        '<row r="2"><c r="CW2" t="inlineStr"><is><t>x</t></is></c></row>',
        "Cell CW2 (line 2) is beyond column 100",
    ),
    "a value on line 5,003": (
        '<row r="5003"><c r="A5003"><v>1</v></c></row>',
        "The sheet goes on to line 5003 or further",
    ),
}


@pytest.mark.parametrize("shape", REFUSED)
def test_the_sheet_is_refused_by_the_scan_and_never_parsed(shape, monkeypatch):
    rows, message = REFUSED[shape]
    data = _workbook(rows)
    assert len(data) < uploads.MAX_BYTES
    monkeypatch.setattr(uploads, "load_workbook", _never_parsed)
    started = time.process_time()
    with pytest.raises(uploads.UploadError) as refused:
        _read(data)
    assert message in str(refused.value)
    assert time.process_time() - started < 2  # a generous bound; the benchmark is the place for targets


@pytest.mark.parametrize("count", [2000, 5000])
def test_rows_within_the_counts_with_an_empty_cell_far_out_are_read_quickly(count):
    # Within the counts, so openpyxl parses it: told the limits, it never builds rows 16,384 cells wide.
    data = _workbook("".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, count + 1)))
    started = time.process_time()
    with pytest.raises(uploads.UploadError, match="no rows under its header"):
        _read(data)
    assert time.process_time() - started < 2


def test_a_full_sheet_within_the_limits_is_still_read():
    cells = "".join(f'<c r="{column}{{n}}"><v>{{n}}</v></c>' for column in ("A", "B", "CV"))
    data = _workbook("".join(f'<row r="{n}">{cells.format(n=n)}</row>' for n in range(2, 5002)))
    rows = _read(data)
    assert len(rows) == 5000 and rows[-1].line == 5001 and rows[-1].get("reference") == "5001"
