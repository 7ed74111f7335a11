"""An uploaded plan workbook read sheet by sheet, through the same defences as every import of the
product (casereview/uploads.py): a size limit, the unpacked size and the XML checked before openpyxl
opens it (defusedxml, no entity expanded), rows and columns capped, formulas refused.

Sheets are found by name and columns by header, both ignoring case, spaces and underscores;
other sheets (a "Read me") and other columns are ignored. Rows the template marks as examples
are skipped."""

import io
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from casereview.uploads import (
    MAX_BYTES,
    ImportRejected,
    RowProblem,
    UploadError,
    _check_unpacked_size,
    _check_xml_parts,
    _sheet_rows,
    holds_nul,
)
from improvement.workbook.columns import SHEETS, Sheet, is_example, key, unquoted


@dataclass
class WorkbookProblem(RowProblem):
    """A problem of one row of one sheet ("Actions row 7: ..."), or of the whole file (line 0)."""

    sheet: str = ""

    def __str__(self):
        return f"{self.sheet} row {self.line}: {self.message}" if self.sheet and self.line else self.message


@dataclass
class SheetRow:
    sheet: str  # the sheet's title as in the export ("Actions")
    line: int  # as a spreadsheet program numbers it
    values: dict[str, str]
    cells: dict[str, str]  # column -> its cell, e.g. due_date -> G7
    problems: list[str] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def problem(self, message: str) -> WorkbookProblem:
        return WorkbookProblem(self.line, message, self.sheet)


def rejected(message: str) -> ImportRejected:
    return ImportRejected([WorkbookProblem(0, message)])


def read_workbook(filename: str, data: bytes) -> dict[str, list[SheetRow]]:
    """The rows of each sheet of the plan workbook, by sheet key (a sheet not in the file: no key).
    ImportRejected for a file that cannot be read, or lacks a required sheet or column."""
    if not filename.lower().endswith(".xlsx"):
        raise rejected(
            "Upload the plan as an Excel workbook (.xlsx), with the sheets Actions, Risks, KPIs and KPI values: "
            "download the template to start from."
        )
    if len(data) > MAX_BYTES:
        raise rejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; a plan workbook is far smaller.")
    try:
        _check_unpacked_size(data)
        _check_xml_parts(data)
        tables = _read_sheets(data)
    except UploadError as error:
        raise rejected(str(error)) from None
    problems = []
    for sheet in SHEETS:
        if sheet.required and sheet.key not in tables:
            found = ", ".join(title for title, _ in tables.values()) or "none"
            problems.append(f"The workbook has no sheet called “{sheet.title}”. Sheets found: {found}.")
    rows = {}
    for sheet in SHEETS:
        if sheet.key in tables:
            try:
                rows[sheet.key] = _sheet_table(sheet, tables[sheet.key][1])
            except UploadError as error:
                problems.append(str(error))
    if problems:
        raise ImportRejected([WorkbookProblem(0, message) for message in problems])
    return rows


def _read_sheets(data: bytes) -> dict[str, tuple[str, list]]:
    """sheet key -> (its title in the file, its rows as (line, texts)), for the plan's sheets only."""
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        wanted = {sheet.key for sheet in SHEETS}
        tables = {}
        for worksheet in workbook.worksheets:
            sheet_key = key(worksheet.title)
            if sheet_key in wanted and sheet_key not in tables:
                tables[sheet_key] = (worksheet.title, _sheet_rows(worksheet))
        return tables
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001
        # As casereview/uploads.py: a damaged, fake or hostile .xlsx raises many kinds of error.
        raise UploadError(
            f"The file could not be read as an Excel .xlsx workbook ({type(error).__name__}). "
            "Open it in Excel and save it again as .xlsx."
        ) from None
    finally:
        if workbook is not None:
            workbook.close()


def _sheet_table(sheet: Sheet, lines: list[tuple[int, list[str]]]) -> list[SheetRow]:
    if not lines:
        raise UploadError(f"The sheet {sheet.title} is empty: it needs its header row ({', '.join(sheet.columns)}).")
    header = [key(text) for text in lines[0][1]]
    missing = [column for column in sheet.columns if column not in header]
    if missing:
        found = ", ".join(column for column in header if column) or "none"
        raise UploadError(
            f"The sheet {sheet.title} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"Columns found: {found}."
        )
    repeated = sorted({column for column in header if column in sheet.columns and header.count(column) > 1})
    if repeated:
        raise UploadError(
            f"The sheet {sheet.title} repeats the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)}."
        )
    where = {column: header.index(column) for column in sheet.columns}
    rows = []
    for line, texts in lines[1:]:
        values = {
            column: unquoted(texts[index].strip()).strip() if index < len(texts) else ""
            for column, index in where.items()
        }
        if not any(values.values()) or is_example(values[sheet.columns[0]]):
            continue
        cells = {column: f"{get_column_letter(index + 1)}{line}" for column, index in where.items()}
        problems = [problem for column, value in values.items() if (problem := holds_nul(column, value))]
        rows.append(SheetRow(sheet.title, line, values, cells, problems))
    return rows
