"""Import cases and reviews from CSV / XLSX: all or nothing, every bad row listed (docs/design.md,
“The write path: nothing lost”).

Each import first checks every row and collects every problem; only a file without any
problem is written, in one transaction."""

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import transaction

from casereview.identifiers import reject_identifiers
from casereview.models import Organisation
from casereview.selectors import VocabularyLookup
from casereview.suggestions import did_you_mean
from casereview.uploads import ImportRejected, Row, RowProblem, cell_problems, read_upload_or_reject
from casereview.vocabularies import VocabularyKind
from workshops.agreement.services import other_room_add
from workshops.models import REFERENCE_VALIDATOR, BreakoutRoom, Case, CaseAllocation, CaseReview, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

CASE_COLUMNS = ["reference", "phase", "year_group", "primary_need", "support_level", "current_provision"]
CASE_OPTIONAL_COLUMNS = ["room"]
REVIEW_COLUMNS = ["reference", "workshop", "consensus"]
REVIEW_OPTIONAL_COLUMNS = ["room", "ideal_outcome", "non_ideal_areas", "better_provision", "themes", "notes"]
YEAR_GROUP = re.compile(r"^(?:year\s*|y)?(n|r|[1-9]|1[0-4])$", re.IGNORECASE)
# The columns stored as written, and the fields they are stored in: each must fit (the others are
# looked up or parsed, never stored as typed).
CASE_TEXT_FIELDS = {"reference": Case._meta.get_field("reference"), "room": BreakoutRoom._meta.get_field("name")}
REVIEW_TEXT_FIELDS = {"room": BreakoutRoom._meta.get_field("name"), "notes": CaseReview._meta.get_field("notes")}


def _text_problems(row: Row, columns: list[str]) -> list[str]:
    problems = []
    for column in columns:
        try:
            reject_identifiers(row.get(column))
        except ValidationError as error:
            problems.append(f"{column}: {error.messages[0]}")
    return problems


def _yes_no(value: str, column: str, *, blank_allowed: bool) -> bool | None:
    word = value.strip().lower()
    if word in {"yes", "y"}:
        return True
    if word in {"no", "n"}:
        return False
    if not word and blank_allowed:
        return None
    raise ValueError(f"{column} must be yes or no, not “{value}”.")


# The year groups each phase usually covers in England (N: nursery, R: reception). A case outside
# them is imported (children do repeat or skip a year) but the lead is told, in case it is a typo.
USUAL_YEARS = {
    "EARLY_YEARS": {"N", "R"},
    "PRIMARY": {"R", "1", "2", "3", "4", "5", "6"},
    "SECONDARY": {"7", "8", "9", "10", "11"},
    "POST16": {"12", "13", "14"},
}


def _year_warning(reference: str, phase, year_group: str) -> str | None:
    usual = USUAL_YEARS.get(phase.code if phase else "")
    if not year_group or usual is None or year_group in usual:
        return None
    year = {"N": "nursery", "R": "reception"}.get(year_group, f"year {year_group}")
    return (
        f"{reference}: {phase.label} in {year} is unusual. Check the phase and the year group; "
        "the case was imported as written."
    )


@dataclass
class CaseImportResult:
    created: int
    updated: int
    rooms_created: list[str]
    warnings: list[RowProblem] = dataclass_field(default_factory=list)


# A case row once checked: (reference, year group, its vocabulary terms by column, room name).
CaseRow = tuple[str, str, dict, str]


def case_import(*, organisation: Organisation, workshop: Workshop, filename: str, data: bytes) -> CaseImportResult:
    """Create or update the file's cases and allocate them to ``workshop`` (and the named rooms)."""
    rows = read_upload_or_reject(filename, data, required=CASE_COLUMNS, optional=CASE_OPTIONAL_COLUMNS)
    parsed, warnings = _case_rows_checked(rows, VocabularyLookup(organisation))
    created, updated, rooms_created = _cases_saved(organisation, workshop, parsed)
    return CaseImportResult(created, updated, rooms_created, warnings)


def _case_rows_checked(rows: list[Row], vocabulary: VocabularyLookup) -> tuple[list[CaseRow], list[RowProblem]]:
    """Every row checked: the cases to write and the warnings, or ImportRejected with every problem."""
    problems, parsed, first_line_of, warnings = [], [], {}, []
    for row in rows:
        row_problems, case_row = _case_row(row, vocabulary, first_line_of)
        problems += [RowProblem(row.line, message) for message in row_problems]
        if not row_problems:
            parsed.append(case_row)
            reference, year_group, terms, _ = case_row
            if warning := _year_warning(reference, terms.get("phase"), year_group):
                warnings.append(RowProblem(row.line, warning))
    if problems:
        raise ImportRejected(problems)
    return parsed, warnings


def _case_row(row: Row, vocabulary: VocabularyLookup, first_line_of: dict[str, int]) -> tuple[list[str], CaseRow]:
    """One row's problems, and the case it describes (to be read only when there is no problem).
    ``first_line_of`` (reference -> line) is the file's so far: a reference given twice is refused."""
    row_problems = cell_problems(row, CASE_TEXT_FIELDS) + _text_problems(row, ["reference", "room", "year_group"])
    reference = row.get("reference")
    if not reference:
        row_problems.append("reference is empty.")
    else:
        try:
            REFERENCE_VALIDATOR(reference)
        except ValidationError as error:
            row_problems.append(f"reference “{reference}”: {error.messages[0]}")
        key = reference.casefold()
        if key in first_line_of:
            row_problems.append(f"reference {reference} is also on line {first_line_of[key]}.")
        first_line_of.setdefault(key, row.line)
    terms = {}
    for column, kind in [
        ("phase", VocabularyKind.PHASE),
        ("primary_need", VocabularyKind.PRIMARY_NEED),
        ("support_level", VocabularyKind.SUPPORT_LEVEL),
        ("current_provision", VocabularyKind.PROVISION),
    ]:
        try:
            terms[column] = vocabulary.find(kind, row.get(column))
        except ValueError as error:
            row_problems.append(f"{column}: {error}")
    year_group = row.get("year_group")
    match = YEAR_GROUP.match(year_group)
    if year_group and not match:
        row_problems.append(f"year_group “{year_group}” is not N, R or a year from 1 to 14.")
    room_name = row.get("room")
    return row_problems, (reference, (match.group(1).upper() if match else ""), terms, room_name)


def _cases_saved(organisation: Organisation, workshop: Workshop, parsed: list[CaseRow]) -> tuple[int, int, list[str]]:
    """The checked cases created or updated, each allocated to the workshop (and its named room,
    made when new), in one transaction: how many were created and updated, and the new rooms."""
    created = updated = 0
    with transaction.atomic():
        rooms = {room.name.casefold(): room for room in workshop.rooms.all()}
        rooms_created = []
        next_position = (workshop.allocations.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        for reference, year_group, terms, room_name in parsed:
            case, was_created = Case.objects.update_or_create(
                organisation=organisation,
                reference__iexact=reference,
                defaults={"year_group": year_group, **terms},
                create_defaults={"reference": reference, "year_group": year_group, **terms},
            )
            created += was_created
            updated += not was_created
            room = None
            if room_name:
                room = rooms.get(room_name.casefold())
                if room is None:
                    room = rooms[room_name.casefold()] = BreakoutRoom.objects.create(workshop=workshop, name=room_name)
                    rooms_created.append(room_name)
            allocation, new = CaseAllocation.objects.get_or_create(
                workshop=workshop,
                case=case,
                kind=CaseAllocation.Kind.FIRST,
                defaults={"room": room, "position": next_position},
            )
            next_position += new
            # Not into a room that reviews the case as a second room: the two rooms stay two.
            if (
                not new
                and room is not None
                and allocation.room_id != room.pk
                and not allocation.other_allocations.filter(room=room).exists()
            ):
                allocation.room = room
                allocation.save(update_fields=["room"])
    return created, updated, rooms_created


# A review row once checked: the case, its workshop, the room named (may be blank) and the answer.
ReviewRow = tuple[Case, Workshop, str, ReviewAnswer]


def review_import(*, organisation: Organisation, filename: str, data: bytes, by=None) -> int:
    """Bring in reviews recorded on paper. Cases and workshops must exist; a case that already
    has a review from that room in that workshop is refused (change it in the room console
    instead). Several reviews of one case in one workshop are a double review on paper: each
    names its room, and the rooms differ."""
    rows = read_upload_or_reject(filename, data, required=REVIEW_COLUMNS, optional=REVIEW_OPTIONAL_COLUMNS)
    parsed = _review_rows_checked(rows, organisation)
    _paper_reviews_saved(parsed, by=by)
    return len(parsed)


def _review_rows_checked(rows: list[Row], organisation: Organisation) -> list[ReviewRow]:
    """Every row checked: the reviews to write, or ImportRejected with every problem."""
    vocabulary = VocabularyLookup(organisation)
    cases = {case.reference.casefold(): case for case in Case.objects.for_organisation(organisation)}
    workshops = {workshop.title.casefold(): workshop for workshop in Workshop.objects.for_organisation(organisation)}
    held = _rooms_holding_reviews(organisation)
    lines_of = _rooms_by_line(rows, cases, workshops)
    problems, parsed, first_line_of = [], [], {}
    for row in rows:
        row_problems = cell_problems(row, REVIEW_TEXT_FIELDS) + _text_problems(row, ["room", "notes"])
        case = cases.get(row.get("reference").casefold())
        workshop = workshops.get(row.get("workshop").casefold())
        if case is None:
            row_problems.append(f"there is no case with reference “{row.get('reference')}”; import the cases first.")
        if workshop is None:
            hint = did_you_mean(row.get("workshop"), [w.title for w in workshops.values()])
            row_problems.append(f"there is no workshop called “{row.get('workshop')}”.{hint}")
        if case and workshop:
            row_problems += _paper_room_problems(row, case, workshop, held, lines_of, first_line_of)
        answer, answer_problems = _paper_answer(row, vocabulary)
        row_problems += answer_problems
        problems += [RowProblem(row.line, message) for message in row_problems]
        if not row_problems:
            parsed.append((case, workshop, row.get("room"), answer))
    if problems:
        raise ImportRejected(problems)
    return parsed


def _rooms_holding_reviews(organisation: Organisation) -> dict[tuple[int, int], dict[str, bool]]:
    """(workshop, case) -> {room name (casefolded, "" for none): has a review}, over the rooms' allocations."""
    held: dict[tuple[int, int], dict[str, bool]] = {}
    for workshop_id, case_id, room_name, review_id in (
        CaseAllocation.objects.for_organisation(organisation)
        .exclude(kind=CaseAllocation.Kind.MODERATION)
        .values_list("workshop_id", "case_id", "room__name", "review__id")
    ):
        held.setdefault((workshop_id, case_id), {})[(room_name or "").casefold()] = review_id is not None
    return held


def _rooms_by_line(rows: list[Row], cases: dict, workshops: dict) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """(workshop, case) -> every (line, room named) of the file for that case in that workshop."""
    lines_of: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for row in rows:
        case, workshop = cases.get(row.get("reference").casefold()), workshops.get(row.get("workshop").casefold())
        if case and workshop:
            lines_of.setdefault((workshop.pk, case.pk), []).append((row.line, row.get("room")))
    return lines_of


def _paper_room_problems(
    row: Row, case: Case, workshop: Workshop, held: dict, lines_of: dict, first_line_of: dict
) -> list[str]:
    """What stops this row's room from reviewing the case: a review it already has, a room left
    unnamed beside other reviews of the case, the same room twice in the file."""
    problems = []
    room_name = row.get("room")
    key = (workshop.pk, case.pk)
    rooms_reviewed = {name for name, reviewed in held.get(key, {}).items() if reviewed}
    # Other rows of the same case and workshop that name a room: then every row must.
    others = [line for line, room in lines_of[key] if line != row.line and room]
    from_room = f" from {room_name}" if room_name else ""
    if room_name.casefold() in rooms_reviewed or (not room_name and rooms_reviewed):
        problems.append(
            f"{case.reference} already has a review{from_room} in “{workshop.title}”; change it in the room console."
        )
    elif not room_name and others:
        problems.append(
            f"{case.reference} in “{workshop.title}” has another review on line {others[0]}: "
            "name the room of each; several reviews of one case in one workshop must come from different rooms."
        )
    room_key = (workshop.pk, case.pk, room_name.casefold())
    if room_key in first_line_of:
        problems.append(f"{case.reference} in “{workshop.title}”{from_room} is also on line {first_line_of[room_key]}.")
    first_line_of.setdefault(room_key, row.line)
    return problems


def _paper_answer(row: Row, vocabulary: VocabularyLookup) -> tuple[ReviewAnswer | None, list[str]]:
    """The row's answer and what is wrong with it (the notes are checked with the other text)."""
    try:
        consensus = _yes_no(row.get("consensus"), "consensus", blank_allowed=False)
        ideal = _yes_no(row.get("ideal_outcome"), "ideal_outcome", blank_allowed=True)
        areas = [vocabulary.find(VocabularyKind.NON_IDEAL_AREA, v) for v in _split(row.get("non_ideal_areas"))]
        themes = [vocabulary.find(VocabularyKind.THEME, v) for v in _split(row.get("themes"))]
        better = row.get("better_provision")
        better = vocabulary.find(VocabularyKind.PROVISION, better) if better else None
        answer = ReviewAnswer(consensus, ideal, areas, better, themes, row.get("notes"))
    except ValueError as error:
        return None, [str(error)]
    return answer, [message for name, message in answer.problems().items() if name != "notes"]


def _paper_reviews_saved(parsed: list[ReviewRow], *, by) -> None:
    """The checked reviews saved, each on its room's allocation, in one transaction."""
    named = {}
    for case, workshop, room_name, _ in parsed:
        named.setdefault((workshop.pk, case.pk), set()).add(room_name.casefold())
    with transaction.atomic():
        for case, workshop, room_name, answer in parsed:
            room = None
            if room_name:
                room, _ = BreakoutRoom.objects.get_or_create(
                    workshop=workshop, name__iexact=room_name, defaults={"name": room_name}
                )
            allocation = _allocation_for_paper_review(workshop, case, room, named[(workshop.pk, case.pk)])
            review_save(allocation=allocation, answer=answer, by=by, expected_version=0, source="import")


def _allocation_for_paper_review(
    workshop: Workshop, case: Case, room: BreakoutRoom | None, rooms_named: set[str]
) -> CaseAllocation:
    """Where a review on paper goes: the case's allocation in that room; else its first allocation
    when no room has reviewed it there and no other row of the file names the first's room (the
    paper says which room it was: the case moves there); else another room's allocation."""
    first = (
        CaseAllocation.objects.filter(workshop=workshop, case=case, kind=CaseAllocation.Kind.FIRST)
        .select_related("room")
        .first()
    )
    if first is None:
        return CaseAllocation.objects.create(workshop=workshop, case=case, room=room)
    if room is None or first.room_id == room.pk:
        return first
    other = first.other_allocations.filter(kind=CaseAllocation.Kind.OTHER_ROOM, room=room).first()
    if other is not None:
        return other
    first_room_named = first.room is not None and first.room.name.casefold() in rooms_named
    if not first_room_named and not CaseReview.objects.filter(allocation=first).exists():
        first.room = room
        first.save(update_fields=["room"])
        return first
    return other_room_add(first=first, room=room, position=first.position)


def _split(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(";") if value.strip()]
