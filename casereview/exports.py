"""Tables as files: every download of the product (CSV for any tool, XLSX for Excel) is written
here, so all of them escape formulas and encode text the same way."""

import csv
import io
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font


@dataclass
class Table:
    name: str  # used in download addresses and file names
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""


def spreadsheet_safe(value):
    """A text cell starting with = + - @ would run as a formula when opened in Excel; quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 correctly


def as_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.name[:31]
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    if table.note:
        sheet.append([])
        sheet.append([table.note])
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
