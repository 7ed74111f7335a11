"""A plan workbook imported as a new plan or as an update of the same plan: every row of every sheet
checked first and every problem listed ("Actions row 7: due_date “soon” is not a date: ..."); only a
workbook without any problem is written, in one transaction.

Rows are matched by reference: a workstream by name, a focus area by focus_area_ref within the plan,
an action by ref within its focus area (by its exact title when ref is blank), a risk by ref (or
title), a KPI by name, a KPI value by KPI and period. A changed action or risk is saved through
``improvement.services`` (so its history row is written); an unchanged row writes nothing; a row
of the plan that is not in the workbook is kept."""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from casereview.exports import printable
from casereview.identifiers import find_identifiers
from casereview.models import Organisation
from casereview.uploads import ImportRejected, too_long
from improvement import services
from improvement.models import Action, FocusArea, Kpi, KpiValue, NextStep, Plan, Risk, Workstream
from improvement.periods import parse_period
from improvement.refs import normalise, sort_key, validate_ref
from improvement.workbook import columns as c
from improvement.workbook.reader import SheetRow, WorkbookProblem, read_workbook

KINDS = ("Workstreams", "Focus areas", "Actions", "Risks", "KPIs", "KPI values")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0  # in the plan but not in the workbook: kept as they are

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.absent} not in the workbook (kept)"
        )


@dataclass
class PlanImportResult:
    plan: Plan
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})

    @property
    def total(self) -> Counts:
        return Counts(
            *(sum(getattr(counts, name) for counts in self.counts.values()) for name in Counts.__annotations__)
        )

    def summary(self) -> str:
        details = "; ".join(f"{kind}: {counts}" for kind, counts in self.counts.items())
        return f"Imported the workbook into “{self.plan.title}”: {self.total}. {details}."


# --- what the rows say, once checked ----------------------------------------------------------


@dataclass
class AreaRow:
    line: int
    workstream: str
    ref: str
    statement: str
    existing: FocusArea | None


@dataclass
class ActionRow:
    row: SheetRow
    area_key: str
    ref: str
    values: dict  # title, owner, due, status, rag, issue, mitigation
    steps: list[tuple[str, bool]]
    existing: Action | None


@dataclass
class RiskRow:
    row: SheetRow
    values: dict  # ref, kind and the register's fields (services.RISK_FIELDS)
    existing: Risk | None


@dataclass
class KpiRow:
    values: dict  # name, kind, unit, direction, frequency, baseline, target
    area_keys: list[str]
    existing: Kpi | None


@dataclass
class ValueRow:
    kpi_name: str
    period: datetime.date
    value: Decimal


@dataclass
class Checked:
    workstreams: dict[str, str] = field(default_factory=dict)  # casefolded name -> name as written
    areas: dict[str, AreaRow] = field(default_factory=dict)  # ref sort key -> area
    actions: list[ActionRow] = field(default_factory=list)
    risks: list[RiskRow] | None = None  # None: no Risks sheet
    kpis: dict[str, KpiRow] | None = None  # casefolded name -> KPI
    values: list[ValueRow] | None = None


def _text_fields(model, *names) -> dict:
    return {name: model._meta.get_field(name) for name in names}


ACTION_FIELDS = _text_fields(Action, "title", "owner", "issue", "mitigation")
RISK_TEXT = _text_fields(Risk, "title", "detail", "impact", "mitigation", "owner")
KPI_TEXT = _text_fields(Kpi, "name", "unit")
STEP_LENGTH = NextStep._meta.get_field("text").max_length
# Where ActionData's field names are columns of the sheet.
ACTION_COLUMNS = {"title": "action", "due": "due_date"}
RISK_COLUMNS = {"kind": "type"}


class _Rows:
    """The problems of one row, gathered as its cells are read."""

    def __init__(self, row: SheetRow):
        self.row, self.messages, self.guarded = row, list(row.problems), False

    def add(self, message: str) -> None:
        self.messages.append(message)

    def text(self, column: str, model_field=None, *, required: str = "") -> str:
        """The cell's text: refused (without repeating it) when it holds a child's identifier."""
        value = self.row.get(column)
        if findings := find_identifiers(value):
            kinds = " and ".join(sorted({finding.kind for finding in findings}))
            self.guarded = True
            self.add(
                f"{column} (cell {self.row.cells[column]}) looks like it holds {kinds}. Remove it: "
                "casereview never stores anything that could identify a child."
            )
            return ""
        if model_field is not None and (problem := too_long(column, value, model_field)):
            self.add(problem)
        if required and not value:
            self.add(required)
        return value

    def ref(self, column: str, *, required: str = "") -> str:
        value = normalise(self.text(column, Action._meta.get_field("ref"), required=required))
        try:
            validate_ref(value)
        except ValidationError as error:
            self.add(f"{column} “{value}”: {error.messages[0]}")
        return value

    def choice(self, choice: c.Choice, column: str | None = None) -> str:
        try:
            return choice.read(self.row.get(column or choice.column))
        except ValueError as error:
            self.add(str(error))
            return ""

    def date(self, column: str) -> datetime.date | None:
        text = self.row.get(column)
        if not text:
            self.add(f"{column} is empty: write 2026-05-20 or 20/05/2026.")
            return None
        try:
            return c.read_date(column, text)
        except ValueError as error:
            self.add(f"{error}.")
            return None

    def number(self, column: str, *, required: bool = False) -> Decimal | None:
        try:
            value = c.read_number(column, self.row.get(column))
        except ValueError as error:
            self.add(f"{error}.")
            return None
        if value is None and required:
            self.add(f"{column} is empty: write a number, e.g. 42 or 37.5.")
        return value

    def model_problems(self, error: ValidationError, columns: dict[str, str]) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add(f"{columns.get(name, name)}: {message}" if name != "__all__" else message)


class Checker:
    """Reads every row against the plan as it stands (``plan`` None: a new plan), writing nothing."""

    def __init__(self, organisation: Organisation, plan: Plan | None):
        self.organisation, self.plan = organisation, plan
        self.problems: list[WorkbookProblem] = []
        self.checked = Checked()
        self.listed_kpis: dict[str, str | None] = {}  # casefolded name -> frequency, of the KPIs sheet
        if plan is None:
            self.areas, self.actions_of, self.risks, self.kpis = {}, {}, [], {}
            return
        self.areas = {
            sort_key(area.ref): area
            for area in FocusArea.objects.filter(workstream__plan=plan).select_related("workstream")
        }
        self.actions_of: dict[int, list[Action]] = {}
        for action in (
            Action.objects.filter(focus_area__workstream__plan=plan)
            .select_related("owner_member")
            .prefetch_related("next_steps", "themes", "findings")
        ):
            self.actions_of.setdefault(action.focus_area_id, []).append(action)
        self.risks = list(plan.risks.all())
        self.kpis = {kpi.name.casefold(): kpi for kpi in plan.kpis.prefetch_related("focus_areas")}

    def done(self, rows: _Rows) -> bool:
        self.problems += [rows.row.problem(message) for message in rows.messages]
        return not rows.messages

    # --- Actions ---

    def actions(self, sheet_rows: list[SheetRow]) -> None:
        first_line: dict[tuple, int] = {}
        for row in sheet_rows:
            rows = _Rows(row)
            area_key = self._area(rows)
            title = rows.text("action", ACTION_FIELDS["title"])
            if not title:
                filled = [column for column in c.ACTIONS.columns[3:] if column != "action" and row.get(column)]
                if filled and not rows.guarded:
                    rows.add(
                        f"action is empty but the row has {', '.join(filled)}: name the action, or clear those "
                        "cells for a focus area with no action yet."
                    )
                self.done(rows)
                continue
            action_row = self._action(rows, area_key, title)
            if action_row is not None:
                match = ("ref", sort_key(action_row.ref)) if action_row.ref else ("title", title)
                if (area_key, match) in first_line:
                    what = f"ref {action_row.ref}" if action_row.ref else f"the action “{title}”"
                    rows.add(
                        f"focus area {row.get('focus_area_ref')} has {what} on row {first_line[(area_key, match)]} "
                        "too; keep one of them."
                    )
                first_line.setdefault((area_key, match), row.line)
            if self.done(rows) and action_row is not None:
                self.checked.actions.append(action_row)

    def _area(self, rows: _Rows) -> str:
        """The row's focus area (and workstream), the same on every row that names it."""
        row = rows.row
        workstream = rows.text(
            "workstream", Workstream._meta.get_field("name"), required="workstream is empty: name it, e.g. Culture."
        )
        ref = rows.ref("focus_area_ref", required="focus_area_ref is empty: give the focus area's reference, e.g. 1.")
        statement = rows.text(
            "focus_area",
            FocusArea._meta.get_field("statement"),
            required="focus_area is empty: write the focus area's statement.",
        )
        if not (workstream and ref and statement):
            return ""
        area_key = sort_key(ref)
        known = self.checked.areas.get(area_key)
        if known is None:
            self.checked.areas[area_key] = AreaRow(row.line, workstream, ref, statement, self.areas.get(area_key))
            self.checked.workstreams.setdefault(workstream.casefold(), workstream)
        elif known.workstream.casefold() != workstream.casefold():
            rows.add(
                f"focus area {ref} is in the workstream “{known.workstream}” on row {known.line}: "
                "write the same workstream on every row of a focus area."
            )
        elif known.statement != statement:
            rows.add(
                f"focus area {ref} reads differently on row {known.line}: write the same focus_area text on "
                "every row of a focus area."
            )
        return area_key

    def _action(self, rows: _Rows, area_key: str, title: str) -> ActionRow | None:
        ref = rows.ref("ref")
        values = {
            "title": title,
            "owner": rows.text("owner", ACTION_FIELDS["owner"]),
            "due": rows.date("due_date"),
            "status": rows.choice(c.STATUS),
            "rag": rows.choice(c.ACTION_RAG),
            "issue": rows.text("issue", ACTION_FIELDS["issue"]),
            "mitigation": rows.text("mitigation", ACTION_FIELDS["mitigation"]),
        }
        steps = c.read_next_steps(rows.text("next_steps"))
        for number, (text, _) in enumerate(steps, start=1):
            if len(text) > STEP_LENGTH:
                rows.add(
                    f"next_steps line {number} is {len(text)} characters long; at most {STEP_LENGTH} fit. Shorten it."
                )
        if rows.messages or not area_key:
            return None
        existing = self._existing_action(area_key, ref, title)
        if existing is not None and values["owner"] == existing.owner_label and not existing.owner:
            values["owner"] = existing.owner  # the member who owns it, written by name: unchanged
        problems = action_data(existing, values).problems(self.organisation.pk)
        for name, message in problems.items():
            rows.add(f"{ACTION_COLUMNS.get(name, name)}: {message}")
        return ActionRow(rows.row, area_key, ref, values, steps, existing)

    def _existing_action(self, area_key: str, ref: str, title: str) -> Action | None:
        area = self.areas.get(area_key)
        candidates = self.actions_of.get(area.pk, []) if area else []
        if ref:
            return next((action for action in candidates if action.ref and sort_key(action.ref) == sort_key(ref)), None)
        return next((action for action in candidates if not action.ref and action.title == title), None)

    # --- Risks ---

    def risk_rows(self, sheet_rows: list[SheetRow]) -> None:
        self.checked.risks = []
        first_line: dict[tuple, int] = {}
        for row in sheet_rows:
            rows = _Rows(row)
            values = {
                "ref": rows.ref("ref"),
                "kind": rows.choice(c.RISK_TYPE),
                "title": rows.text("title", RISK_TEXT["title"], required="title is empty: name the risk or issue."),
                "detail": rows.text("detail", RISK_TEXT["detail"]),
                "rag": rows.choice(c.RISK_RAG),
                "impact": rows.text("impact", RISK_TEXT["impact"]),
                "mitigation": rows.text("mitigation", RISK_TEXT["mitigation"]),
                "owner": rows.text(
                    "owner", RISK_TEXT["owner"], required="owner is empty: name a staff role or a member of staff."
                ),
                "review_date": rows.date("review_date"),
            }
            if values["title"]:
                match = ("ref", sort_key(values["ref"])) if values["ref"] else ("title", values["title"].casefold())
                if match in first_line:
                    rows.add(f"the same risk is on row {first_line[match]}; keep one of them.")
                first_line.setdefault(match, row.line)
            existing = None
            if not rows.messages:
                existing = self._existing_risk(values)
                values["closed"] = existing.closed if existing else False
                candidate = Risk(plan=self.plan, **values) if self.plan else Risk(**values)
                try:
                    candidate.full_clean(exclude=["plan"])
                except ValidationError as error:
                    rows.model_problems(error, RISK_COLUMNS)
            if self.done(rows):
                self.checked.risks.append(RiskRow(row, values, existing))

    def _existing_risk(self, values: dict) -> Risk | None:
        if values["ref"]:
            return next((r for r in self.risks if r.ref and sort_key(r.ref) == sort_key(values["ref"])), None)
        title = values["title"].casefold()
        return next((r for r in self.risks if not r.ref and r.title.casefold() == title), None)

    # --- KPIs and their values ---

    def kpi_rows(self, sheet_rows: list[SheetRow]) -> None:
        self.checked.kpis = {}
        for row in sheet_rows:
            rows = _Rows(row)
            values = {
                "name": rows.text("name", KPI_TEXT["name"], required="name is empty: name the KPI."),
                "kind": rows.choice(c.KPI_KIND),
                "unit": rows.text("unit", KPI_TEXT["unit"]),
                "direction": rows.choice(c.DIRECTION),
                "frequency": rows.choice(c.FREQUENCY),
                "baseline": rows.number("baseline"),
                "target": rows.number("target"),
            }
            area_keys = []
            for ref in filter(None, (normalise(part) for part in rows.text("focus_area_ref").split(";"))):
                if sort_key(ref) in self.checked.areas or sort_key(ref) in self.areas:
                    area_keys.append(sort_key(ref))
                else:
                    rows.add(f"focus_area_ref “{ref}” is not a focus area of the Actions sheet or of this plan.")
            name_key = values["name"].casefold()
            if name_key and name_key in self.listed_kpis:
                rows.add(f"the KPI “{values['name']}” is on another row too; keep one of them.")
            if name_key:
                # Known to the KPI values sheet even when its row has a problem (said once, here).
                self.listed_kpis.setdefault(name_key, values["frequency"] or None)
            if self.done(rows) and name_key:
                self.checked.kpis[name_key] = KpiRow(values, area_keys, self.kpis.get(name_key))

    def value_rows(self, sheet_rows: list[SheetRow]) -> None:
        self.checked.values = []
        first_line: dict[tuple, int] = {}
        for row in sheet_rows:
            rows = _Rows(row)
            name = rows.text(
                "kpi", KPI_TEXT["name"], required="kpi is empty: write the KPI's name as in the KPIs sheet."
            )
            frequency = None
            if name:
                existing = self.kpis.get(name.casefold())
                if existing is not None and existing.is_computed:
                    rows.add(f"“{existing.name}” is computed by casereview; its values cannot be imported.")
                elif name.casefold() in self.listed_kpis:
                    frequency = self.listed_kpis[name.casefold()]  # None: its row's frequency is wrong
                elif existing is not None:
                    frequency = existing.frequency
                else:
                    rows.add(f"kpi “{name}” is not a KPI of the KPIs sheet or of this plan.")
            period = None
            if not row.get("period"):
                rows.add("period is empty: write a month (2026-05), a term (2025/26 Autumn term) or a date.")
            elif frequency is not None:
                try:
                    period = parse_period(row.get("period"), frequency)
                except ValueError as error:
                    rows.add(f"{error}")
            value = rows.number("value", required=True)
            if period is not None:
                if (name.casefold(), period) in first_line:
                    rows.add(
                        f"the same KPI and period as row {first_line[(name.casefold(), period)]}; keep one of them."
                    )
                first_line.setdefault((name.casefold(), period), row.line)
            if self.done(rows):
                self.checked.values.append(ValueRow(name.casefold(), period, value))


def action_data(existing: Action | None, values: dict) -> services.ActionData:
    """The service's ActionData for a row: the workbook's columns, and everything else (themes,
    findings, the owning member...) kept as the action has it."""
    names = {item.name for item in dataclasses.fields(services.ActionData)}
    data = {}
    if existing is not None:
        for name in names - set(values):
            if name in ("themes", "findings"):
                data[name] = list(getattr(existing, name).all())
            elif hasattr(existing, name):
                data[name] = getattr(existing, name)
    data.update({name: value for name, value in values.items() if name in names})
    return services.ActionData(**data)


def check(organisation: Organisation, plan: Plan | None, filename: str, data: bytes) -> Checked:
    """Every row read and checked; ImportRejected with every problem found, in sheet order."""
    sheets = read_workbook(filename, data)
    if not any(sheets.values()):
        raise ImportRejected(
            [
                WorkbookProblem(
                    0, "The workbook holds no rows besides its headers and examples: there is nothing to import."
                )
            ]
        )
    checker = Checker(organisation, plan)
    checker.actions(sheets["actions"])
    if "risks" in sheets:
        checker.risk_rows(sheets["risks"])
    if "kpis" in sheets:
        checker.kpi_rows(sheets["kpis"])
    if "kpi_values" in sheets:
        checker.value_rows(sheets["kpi_values"])
    if checker.problems:
        raise ImportRejected(checker.problems)
    return checker.checked


# --- writing ------------------------------------------------------------------------------------


def plan_import(*, plan: Plan, filename: str, data: bytes, by) -> PlanImportResult:
    """Update ``plan`` from the workbook; ImportRejected (nothing written) when any row is wrong."""
    checked = check(plan.organisation, plan, filename, data)
    with transaction.atomic():
        return _write(plan, checked, by)


def plan_create_from_workbook(
    *, organisation: Organisation, title: str, filename: str, data: bytes, by
) -> PlanImportResult:
    """A new plan called ``title`` holding the workbook, or ImportRejected and no plan at all."""
    title = " ".join(title.split())
    if problem := title_problem(organisation, title):
        raise ImportRejected([WorkbookProblem(0, problem)])
    checked = check(organisation, None, filename, data)
    with transaction.atomic():
        plan = Plan.objects.create(organisation=organisation, title=title)
        return _write(plan, checked, by)


def title_problem(organisation: Organisation, title: str) -> str | None:
    """What is wrong with ``title`` for a new plan of the LA (said without repeating an identifier)."""
    if not title:
        return "Give the plan a title, e.g. SEND Written Statement of Action 2022."
    if findings := find_identifiers(title):
        kinds = " and ".join(sorted({finding.kind for finding in findings}))
        return (
            f"The title looks like it holds {kinds}. Remove it: casereview never stores anything that could "
            "identify a child."
        )
    limit = Plan._meta.get_field("title").max_length
    if len(title) > limit:
        return f"The title is {len(title)} characters long; at most {limit} fit. Shorten it."
    if Plan.objects.filter(organisation=organisation, title__iexact=title).exists():
        return title_taken(title)
    return None


def title_taken(title: str) -> str:
    return f"Your LA already has a plan called “{title}”: choose another title, or update that plan from its page."


def _write(plan: Plan, checked: Checked, by) -> PlanImportResult:
    result = PlanImportResult(plan)
    workstreams = _workstreams_written(plan, checked, result.counts["Workstreams"])
    areas = _areas_written(plan, checked, workstreams, result.counts["Focus areas"])
    _actions_written(plan, checked, areas, by, result.counts["Actions"])
    if checked.risks is None:
        result.counts["Risks"].absent = plan.risks.count()
    else:
        _risks_written(plan, checked.risks, by, result.counts["Risks"])
    kpis = _kpis_written(plan, checked, areas, result.counts["KPIs"])
    _values_written(plan, checked, kpis, by, result.counts["KPI values"])
    return result


def _workstreams_written(plan: Plan, checked: Checked, counts: Counts) -> dict[str, Workstream]:
    existing = {workstream.name.casefold(): workstream for workstream in plan.workstreams.all()}
    position = max((workstream.position for workstream in existing.values()), default=0)
    for name_key, name in checked.workstreams.items():
        if name_key in existing:
            counts.unchanged += 1
            continue
        position += 1
        workstream = Workstream(plan=plan, name=name, position=position)
        workstream.full_clean()
        workstream.save()
        existing[name_key] = workstream
        counts.created += 1
    counts.absent = len(set(existing) - set(checked.workstreams))
    return existing


def _areas_written(plan: Plan, checked: Checked, workstreams: dict, counts: Counts) -> dict[str, FocusArea]:
    areas = {}
    for area_key, row in checked.areas.items():
        workstream = workstreams[row.workstream.casefold()]
        area = row.existing
        if area is None:
            area = FocusArea(workstream=workstream, ref=row.ref, statement=row.statement)
            counts.created += 1
        elif (area.workstream_id, area.ref, printable(area.statement)) != (workstream.pk, row.ref, row.statement):
            area.workstream, area.ref, area.statement = workstream, row.ref, row.statement
            counts.updated += 1
        else:
            areas[area_key] = area
            counts.unchanged += 1
            continue
        area.full_clean()
        area.save()
        areas[area_key] = area
    counts.absent = (
        FocusArea.objects.filter(workstream__plan=plan).exclude(pk__in=[a.pk for a in areas.values()]).count()
    )
    return areas


def _action_changes(action: Action, row: ActionRow) -> tuple[bool, bool, bool]:
    """Whether the action's own fields, its reference and its next steps differ from the row's."""
    values = row.values
    fields = any(
        printable(getattr(action, name)) != values[name] for name in ("title", "owner", "issue", "mitigation")
    ) or (action.due, action.status, action.rag) != (values["due"], values["status"], values["rag"])
    steps = [(step.text, step.done) for step in action.next_steps.all()] != row.steps
    return fields, action.ref != row.ref, steps


def _actions_written(plan: Plan, checked: Checked, areas: dict, by, counts: Counts) -> None:
    kept = set()
    # The service stores the reference once ActionData carries it; until then it is set here.
    takes_ref = "ref" in {item.name for item in dataclasses.fields(services.ActionData)}
    for row in checked.actions:
        action = row.existing
        fields, ref, steps = (True, True, bool(row.steps)) if action is None else _action_changes(action, row)
        if not (fields or ref or steps):
            counts.unchanged += 1
            kept.add(action.pk)
            continue
        if fields or (ref and takes_ref):
            values = {**row.values, "ref": row.ref} if takes_ref else row.values
            action = _action_saved(areas[row.area_key], action, values, row.row, by)
        if action.ref != row.ref:
            action.ref = row.ref
            action.save(update_fields=["ref"])
        if steps:
            action.next_steps.all().delete()
            for position, (text, done) in enumerate(row.steps):
                step = NextStep(action=action, text=text, done=done, position=position)
                step.full_clean()
                step.save()
        counts.created += row.existing is None
        counts.updated += row.existing is not None
        kept.add(action.pk)
    counts.absent = Action.objects.filter(focus_area__workstream__plan=plan).exclude(pk__in=kept).count()


def _action_saved(area: FocusArea, action: Action | None, values: dict, row: SheetRow, by) -> Action:
    try:
        return services.action_save(
            focus_area=area,
            action=action,
            data=action_data(action, values),
            by=by,
            expected_version=action.version if action else 0,
        )
    except services.ActionConflict:
        raise ImportRejected(
            [
                row.problem(
                    f"someone saved the action “{action.title}” while the workbook was imported; import it again."
                )
            ]
        ) from None
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        raise ImportRejected(
            [row.problem(f"{ACTION_COLUMNS.get(name, name)}: {m}") for name, ms in messages.items() for m in ms]
        ) from None


def _risk_differs(risk: Risk, values: dict, names) -> bool:
    return any(
        (printable(getattr(risk, name)) if isinstance(getattr(risk, name), str) else getattr(risk, name))
        != values[name]
        for name in names
    )


def _risks_written(plan: Plan, rows: list[RiskRow], by, counts: Counts) -> None:
    """Each changed risk saved through the service (a version and a history row); its reference and
    type, which the service does not take, set beside it."""
    kept = set()
    for row in rows:
        risk = row.existing
        register = risk is None or _risk_differs(risk, row.values, services.RISK_FIELDS)
        if risk is not None and not register and not _risk_differs(risk, row.values, ("ref", "kind")):
            counts.unchanged += 1
            kept.add(risk.pk)
            continue
        if register:
            try:
                risk = services.risk_save(
                    plan=plan, risk=risk, values=row.values, by=by, expected_version=risk.version if risk else 0
                )
            except services.RiskConflict:
                raise ImportRejected(
                    [
                        row.row.problem(
                            f"someone saved the risk “{risk.title}” while the workbook was imported; import it again."
                        )
                    ]
                ) from None
        if (risk.ref, risk.kind) != (row.values["ref"], row.values["kind"]):
            risk.ref, risk.kind = row.values["ref"], row.values["kind"]
            risk.save(update_fields=["ref", "kind"])
        counts.created += row.existing is None
        counts.updated += row.existing is not None
        kept.add(risk.pk)
    counts.absent = plan.risks.exclude(pk__in=kept).count()


def _kpis_written(plan: Plan, checked: Checked, areas: dict, counts: Counts) -> dict[str, Kpi]:
    kpis = {kpi.name.casefold(): kpi for kpi in plan.kpis.prefetch_related("focus_areas")}
    if checked.kpis is None:
        counts.absent = len(kpis)
        return kpis
    all_areas = {sort_key(area.ref): area for area in FocusArea.objects.filter(workstream__plan=plan)} | areas
    for name_key, row in checked.kpis.items():
        kpi = row.existing
        wanted_areas = {all_areas[area_key].pk for area_key in row.area_keys}
        if kpi is not None:
            same = all(getattr(kpi, name) == value for name, value in row.values.items())
            if same and {area.pk for area in kpi.focus_areas.all()} == wanted_areas:
                counts.unchanged += 1
                continue
            counts.updated += 1
        else:
            kpi = Kpi(plan=plan)
            counts.created += 1
        for name, value in row.values.items():
            setattr(kpi, name, value)
        kpi.full_clean()
        kpi.save()
        kpi.focus_areas.set(wanted_areas)
        kpis[name_key] = kpi
    counts.absent = len(set(kpis) - set(checked.kpis))
    return kpis


def _values_written(plan: Plan, checked: Checked, kpis: dict, by, counts: Counts) -> None:
    existing = {
        (value.kpi_id, value.period): value
        for value in KpiValue.objects.filter(kpi__plan=plan, kpi__source=Kpi.Source.MANUAL)
    }
    seen = set()
    for row in checked.values or []:
        kpi = kpis[row.kpi_name]
        stored = existing.get((kpi.pk, row.period))
        seen.add((kpi.pk, row.period))
        if stored is not None and stored.value == row.value:
            counts.unchanged += 1
            continue
        services.kpi_value_set(kpi=kpi, period=row.period, value=row.value, by=by)
        counts.created += stored is None
        counts.updated += stored is not None
    counts.absent = len(set(existing) - seen)
