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
and those are read as not known."""

import difflib
import io
from dataclasses import dataclass, field

import pandas as pd

from casereview.uploads import RowProblem

SEN = "sen"
EXCLUSIONS = "exclusions"
TITLES = {SEN: "the DfE school-level SEN file", EXCLUSIONS: "the DfE school-level suspensions and exclusions file"}
MAX_BYTES = 200 * 1024 * 1024  # a national file, as downloaded
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


@dataclass
class School:
    urn: str
    name: str
    phase: str = ""
    locality: str = ""
    values: dict = field(default_factory=dict)


def kind_of(filename: str, data: bytes) -> str | None:
    """SEN, EXCLUSIONS or None, from the header of a CSV file."""
    if not filename.lower().endswith(".csv"):
        return None
    first = data[:20000].decode("utf-8-sig", errors="replace").splitlines()[:1]
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


def read(filename: str, data: bytes, la_name: str) -> tuple[str, list[School], list[RowProblem], list[str]]:
    """(kind, one School per school of the LA, problems, notes for the person uploading)."""
    kind = kind_of(filename, data)
    if len(data) > MAX_BYTES:
        return kind, [], [RowProblem(0, f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")], []
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        return (
            kind,
            [],
            [RowProblem(0, f"{TITLES[kind].capitalize()} could not be read as CSV UTF-8 ({type(error).__name__}).")],
            [],
        )
    frame.columns = [column.strip().lower() for column in frame.columns]
    frame["line"] = frame.index + 2  # the header is line 1
    if not la_name.strip():
        return (
            kind,
            [],
            [
                RowProblem(
                    0,
                    f"This is {TITLES[kind]}: choose the local authority whose schools to read, "
                    "as the file's la_name column writes it.",
                )
            ],
            [],
        )
    names = sorted(set(frame["la_name"].str.strip()))
    chosen = frame["la_name"].str.strip().str.casefold() == la_name.strip().casefold()
    if not chosen.any():
        near = difflib.get_close_matches(la_name.strip(), names, n=1, cutoff=0.6)
        hint = (
            f" Did you mean “{near[0]}”?"
            if near
            else f" It has {len(names)} local authorit{'y' if len(names) == 1 else 'ies'}, "
            f"such as {', '.join(names[:3])}."
        )
        return kind, [], [RowProblem(0, f"The file has no schools of “{la_name.strip()}”.{hint}")], []
    frame = frame[chosen]
    notes = []
    if "time_period" in frame and frame["time_period"].nunique() > 1:
        latest = max(frame["time_period"], key=lambda period: (len(period), period))
        notes.append(f"The file holds {frame['time_period'].nunique()} years; the latest ({latest}) was read.")
        frame = frame[frame["time_period"] == latest]
    if "geographic_level" in frame:
        frame = frame[frame["geographic_level"].str.strip().str.lower().isin(("school", ""))]
    reader = _sen if kind == SEN else _exclusions
    schools, problems = reader(frame)
    if not schools and not problems:
        problems.append(RowProblem(0, f"The file has no school-level rows for “{la_name.strip()}”."))
    return kind, schools, problems, notes


def _school_of(row) -> School:
    phase = row.get("phase_type_grouping") or row.get("education_phase") or row.get("school_type") or ""
    return School(
        urn=row["school_urn"].strip(),
        name=row.get("school_name", "").strip(),
        phase=phase.strip(),
        locality=(row.get("district_administrative_name") or "").strip(),
    )


def _sen(frame: pd.DataFrame) -> tuple[list[School], list[RowProblem]]:
    problems, schools, counts = [], {}, {}
    for row in frame.to_dict("records"):
        measure = _provision(row["sen_provision"])
        if measure is None:
            continue
        try:
            value = _number(row["pupil_count"])
        except ValueError:
            problems.append(
                RowProblem(
                    row["line"],
                    f"pupil_count “{row['pupil_count']}” is not a whole number of 0 or more, "
                    "nor a DfE mark for a figure not given (c, x, z, u, :).",
                )
            )
            continue
        school = schools.setdefault(row["school_urn"].strip(), _school_of(row))
        # Recent files give each provision per primary need as well as in total: the total is read,
        # and the needs are summed only where a school has no total row.
        need = str(row.get("sen_primary_need", "total")).strip().lower()
        slot = counts.setdefault((school.urn, measure), {"total": [], "needs": []})
        slot["total" if need in TOTAL or need == "" else "needs"].append(value)
    for (urn, measure), slot in counts.items():
        values = slot["total"] or slot["needs"]
        schools[urn].values[measure] = None if any(v is None for v in values) else sum(values)
    return list(schools.values()), problems


def _exclusions(frame: pd.DataFrame) -> tuple[list[School], list[RowProblem]]:
    problems, schools, first_line = [], {}, {}
    for row in frame.to_dict("records"):
        urn = row["school_urn"].strip()
        if urn in first_line:
            problems.append(
                RowProblem(row["line"], f"school_urn {urn} is also on line {first_line[urn]} for the same year.")
            )
            continue
        first_line[urn] = row["line"]
        school = _school_of(row)
        for column, measure in EXCLUSION_MEASURES.items():
            if column not in row:
                continue
            try:
                school.values[measure] = _number(row[column])
            except ValueError:
                problems.append(
                    RowProblem(
                        row["line"],
                        f"{column} “{row[column]}” is not a whole number of 0 or more, "
                        "nor a DfE mark for a figure not given (c, x, z, u, :).",
                    )
                )
        schools[urn] = school
    return list(schools.values()), problems


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
