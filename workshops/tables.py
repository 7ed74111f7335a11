"""Read an uploaded CSV or XLSX file into rows, refusing files a person should fix first.

Whole-file problems (not UTF-8, not a spreadsheet, no rows, missing columns, formulas) raise
``TableError``; each row comes back with the line number a spreadsheet program shows."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


class TableError(Exception):
    pass


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def read_table(filename: str, data: bytes, *, required: list[str], optional: list[str] | None) -> list[Row]:
    """Rows of the file keyed by lower-case header. ``optional=None`` keeps every column."""
    if len(data) > MAX_BYTES:
        raise TableError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    name = filename.lower()
    if name.endswith(".csv"):
        header, rows = _read_csv(data)
    elif name.endswith(".xlsx"):
        header, rows = _read_xlsx(data)
    else:
        raise TableError("Upload a .csv or .xlsx file.")
    header = [column.strip().lower() for column in header]
    missing = [column for column in required if column not in header]
    if missing:
        found = ", ".join(column for column in header if column) or "none"
        raise TableError(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. Columns found: {found}.")
    known = set(header) if optional is None else set(required) | set(optional)
    duplicates = sorted({column for column in header if column and header.count(column) > 1})
    if duplicates:
        raise TableError(f"The header repeats the column{'s' if len(duplicates) > 1 else ''} {', '.join(duplicates)}.")
    table = []
    for line, cells in rows:
        if any("\x00" in cell for cell in cells):
            raise TableError(f"Line {line} holds a NUL character, which is not text. Save the file again as CSV UTF-8 or .xlsx.")
        values = {header[i]: cells[i].strip() for i in range(min(len(header), len(cells))) if header[i] and header[i] in known}
        if any(values.values()):
            table.append(Row(line, values))
    if not table:
        raise TableError("The file has no rows under its header.")
    if len(table) > MAX_ROWS:
        raise TableError(f"The file has {len(table)} rows; at most {MAX_ROWS} can be imported at once.")
    return table


def _read_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)”, or upload the .xlsx."
        ) from None
    if not text.strip():
        raise TableError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = []
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise TableError(f"The CSV file could not be read near line {reader.line_num}: {error}.") from None
    return header, rows


def _read_xlsx(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001
        # openpyxl raises many kinds of error for a damaged or fake .xlsx; all mean the same to a person.
        raise TableError(f"The file could not be opened as an Excel .xlsx workbook ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0]
    rows = []
    for index, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for cell in cells:
            if cell.data_type == "f":
                raise TableError(
                    f"Cell {cell.coordinate} holds a formula ({cell.value}). Copy the sheet and paste values only, then upload again."
                )
            values.append(_cell_text(cell.value))
        rows.append((index, values))
    workbook.close()
    if not rows:
        raise TableError("The file is empty.")
    return rows[0][1], rows[1:]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value)
