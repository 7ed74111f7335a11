"""Tables as files: every download of the product (CSV for any tool, XLSX for Excel) is written
here, so all of them escape formulas and encode text the same way. Word documents are written
elsewhere (improvement/word.py) but clean their text with ``printable`` from here."""

import csv
import io
import re
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font


class Share(str):
    """A share as people read it ("28%", or "—" for none), which a spreadsheet stores as the number
    it is (0.28, formatted as a percentage) so that an analyst can calculate with it. A str: pages,
    CSV files and the feed's JSON show the words, unchanged."""

    value: float | None
    digits: int

    def __new__(cls, value: float | None, digits: int = 0):
        share = super().__new__(cls, "—" if value is None else f"{value * 100:.{digits}f}%")
        share.value, share.digits = value, digits
        return share

    @property
    def number_format(self) -> str:
        return "0%" if self.digits == 0 else "0." + "0" * self.digits + "%"


class Interval(str):
    """A 95% interval in words ("15% to 46%", or "0.21 to 0.64" for a κ); a spreadsheet gets its
    two ends as two numeric columns ("… from", "… to")."""

    low: float
    high: float
    percent: bool
    digits: int

    def __new__(cls, low: float, high: float, *, percent: bool = True, digits: int = 0):
        if percent:
            text = f"{Share(low, digits)} to {Share(high, digits)}"
        else:
            text = f"{low:.{digits}f} to {high:.{digits}f}"
        interval = super().__new__(cls, text)
        interval.low, interval.high, interval.percent, interval.digits = low, high, percent, digits
        return interval

    @property
    def number_format(self) -> str:
        return Share(0, self.digits).number_format if self.percent else "0." + "0" * self.digits


@dataclass
class Table:
    name: str  # used in download addresses and file names
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""


# What an XML 1.0 document cannot hold, so python-docx and openpyxl refuse it (a frozen update that
# held one could never be exported), and what no reader of a file wants: the C0 controls but tab,
# newline and carriage return; DEL; the non-characters U+FFFE and U+FFFF; lone surrogates, which
# JSON (a frozen update's content) can carry and UTF-8 cannot encode.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LINE_END = re.compile("\r\n?")


def printable(text: str) -> str:
    """``text`` with only characters every download can hold: controls dropped, tabs kept, and a
    carriage return (alone or before a newline) made one newline, so typed lines stay lines in a
    CSV, an XLSX cell and a Word paragraph (where python-docx draws a newline as a line break)."""
    return _UNPRINTABLE.sub("", _LINE_END.sub("\n", text))


# Excel runs a cell starting with = + - @ as a formula, and some readers strip a leading tab or
# carriage return first; a carriage return has become a newline by now (printable), so a leading
# newline is quoted too.
FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A text that is only a number ("-1", "-0.5") runs as nothing but that number: left as it is, so
# it reads as a number rather than with a visible apostrophe.
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(value):
    """A cell as a download may hold it: text made printable and quoted with an apostrophe if it
    would start a formula; numbers, dates and empty cells as they are."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    if text[:1] in FORMULA_STARTERS and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _safe_row(row) -> list:
    return [spreadsheet_safe(value) for value in row]


def as_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_safe_row(table.columns))
    writer.writerows(_safe_row(row) for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 correctly


def _xlsx_row(row, interval_columns: set[int]) -> tuple[list, list]:
    """A row's cells for a sheet, numbers as numbers (shares and the two ends of an interval), with
    the number format each cell needs (None: as it is)."""
    cells, formats = [], []
    for index, value in enumerate(row):
        if index in interval_columns:
            if isinstance(value, Interval):
                cells += [value.low, value.high]
                formats += [value.number_format] * 2
            else:  # "—": no interval in this row
                cells += [spreadsheet_safe(value), None]
                formats += [None, None]
        elif isinstance(value, Share) and value.value is not None:
            cells.append(value.value)
            formats.append(value.number_format)
        else:
            cells.append(spreadsheet_safe(value))
            formats.append(None)
    return cells, formats


def as_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.name[:31]
    interval_columns = {index for row in table.rows for index, value in enumerate(row) if isinstance(value, Interval)}
    header = []
    for index, name in enumerate(table.columns):
        header += [f"{name}: from", f"{name}: to"] if index in interval_columns else [name]
    sheet.append(_safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        cells, formats = _xlsx_row(row, interval_columns)
        sheet.append(cells)
        for cell, number_format in zip(sheet[sheet.max_row], formats):
            if number_format:
                cell.number_format = number_format
    if table.note:
        sheet.append([])
        sheet.append([spreadsheet_safe(table.note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
WRITERS = {"csv": as_csv, "xlsx": as_xlsx}


def file_response(content: bytes, file_format: str, filename: str) -> HttpResponse:
    """A download of ``content`` (already written as ``file_format``) saved as ``filename``."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(table: Table, file_format: str, filename: str) -> HttpResponse:
    """``table`` as a CSV or XLSX download named ``filename`` (without its extension); any other
    format is a page that does not exist."""
    if file_format not in WRITERS:
        raise Http404("Downloads come as .csv or .xlsx.")
    return file_response(WRITERS[file_format](table), file_format, f"{filename}.{file_format}")
