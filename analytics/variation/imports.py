"""Import a table of settings (schools) for variational analysis: all or nothing, bad rows listed.

Columns: urn and name are required; phase, locality (or region), deprivation_decile, pupils, ehcp
and sen_support are known; every other column is a further numeric measure (e.g. suspensions of
pupils with SEND). Blank numeric cells are allowed (missing); anything else must be a whole or
decimal number of at least 0.

The DfE's school-level SEN and exclusions files are taken as downloaded (``dfe_files``):
filtered to the LA chosen on upload and pivoted to one row per school; two of them (SEN and
exclusions) may be uploaded together and are joined on the school's URN."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from analytics.models import SettingRow, SettingsDataset
from analytics.variation import dfe_files
from casereview.identifiers import reject_identifiers
from casereview.numbers import whole_number
from casereview.uploads import MAX_BYTES, ImportRejected, RowProblem, cell_problems, read_upload_or_reject

REQUIRED = ["urn", "name"]
TEXT_COLUMNS = ["urn", "name", "phase", "locality", "region", "deprivation_decile"]
STANDARD_MEASURES = ["pupils", "ehcp", "sen_support"]
TEMPLATE_COLUMNS = [
    "urn",
    "name",
    "phase",
    "locality",
    "deprivation_decile",
    "pupils",
    "ehcp",
    "sen_support",
    "suspensions_send",
    "exclusions_send",
]
URN = re.compile(r"^\d{6,7}$")
MEASURE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The text columns stored as written, and the field each goes to (region is the locality's other name).
SETTING_TEXT_FIELDS = {
    column: SettingRow._meta.get_field("locality" if column == "region" else column)
    for column in ("name", "phase", "locality", "region")  # the urn must match URN, which is shorter
}


def _number(text: str) -> float | None:
    if text == "":
        return None
    value = float(text.replace(",", ""))
    if value != value or value < 0 or value == float("inf"):  # NaN, negative, infinite
        raise ValueError
    return int(value) if value.is_integer() else value


def _dataset_text_problems(name: str, description: str) -> list[RowProblem]:
    problems = []
    for text, field in ((name, "name"), (description, "description")):
        try:
            reject_identifiers(text)
        except ValidationError as error:
            problems.append(RowProblem(0, f"Dataset {field}: {error.messages[0]}"))
    return problems


def settings_import(
    *,
    organisation,
    name: str,
    filename: str,
    data,
    by=None,
    description: str = "",
    la_name: str = "",
    more: tuple[str, object] | None = None,
) -> SettingsDataset:
    """Store one dataset of settings, or raise ImportRejected listing every problem.

    ``data`` is the file's bytes or the uploaded file itself: a DfE file (up to 200 MB) is read from
    it as a stream, never whole. ``more`` is a second file (name, bytes or file) joined on the URN:
    only for the DfE files."""
    if dfe_files.kind_of(filename, data) or (more and dfe_files.kind_of(*more)):
        return _dfe_import(
            organisation=organisation,
            name=name,
            description=description,
            by=by,
            la_name=la_name,
            files=[(filename, data), *([more] if more else [])],
        )
    if more:
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "A second file can only be joined to a DfE school-level file (SEN or exclusions); "
                    "upload one table of settings on its own.",
                )
            ]
        )
    rows = read_upload_or_reject(filename, _bytes_of(data), required=REQUIRED, optional=None)
    columns = list(dict.fromkeys(column for row in rows for column in row.values))
    measures = [c for c in columns if c not in TEXT_COLUMNS]
    problems = [
        RowProblem(0, f"“{m}” is not a usable column name: use lower-case letters, digits and _.")
        for m in measures
        if not MEASURE_NAME.match(m)
    ]
    problems += _dataset_text_problems(name, description)
    seen, parsed = {}, []
    for row in rows:
        row_problems = cell_problems(row, SETTING_TEXT_FIELDS)
        urn = row.get("urn")
        if not URN.match(urn):
            row_problems.append(f"urn “{urn}” is not a URN (6 or 7 digits).")
        elif urn in seen:
            row_problems.append(f"urn {urn} is also on line {seen[urn]}.")
        seen.setdefault(urn, row.line)
        if not row.get("name"):
            row_problems.append("name is empty.")
        for column in ("name", "phase", "locality", "region"):
            try:
                reject_identifiers(row.get(column))
            except ValidationError as error:
                row_problems.append(f"{column}: {error.messages[0]}")
        decile = row.get("deprivation_decile")
        # ASCII digits only: '²' passes isdigit() and then int() fails; '٣' would be read as 3.
        decile_number = whole_number(decile, minimum=1, maximum=10)
        if decile and decile_number is None:
            shown = decile if len(decile) <= 20 else f"{decile[:20]}…"  # 10,000 digits would bury the list
            row_problems.append(f"deprivation_decile “{shown}” is not a whole number from 1 to 10.")
        values = {}
        for measure in measures:
            try:
                values[measure] = _number(row.get(measure))
            except ValueError:
                row_problems.append(f"{measure} “{row.get(measure)}” is not a number of 0 or more.")
        problems += [RowProblem(row.line, message) for message in row_problems]
        if not row_problems:
            parsed.append(
                SettingRow(
                    urn=urn,
                    name=row.get("name"),
                    phase=row.get("phase"),
                    locality=row.get("locality") or row.get("region"),
                    deprivation_decile=decile_number,
                    values=values,
                )
            )
    if not measures:
        problems.append(
            RowProblem(0, "The file has no numeric columns to analyse (for example pupils, ehcp, suspensions_send).")
        )
    if problems:
        raise ImportRejected(problems)
    return _store(organisation, name, description, measures, parsed, by)


def _bytes_of(data) -> bytes:
    """A table of settings is small: read whole, one byte past the reader's cap so it can say so."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    data.seek(0)
    return data.read(MAX_BYTES + 1)


def _store(organisation, name, description, measures, parsed, by) -> SettingsDataset:
    with transaction.atomic():
        dataset = SettingsDataset.objects.create(
            organisation=organisation,
            name=name.strip(),
            description=description.strip(),
            measures=measures,
            uploaded_by=by,
        )
        for setting in parsed:
            setting.dataset = dataset
        SettingRow.objects.bulk_create(parsed)
    return dataset


def _dfe_import(*, organisation, name, description, by, la_name, files) -> SettingsDataset:
    """The DfE files as downloaded: every file read (and every problem of every file listed, with
    the file it is in), then joined on the URN and stored, or nothing stored."""
    problems, read, notes = _dataset_text_problems(name, description), [], []
    kinds = []
    for filename, data in files:
        kind = dfe_files.kind_of(filename, data)
        if kind is None:
            problems.append(
                RowProblem(
                    0,
                    f"{filename} is not a DfE school-level SEN or exclusions file (CSV, with school_urn and "
                    "la_name columns); a DfE file can be joined only with another DfE file.",
                )
            )
            continue
        if kind in kinds:
            problems.append(
                RowProblem(
                    0, f"Two files of the same kind ({dfe_files.TITLES[kind]}); upload one SEN and one exclusions file."
                )
            )
            continue
        kinds.append(kind)
        _, schools, file_problems, file_notes = dfe_files.read(filename, data, la_name)
        where = f"{filename}: " if len(files) > 1 else ""
        problems += [RowProblem(p.line, f"{where}{p.message}") for p in file_problems]
        notes += [f"{where}{note}" for note in file_notes]
        for school in schools:
            if not URN.match(school.urn):
                problems.append(
                    RowProblem(school.line, f"{where}school_urn “{school.urn}” is not a URN (6 or 7 digits).")
                )
            for column, text in (("school_name", school.name), ("phase", school.phase), ("locality", school.locality)):
                try:
                    reject_identifiers(text)
                except ValidationError as error:
                    problems.append(
                        RowProblem(school.line, f"{where}school {school.urn}, {column}: {error.messages[0]}")
                    )
        read.append(schools)
    if problems:
        raise ImportRejected(problems)
    schools = read[0] if len(read) == 1 else dfe_files.merge(*read)
    measures = list(dict.fromkeys(measure for school in schools for measure in school.values))
    parsed = [
        SettingRow(
            urn=s.urn,
            name=s.name or f"URN {s.urn}",
            phase=s.phase,  # dfe_files refused a text longer than its column
            locality=s.locality,
            values={measure: s.values.get(measure) for measure in measures},
        )
        for s in sorted(schools, key=lambda s: s.name)
    ]
    dataset = _store(organisation, name, description, measures, parsed, by)
    dataset.import_notes = notes
    return dataset
