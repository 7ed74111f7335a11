"""The DfE's school-level files as published on explore-education-statistics, read as downloaded.

Two files are known by their columns:
- the SEN in England school-level file: long format, one row per school and SEN provision (and
  per primary need in recent years): ``school_urn, school_name, la_name, phase_type_grouping,
  sen_provision, pupil_count``...; pivoted here to one row per school with ``pupils`` (all
  pupils), ``ehcp`` (education, health and care plan) and ``sen_support``;
- the suspensions and permanent exclusions school-level file: one row per school with
  ``school_urn, headcount, suspension, perm_excl``...; read as ``headcount``, ``suspensions``,
  ``perm_excl`` and, when given, ``pupils_suspended`` (pupils with one or more suspensions).
Both are filtered to the LA chosen on upload (their ``la_name``) and, when a file holds several
years, to the latest. The DfE marks suppressed or unavailable figures with c, x, z, u, low or :
and those are read as not known.

A national file runs to 200 MB, so it is never held whole: it is read twice as a stream (first for
the LA's latest year, then for that year's rows), keeping only the chosen LA's schools, their
figures summed as they pass. The upload itself stays where Django put it (a temporary file)."""

import csv
import difflib
import io
from dataclasses import dataclass, field

from analytics.models import SettingRow
from casereview.uploads import RowProblem, holds_nul, too_long

SEN = "sen"
EXCLUSIONS = "exclusions"
TITLES = {SEN: "the DfE school-level SEN file", EXCLUSIONS: "the DfE school-level suspensions and exclusions file"}
MAX_BYTES = 200 * 1024 * 1024  # a national file, as downloaded
# A line of a real file is a few hundred characters; one longer is refused rather than held.
MAX_LINE = 64 * 1024
# One LA has at most a thousand or so schools; the cap keeps what is held for one LA small.
MAX_SCHOOLS = 5000
MAX_PROBLEMS = 200  # listed in full up to here, then the reading stops: the file needs fixing first
MAX_LA_NAMES = 1000  # kept for the hint when the LA chosen is not in the file
SUPPRESSED = {"c", "x", "z", "u", ":", "low", "", "..", "-"}
TOTAL = {"total", "all pupils", "all"}
EXCLUSION_MEASURES = {
    "headcount": "headcount",
    "suspension": "suspensions",
    "perm_excl": "perm_excl",
    "one_plus_susp": "pupils_suspended",
}
SEN_COLUMNS = {"school_urn", "la_name", "sen_provision", "pupil_count"}
EXCLUSION_COLUMNS = {"school_urn", "la_name", "headcount", "suspension"}
# The text of a school as stored, and the field it goes to: too long or holding a NUL, a row problem.
TEXT_FIELDS = {
    "school_urn": SettingRow._meta.get_field("urn"),
    "school_name": SettingRow._meta.get_field("name"),
    "phase": SettingRow._meta.get_field("phase"),
    "district_administrative_name": SettingRow._meta.get_field("locality"),
}


class FileProblem(Exception):
    """The file cannot be read on: the reading stops with this problem (and those found before)."""

    def __init__(self, problem: RowProblem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class School:
    urn: str
    name: str
    phase: str = ""
    locality: str = ""
    values: dict = field(default_factory=dict)
    line: int = 0  # where the file first gives it


def _seekable(data):
    """The upload as a binary file at its start: bytes are wrapped, an uploaded file is rewound."""
    if isinstance(data, (bytes, bytearray)):
        return io.BytesIO(data)
    file = getattr(data, "file", data)  # Django's uploaded file wraps a real one (BytesIO or a temporary file)
    file.seek(0)
    return file


def _size(data) -> int:
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    file = _seekable(data)
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


def kind_of(filename: str, data) -> str | None:
    """SEN, EXCLUSIONS or None, from the header of a CSV file (bytes or an uploaded file)."""
    if not filename.lower().endswith(".csv"):
        return None
    file = _seekable(data)
    head = file.read(20000)
    file.seek(0)
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    header = {column.strip().strip('"').lower() for column in (first[0].split(",") if first else [])}
    if SEN_COLUMNS <= header:
        return SEN
    if EXCLUSION_COLUMNS <= header:
        return EXCLUSIONS
    return None


def _provision(value: str) -> str | None:
    """The measure a ``sen_provision`` value counts, or None (e.g. "No SEN")."""
    value = value.strip().lower()
    if value in TOTAL:
        return "pupils"
    if value.startswith("sen support"):  # "SEN support / SEN without an EHC plan": before EHC below
        return "sen_support"
    if "education, health and care plan" in value or value.startswith("ehc") or "statement" in value:
        return "ehcp"
    return None


def _number(text: str):
    """A count, None when the DfE marks it suppressed or not available; ValueError otherwise."""
    text = text.strip()
    if text.lower() in SUPPRESSED:
        return None
    value = float(text.replace(",", ""))
    if value != value or value < 0 or value == float("inf") or not value.is_integer():
        raise ValueError
    return int(value)


def _lines(text: io.TextIOBase, title: str):
    """The file's lines, each read with a bound: a line longer than any real one stops the reading."""
    number = 0
    while line := text.readline(MAX_LINE):
        number += 1
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            raise FileProblem(
                RowProblem(
                    number,
                    f"{title.capitalize()} has a line longer than {MAX_LINE:,} characters; "
                    "it is not a DfE file as downloaded.",
                )
            )
        yield line


def _rows(data, title: str):
    """(line, row as a dict of lower-case column -> text) for every row, streamed."""
    file = _seekable(data)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.reader(_lines(text, title))
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        for cells in reader:
            yield reader.line_num, dict(zip(header, cells))
    except UnicodeDecodeError:
        raise FileProblem(
            RowProblem(reader.line_num + 1, f"{title.capitalize()} is not CSV UTF-8 text from this line on.")
        ) from None
    except csv.Error as error:
        raise FileProblem(
            RowProblem(reader.line_num, f"{title.capitalize()} could not be read as CSV here: {error}.")
        ) from None
    finally:
        text.detach()  # the upload stays open: the other file's reading, or Django, closes it


def _is_school_level(row: dict) -> bool:
    return row.get("geographic_level", "").strip().lower() in ("school", "")


def _latest_year(data, title: str, la_name: str) -> tuple[bool, set[str], str | None, int]:
    """First pass: whether the LA is in the file, some of the LA names it holds (for a hint), its
    latest year (None when the file gives none) and how many years it has for the LA."""
    wanted, names, periods = la_name.casefold(), set(), set()
    found = False
    for _line, row in _rows(data, title):
        name = row.get("la_name", "").strip()
        if name.casefold() != wanted:
            if len(names) < MAX_LA_NAMES:
                names.add(name)
            continue
        found = True
        if "time_period" in row and len(periods) < MAX_LA_NAMES:
            periods.add(row["time_period"])
    latest = max(periods, key=lambda period: (len(period), period)) if periods else None
    return found, names, latest, len(periods)


def _chosen_rows(data, title: str, la_name: str, period: str | None):
    """Second pass: the school-level rows of the LA in the year chosen, with their line numbers."""
    wanted = la_name.casefold()
    for line, row in _rows(data, title):
        if row.get("la_name", "").strip().casefold() != wanted:
            continue
        if period is not None and row.get("time_period") != period:
            continue
        if _is_school_level(row):
            yield line, row


def read(filename: str, data, la_name: str) -> tuple[str, list[School], list[RowProblem], list[str]]:
    """(kind, one School per school of the LA, problems, notes for the person uploading).
    ``data`` is the file's bytes or the uploaded file itself (read as a stream, never whole)."""
    kind = kind_of(filename, data)
    title = TITLES[kind]
    if _size(data) > MAX_BYTES:
        return kind, [], [RowProblem(0, f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")], []
    la_name = la_name.strip()
    if not la_name:
        return kind, [], [_no_la_chosen(title)], []
    problems: list[RowProblem] = []
    try:
        found, names, latest, years = _latest_year(data, title, la_name)
        if not found:
            return kind, [], [_la_not_found(la_name, names)], []
        notes = [f"The file holds {years} years; the latest ({latest}) was read."] if years > 1 else []
        reader = _sen if kind == SEN else _exclusions
        schools = reader(_chosen_rows(data, title, la_name, latest), problems)
    except FileProblem as stop:
        return kind, [], [*problems, stop.problem], []
    if not schools and not problems:
        problems.append(RowProblem(0, f"The file has no school-level rows for “{la_name}”."))
    return kind, schools, problems, notes


def _no_la_chosen(title: str) -> RowProblem:
    return RowProblem(
        0,
        f"This is {title}: choose the local authority whose schools to read, as the file's la_name column writes it.",
    )


def _la_not_found(la_name: str, names: set[str]) -> RowProblem:
    names = sorted(names)
    near = difflib.get_close_matches(la_name, names, n=1, cutoff=0.6)
    hint = (
        f" Did you mean “{near[0]}”?"
        if near
        else f" It has {len(names)} local authorit{'y' if len(names) == 1 else 'ies'}, such as {', '.join(names[:3])}."
    )
    return RowProblem(0, f"The file has no schools of “{la_name}”.{hint}")


def _add(problems: list[RowProblem], line: int, message: str) -> None:
    """A row problem listed; past MAX_PROBLEMS the reading stops (the list stays readable, and small)."""
    problems.append(RowProblem(line, message))
    if len(problems) >= MAX_PROBLEMS:
        raise FileProblem(
            RowProblem(0, f"The reading stopped after {MAX_PROBLEMS} problems; fix these and upload the file again.")
        )


def _school_of(line: int, row: dict, problems: list[RowProblem]) -> School | None:
    """The school a row names, or None when its text cannot be stored (each reason listed with the line)."""
    phase = row.get("phase_type_grouping") or row.get("education_phase") or row.get("school_type") or ""
    texts = {
        "school_urn": row.get("school_urn", "").strip(),
        "school_name": row.get("school_name", "").strip(),
        "phase": phase.strip(),
        "district_administrative_name": (row.get("district_administrative_name") or "").strip(),
    }
    messages = [
        message
        for column, text in texts.items()
        for message in (holds_nul(column, text), too_long(column, text, TEXT_FIELDS[column]))
        if message
    ]
    for message in messages:
        _add(problems, line, message)
    if messages:
        return None
    return School(
        urn=texts["school_urn"],
        name=texts["school_name"],
        phase=texts["phase"],
        locality=texts["district_administrative_name"],
        line=line,
    )


def _not_a_count(column: str, text: str) -> str:
    return (
        f"{column} “{text}” is not a whole number of 0 or more, nor a DfE mark for a figure not given (c, x, z, u, :)."
    )


def _known(schools: dict, urn: str, line: int, row: dict, problems: list[RowProblem]) -> School | None:
    """The school of ``urn``, made from the row when it is new (None when its text is refused)."""
    if urn in schools:
        return schools[urn]
    if len(schools) >= MAX_SCHOOLS:
        raise FileProblem(
            RowProblem(line, f"The file has more than {MAX_SCHOOLS:,} schools for one local authority and year.")
        )
    school = _school_of(line, row, problems)
    if school is not None:
        schools[urn] = school
    return school


@dataclass
class _Sum:
    """The counts of one measure of one school, summed as they pass: None once any is not known."""

    total: int | None = 0
    seen: bool = False

    def add(self, value: int | None) -> None:
        self.total = None if value is None or self.total is None else self.total + value
        self.seen = True


def _sen(rows, problems: list[RowProblem]) -> list[School]:
    schools, counts = {}, {}
    for line, row in rows:
        measure = _provision(row.get("sen_provision", ""))
        if measure is None:
            continue
        try:
            value = _number(row.get("pupil_count", ""))
        except ValueError:
            _add(problems, line, _not_a_count("pupil_count", row.get("pupil_count", "")))
            continue
        school = _known(schools, row.get("school_urn", "").strip(), line, row, problems)
        if school is None:
            continue
        # Recent files give each provision per primary need as well as in total: the total is read,
        # and the needs are summed only where a school has no total row.
        need = str(row.get("sen_primary_need", "total")).strip().lower()
        slot = counts.setdefault((school.urn, measure), {"total": _Sum(), "needs": _Sum()})
        slot["total" if need in TOTAL or need == "" else "needs"].add(value)
    for (urn, measure), slot in counts.items():
        schools[urn].values[measure] = (slot["total"] if slot["total"].seen else slot["needs"]).total
    return list(schools.values())


def _exclusions(rows, problems: list[RowProblem]) -> list[School]:
    schools, first_line = {}, {}
    for line, row in rows:
        urn = row.get("school_urn", "").strip()
        if urn in first_line:
            _add(problems, line, f"school_urn {urn} is also on line {first_line[urn]} for the same year.")
            continue
        first_line[urn] = line
        school = _known(schools, urn, line, row, problems)
        if school is None:
            continue
        for column, measure in EXCLUSION_MEASURES.items():
            if column not in row:
                continue
            try:
                school.values[measure] = _number(row[column])
            except ValueError:
                _add(problems, line, _not_a_count(column, row[column]))
    return list(schools.values())


def merge(first: list[School], second: list[School]) -> list[School]:
    """Schools of two files joined on the URN: a school in one file only keeps its figures, and
    the other file's measures are not known for it."""
    joined = {school.urn: school for school in first}
    for school in second:
        if school.urn in joined:
            here = joined[school.urn]
            here.values |= school.values
            here.name, here.phase, here.locality = (
                here.name or school.name,
                here.phase or school.phase,
                here.locality or school.locality,
            )
        else:
            joined[school.urn] = school
    return list(joined.values())
