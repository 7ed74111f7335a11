"""Read an uploaded CSV or XLSX file into rows, refusing files a person should fix first.

Every import of the product (cases, reviews, settings datasets, DfE files, KPI values, plans) reads
its file here. Whole-file problems (not UTF-8, not a spreadsheet, no rows, missing columns,
formulas) raise ``UploadError``; each row comes back with the line number a spreadsheet program
shows. An import that finds problems raises ``ImportRejected`` with every ``RowProblem``: nothing
is written.

An .xlsx file is a zip of XML, and both can be made to lie: a few kilobytes can claim a sheet a
million rows long, or unpack to gigabytes. So the reader checks the unpacked size before opening
it, reads the sheet row by row (openpyxl's read-only mode, with the sheet's claimed dimension
ignored), stops at the row and column limits as it goes, and parses through defusedxml (which
openpyxl uses when it is installed: no entity is expanded). Whatever goes wrong inside a file
becomes an ``UploadError`` a person can act on."""

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.parsers import expat

import defusedxml  # noqa: F401  (openpyxl parses with it once it is importable: no entity expansion)
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 100
# What the parts of an .xlsx may unpack to, all together. A real 5,000-row import unpacks to a few
# megabytes; the cap keeps what openpyxl holds in memory (the shared strings) far below 100 MB.
MAX_UNPACKED_BYTES = 24 * 1024 * 1024
# How deep the XML of a workbook may nest. Real parts nest a handful of levels; a parser keeps
# every open element, so a file nested a million deep would hold a million of them.
MAX_XML_DEPTH = 40
# openpyxl keeps every shared string of a workbook in memory (some 150 bytes each); a real import
# of 5,000 rows holds a few thousand different texts.
MAX_SHARED_STRINGS = 200_000
# What one sheet may hold, counted in its XML before openpyxl reads it, empty rows and cells too:
# openpyxl makes a Python object of every cell slot up to a row's last cell, so 200,000 empty rows,
# or a cell in column XFD on each row, once kept a worker busy until gunicorn killed it.
MAX_SHEET_ROWS = MAX_ROWS + 1  # the header and MAX_ROWS rows
MAX_SHEET_CELLS = MAX_SHEET_ROWS * MAX_COLUMNS
CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$", re.IGNORECASE)
NUL = "\x00"


class UploadError(Exception):
    """The whole file is unreadable as it stands; the message says what to fix."""


@dataclass
class RowProblem:
    line: int  # as a spreadsheet program numbers it; 0 for a problem of the whole file
    message: str

    def __str__(self):
        return f"Line {self.line}: {self.message}"


class ImportRejected(Exception):
    """Nothing was imported. ``problems`` lists what to fix: file-wide ones have line 0."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Row:
    line: int
    values: dict[str, str]
    # What the reader found wrong with a cell (a NUL): every import lists these with its own.
    problems: list[str] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def too_long(column: str, value: str, model_field) -> str | None:
    """Why ``value`` does not fit ``model_field`` (a CharField or TextField with a max_length), or None."""
    limit = model_field.max_length
    if limit is None or len(value) <= limit:
        return None
    return f"{column} is {len(value)} characters long; at most {limit} fit. Shorten it."


def holds_nul(column: str, value: str) -> str | None:
    """Why ``value`` is not text (a NUL character, which PostgreSQL cannot store), or None."""
    if NUL not in value:
        return None
    return (
        f"{column} holds a NUL character (\\x00), which is not text. "
        "Save the file again as CSV UTF-8 or .xlsx, or retype the cell."
    )


def cell_problems(row: Row, fields: dict) -> list[str]:
    """The row's NUL cells, then each column of ``fields`` (column -> model field) too long for it.
    Every import calls this before anything else looks at the row's text."""
    problems = list(row.problems)
    for column, model_field in fields.items():
        if problem := too_long(column, row.get(column), model_field):
            problems.append(problem)
    return problems


def header_key(column: str) -> str:
    """A column's name as the imports know it: "Year Group", "year-group" and "YEAR_GROUP" are all
    ``year_group`` (case, spaces, hyphens and underscores ignored)."""
    return _HEADER_SEPARATORS.sub("_", column.strip().lower()).strip("_")


_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
# What spreadsheet programs save a CSV with: a comma, or a semicolon where the comma is the
# decimal separator (much of Europe), or a tab ("Text (tab delimited)").
DELIMITERS = (",", ";", "\t")


def read_upload(filename: str, data: bytes, *, required: list[str], optional: list[str] | None) -> list[Row]:
    """Rows of the file keyed by header (``header_key``). ``optional=None`` keeps every column."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    name = filename.lower()
    if name.endswith(".csv"):
        header, rows = _read_csv(data)
    elif name.endswith(".xlsx"):
        header, rows = _read_xlsx(data)
    else:
        raise UploadError("Upload a .csv or .xlsx file.")
    header = [header_key(column) for column in header]
    missing = [column for column in required if column not in header]
    if missing:
        found = ", ".join(column for column in header if column) or "none"
        raise UploadError(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. Columns found: {found}."
        )
    known = set(header) if optional is None else set(required) | set(optional)
    duplicates = sorted({column for column in header if column and header.count(column) > 1})
    if duplicates:
        raise UploadError(f"The header repeats the column{'s' if len(duplicates) > 1 else ''} {', '.join(duplicates)}.")
    table = []
    for line, cells in rows:
        values = {
            header[i]: cells[i].strip() for i in range(min(len(header), len(cells))) if header[i] and header[i] in known
        }
        if any(values.values()):
            # A NUL is a problem of its row, listed with the import's others (no column can store it).
            problems = [problem for column, value in values.items() if (problem := holds_nul(column, value))]
            table.append(Row(line, values, problems))
    if not table:
        raise UploadError("The file has no rows under its header.")
    if len(table) > MAX_ROWS:
        raise UploadError(f"The file has {len(table)} rows; at most {MAX_ROWS} can be imported at once.")
    return table


def _read_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)”, "
            "or upload the .xlsx."
        ) from None
    if not text.strip():
        raise UploadError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter_of(text))
    try:
        header = next(reader)
        rows = []
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise UploadError(f"The CSV file could not be read near line {reader.line_num}: {error}.") from None
    return header, rows


def _delimiter_of(text: str) -> str:
    """The separator of a CSV file: the one its header line uses most (a comma when none)."""
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])  # ties: the first, the comma
    return best if counts[best] else ","


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip that unpacks to more than the cap, before anything is unpacked. The sizes are
    the archive's own claims, and safe to trust: Python's zipfile never unpacks more than an entry
    claims, so an entry that lies is cut short and fails its checksum."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):
        raise UploadError(
            "The file could not be opened as an Excel .xlsx workbook: it is damaged or not a workbook."
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(
            f"The workbook unpacks to {unpacked // (1024 * 1024)} MB, more than an import can hold "
            f"({MAX_UNPACKED_BYTES // (1024 * 1024)} MB). Copy just the rows to import into a new workbook, "
            "or save it as CSV."
        )


def _check_xml_parts(data: bytes) -> None:
    """Scan every XML part of the workbook as a stream (nothing is kept) before openpyxl builds
    anything from it: a document type (where entities are declared), nesting deeper than any real
    workbook, XML that is not well formed, or a sheet holding more rows, cells or columns than an
    import reads is refused with what and where."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if entry.filename.endswith((".xml", ".rels")):
                _scan_part(archive, entry)


def _scan_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    depth = strings = 0
    sheet = _SheetCount() if entry.filename.startswith("xl/worksheets/") else None

    def start(name, attributes):
        nonlocal depth, strings
        depth += 1
        local = name.rpartition(" ")[2]  # the namespace, a space, the local name
        if local == "si":  # a shared string
            strings += 1
            if strings > MAX_SHARED_STRINGS:
                raise UploadError(
                    f"The workbook holds more than {MAX_SHARED_STRINGS:,} different texts, "
                    "more than an import can hold. "
                    "Copy just the rows to import into a new workbook, or save it as CSV UTF-8."
                )
        if depth > MAX_XML_DEPTH:
            raise UploadError(
                f"The workbook's part {entry.filename} nests deeper than any spreadsheet does, "
                "so it was not read. Open it in Excel and save it again as .xlsx, or save it as CSV UTF-8."
            )
        if sheet is not None:
            sheet.start(local, attributes)

    def end(name):
        nonlocal depth
        depth -= 1

    def doctype(*args):
        raise UploadError(
            f"The workbook's part {entry.filename} declares a document type (entities), which no spreadsheet "
            "program writes, so it was not read. Save it again from Excel as .xlsx, or as CSV UTF-8."
        )

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(entry) as part:
            while chunk := part.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise UploadError(
            f"The workbook's part {entry.filename} is damaged (line {error.lineno}: "
            f"{expat.ErrorString(error.code)}). Open it in Excel and save it again, or save it as CSV UTF-8."
        ) from None
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError):
        raise UploadError(
            "The file could not be opened as an Excel .xlsx workbook: it is damaged or not a workbook."
        ) from None


class _SheetCount:
    """A sheet's rows and cells counted as its XML streams past, empty ones too, so that openpyxl
    (which makes an object of every cell slot up to a row's last cell) is only ever handed a sheet
    of at most MAX_SHEET_ROWS rows and MAX_COLUMNS columns, and a value beyond them is named."""

    def __init__(self):
        self.rows = self.cells = 0
        self.line = self.column = 0  # where the current row and cell are, as a spreadsheet numbers them
        self.cell = ""  # its reference, e.g. B7

    def start(self, local: str, attributes: dict) -> None:
        if local == "row":
            self._row(attributes)
        elif local == "c":
            self._cell(attributes)
        elif local in ("v", "f", "is"):  # the cell holds something: it must be within the limits
            self._value()

    def _row(self, attributes: dict) -> None:
        self.rows += 1
        given = attributes.get("r", "")
        # A row without its number follows the one before (the format allows leaving it out).
        self.line = int(given) if given.isdigit() else self.line + 1
        self.column = 0
        if self.rows > MAX_SHEET_ROWS:
            raise UploadError(
                f"The sheet has more than {MAX_SHEET_ROWS:,} rows (it passes that at line {self.line}), counting "
                "empty rows a spreadsheet program keeps; at most "
                f"{MAX_ROWS:,} rows under the header can be imported at once. Delete the rows below your data, "
                "or copy just the rows to import into a new workbook, or split it into smaller files."
            )

    def _cell(self, attributes: dict) -> None:
        self.cells += 1
        match = CELL_REFERENCE.match(attributes.get("r", ""))
        self.column = _column_number(match.group(1)) if match else self.column + 1
        self.cell = attributes.get("r", "") or f"in column {self.column} of line {self.line}"
        if self.cells > MAX_SHEET_CELLS:
            raise UploadError(
                f"The sheet has more than {MAX_SHEET_CELLS:,} cells (it passes that at line {self.line}), counting "
                "empty cells a spreadsheet program keeps; an import reads at most "
                f"{MAX_ROWS:,} rows of {MAX_COLUMNS} columns. Copy just the cells to import into a new workbook, "
                "or save it as CSV UTF-8."
            )

    def _value(self) -> None:
        if self.column > MAX_COLUMNS:
            raise UploadError(
                f"Cell {self.cell} (line {self.line}) is beyond column {MAX_COLUMNS}; "
                f"an import has at most {MAX_COLUMNS} columns. Delete the columns you do not need and upload again."
            )
        if self.line > MAX_SHEET_ROWS:
            raise UploadError(
                f"The sheet goes on to line {self.line} or further; at most {MAX_ROWS} rows can be imported at once. "
                "Split it into smaller files."
            )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _read_xlsx(data: bytes):
    _check_unpacked_size(data)
    _check_xml_parts(data)
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = _sheet_rows(workbook.worksheets[0])
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001
        # openpyxl and the XML parser raise many kinds of error for a damaged, fake or hostile .xlsx
        # (a mismatched tag, an entity, a missing part); all mean the same to a person.
        raise UploadError(
            f"The file could not be read as an Excel .xlsx workbook ({type(error).__name__}). "
            "Open it in Excel, save it again as .xlsx, or save it as CSV UTF-8."
        ) from None
    finally:
        if workbook is not None:
            workbook.close()
    if not rows:
        raise UploadError("The file is empty.")
    return rows[0][1], rows[1:]


def _sheet_rows(sheet) -> list[tuple[int, list[str]]]:
    """The sheet's rows with their line numbers, read one at a time, stopping at the limits."""
    # The sheet's <dimension> is a claim, not a fact: ignored, rows are as wide as their last cell.
    sheet.reset_dimensions()
    rows = []
    # The scan (_SheetCount) refused a value beyond these bounds; openpyxl is told them too, so an
    # empty cell far out never makes it build a row 16,384 cells wide.
    for index, cells in enumerate(sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_COLUMNS), start=1):
        if not cells:
            continue  # a row the file leaves out, or an empty one: nothing to keep
        values = []
        for cell in cells:
            if cell.value is None:
                values.append("")
                continue
            if cell.data_type == "f":
                raise UploadError(
                    f"Cell {cell.coordinate} holds a formula ({cell.value}). "
                    "Copy the sheet and paste values only, then upload again."
                )
            values.append(_cell_text(cell.value))
        while values and values[-1] == "":
            values.pop()  # only the cells that hold something count
        if values:
            rows.append((index, values))
    return rows


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


def read_upload_or_reject(filename: str, data: bytes, *, required: list[str], optional: list[str] | None) -> list[Row]:
    """``read_upload`` for an import: a whole-file problem rejects the import as line 0."""
    try:
        return read_upload(filename, data, required=required, optional=optional)
    except UploadError as error:
        raise ImportRejected([RowProblem(0, str(error))]) from None
