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
import zipfile
import zlib
from dataclasses import dataclass
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

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def read_upload(filename: str, data: bytes, *, required: list[str], optional: list[str] | None) -> list[Row]:
    """Rows of the file keyed by lower-case header. ``optional=None`` keeps every column."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    name = filename.lower()
    if name.endswith(".csv"):
        header, rows = _read_csv(data)
    elif name.endswith(".xlsx"):
        header, rows = _read_xlsx(data)
    else:
        raise UploadError("Upload a .csv or .xlsx file.")
    header = [column.strip().lower() for column in header]
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
        if any("\x00" in cell for cell in cells):
            raise UploadError(
                f"Line {line} holds a NUL character, which is not text. Save the file again as CSV UTF-8 or .xlsx."
            )
        values = {
            header[i]: cells[i].strip() for i in range(min(len(header), len(cells))) if header[i] and header[i] in known
        }
        if any(values.values()):
            table.append(Row(line, values))
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = []
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise UploadError(f"The CSV file could not be read near line {reader.line_num}: {error}.") from None
    return header, rows


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
    workbook, or XML that is not well formed is refused with what and where."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            depth = strings = 0

            def start(name, attributes):
                nonlocal depth, strings
                depth += 1
                if name.rpartition(" ")[2] == "si":  # a shared string (namespace, a space, the local name)
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
    last_line = MAX_ROWS + 1  # the header and MAX_ROWS rows
    for index, cells in enumerate(sheet.iter_rows(), start=1):
        if not cells:
            continue  # a row the file leaves out, or an empty one: nothing to keep
        values = []
        for cell in cells:
            if cell.value is None:
                values.append("")
                continue
            if len(values) >= MAX_COLUMNS:
                raise UploadError(
                    f"Cell {cell.coordinate} is beyond column {MAX_COLUMNS}; "
                    f"an import has at most {MAX_COLUMNS} columns. "
                    "Delete the columns you do not need and upload again."
                )
            if index > last_line:
                raise UploadError(
                    f"The sheet goes on to line {index} or further; at most {MAX_ROWS} rows can be imported at once. "
                    "Split it into smaller files."
                )
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
