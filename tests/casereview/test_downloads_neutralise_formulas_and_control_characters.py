"""Every CSV and XLSX download (casereview/exports.py) holds only text a spreadsheet can read
safely: control characters are dropped (openpyxl refuses them, so one typed character broke a whole
download), tabs and line breaks stay, and a text cell that would start a formula is quoted with an
apostrophe. Numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from casereview.exports import Table, as_csv, as_xlsx, printable

# Every character XML 1.0 refuses or no reader wants: C0 controls but tab, newline and carriage
# return (kept or made a newline), DEL, and the two non-characters.
DROPPED = [chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"] + ["\x7f", "\ufffe", "\uffff"]
FORMULA_STARTERS = ["=", "+", "-", "@", "\t", "\r"]


def _table(*cells, columns=("Answer",), note="") -> Table:
    return Table("answers", "Answers", list(columns), [[cell] for cell in cells], note)


def _csv_cells(table: Table) -> list[list[str]]:
    return list(csv.reader(io.StringIO(as_csv(table).decode("utf-8-sig"), newline="")))


def _xlsx_cells(table: Table) -> list:
    sheet = load_workbook(io.BytesIO(as_xlsx(table))).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("character", DROPPED, ids=[f"U+{ord(c):04X}" for c in DROPPED])
def test_a_control_character_is_dropped_from_both_downloads(character):
    table = _table(f"Sample{character} not agreed", columns=(f"Ans{character}wer",), note=f"From{character} 2027")
    assert _csv_cells(table) == [["Answer"], ["Sample not agreed"]]
    cells = _xlsx_cells(table)
    assert [cells[0][0].value, cells[1][0].value, cells[3][0].value] == ["Answer", "Sample not agreed", "From 2027"]


def test_tabs_and_line_breaks_stay_and_a_carriage_return_becomes_a_line_break():
    table = _table("one\ttwo\nthree", "four\r\nfive", "six\rseven")
    expected = ["one\ttwo\nthree", "four\nfive", "six\nseven"]
    assert [row[0] for row in _csv_cells(table)[1:]] == expected
    assert [row[0].value for row in _xlsx_cells(table)[1:]] == expected


@pytest.mark.parametrize("starter", FORMULA_STARTERS, ids=[f"U+{ord(c):04X}" for c in FORMULA_STARTERS])
@pytest.mark.parametrize("hidden", ["", "\x00", "\x1b"], ids=["alone", "after NUL", "after ESC"])
def test_a_text_cell_that_would_start_a_formula_is_quoted(starter, hidden):
    table = _table(f'{hidden}{starter}HYPERLINK("https://evil.example")', columns=(f"{starter}Answer",))
    csv_header, csv_cell = (row[0] for row in _csv_cells(table))
    xlsx_header, xlsx_cell = (row[0] for row in _xlsx_cells(table))
    for text in (csv_header, csv_cell, xlsx_header.value, xlsx_cell.value):
        assert text.startswith("'"), repr(text)
    assert xlsx_cell.data_type == "s"  # text, not a formula


@pytest.mark.parametrize("number", [-1, -0.5, Decimal("-2.25"), 0, 7])
def test_numbers_stay_numbers(number):
    table = _table(number)
    assert _csv_cells(table)[1] == [str(number)]
    cell = _xlsx_cells(table)[1][0]
    assert cell.data_type == "n" and cell.value == number


@pytest.mark.parametrize("text", ["-1", "-0.5", "12"])
def test_a_text_that_is_only_a_number_is_not_quoted(text):
    assert _csv_cells(_table(text))[1] == [text]
    assert _xlsx_cells(_table(text))[1][0].value == text


def test_printable_drops_a_lone_surrogate_that_json_can_carry():
    assert printable("half\ud800 a pair") == "half a pair"
