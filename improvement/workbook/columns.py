"""The plan workbook's sheets and columns, and how each kind of cell is written and read back.

Choices (status, rag, type, kind, direction, frequency) are written as their labels ("Complete",
"Not yet rated", "Higher is better") and read from a label or a code, case, spaces and underscores
ignored, and RAG also from R, A and G. Dates are real date cells, read from a date cell,
``2026-05-20`` or ``20/05/2026``."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from casereview.exports import FORMULA_STARTERS
from improvement.models import ActionStatus, Kpi, KpiKind, Rag, Risk


@dataclass(frozen=True)
class Sheet:
    key: str  # the sheet's name as matched: case, spaces and underscores ignored
    title: str  # as written
    columns: tuple[str, ...]
    required: bool


ACTIONS = Sheet(
    "actions",
    "Actions",
    (
        "workstream",
        "focus_area_ref",
        "focus_area",
        "ref",
        "action",
        "owner",
        "due_date",
        "status",
        "rag",
        "issue",
        "mitigation",
        "next_steps",
    ),
    required=True,
)
RISKS = Sheet(
    "risks",
    "Risks",
    ("ref", "type", "title", "detail", "rag", "impact", "mitigation", "owner", "review_date"),
    required=False,
)
KPIS = Sheet(
    "kpis",
    "KPIs",
    ("name", "kind", "unit", "direction", "frequency", "baseline", "target", "focus_area_ref"),
    required=False,
)
KPI_VALUES = Sheet("kpi_values", "KPI values", ("kpi", "period", "value"), required=False)
SHEETS = (ACTIONS, RISKS, KPIS, KPI_VALUES)

# A row of the template whose first cell starts with this is an example: the importer skips it.
EXAMPLE_MARK = "Example:"
# Several focus areas of a KPI in one cell.
REF_SEPARATOR = "; "
NOT_RATED = "Not yet rated"
_SEPARATORS = re.compile(r"[\s_\-]+")


def key(text: str) -> str:
    """A name as matched: "Due Date", "due_date" and "DUE DATE" are all ``due_date``."""
    return _SEPARATORS.sub("_", str(text).strip().casefold()).strip("_")


def is_example(first_cell: str) -> bool:
    return first_cell.strip().casefold().startswith(EXAMPLE_MARK.casefold())


# --- choices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    column: str
    what: str  # "a status"
    choices: tuple[tuple[str, str], ...]  # (code, label) in the order they are offered
    aliases: tuple[tuple[str, str], ...] = ()  # (what people also write, code)
    hint: str = ""  # said after the choices when the text names none

    def label(self, code: str) -> str:
        return dict(self.choices)[code]

    def labels(self) -> str:
        labels = [label for _, label in self.choices]
        return ", ".join(labels[:-1]) + " or " + labels[-1]

    def read(self, text: str) -> str:
        """The code ``text`` names, or ValueError saying what may be written."""
        wanted = key(text)
        for code, label in self.choices:
            if wanted in (key(code), key(label)) and (wanted or code == ""):
                return code
        for alias, code in self.aliases:
            if wanted == key(alias):
                return code
        if not wanted:
            raise ValueError(f"{self.column} is empty: write {self.labels()}.{self.hint}")
        raise ValueError(f"{self.column} “{text}” is not {self.what}: write {self.labels()}.{self.hint}")


STATUS = Choice(
    "status",
    "a status",
    tuple(ActionStatus.choices),
    (("done", ActionStatus.DONE), ("completed", ActionStatus.DONE), ("", ActionStatus.NOT_STARTED)),
)
ACTION_RAG = Choice(
    "rag",
    "a RAG rating",
    (*Rag.choices, ("", NOT_RATED)),
    (("R", Rag.RED), ("A", Rag.AMBER), ("G", Rag.GREEN), ("not rated", "")),
    hint=" A finished action is rated as before, with Complete in its status (shown blue).",
)
RISK_RAG = Choice("rag", "a RAG rating", tuple(Rag.choices), (("R", Rag.RED), ("A", Rag.AMBER), ("G", Rag.GREEN)))
RISK_TYPE = Choice("type", "risk or issue", tuple(Risk.Kind.choices), (("", Risk.Kind.RISK),))
KPI_KIND = Choice(
    "kind",
    "a kind of KPI",
    tuple(KpiKind.choices),
    (("how much", KpiKind.HOW_MUCH), ("how well", KpiKind.HOW_WELL), ("impact", KpiKind.DIFFERENCE)),
)
DIRECTION = Choice(
    "direction",
    "a direction",
    tuple(Kpi.Direction.choices),
    (
        ("higher", Kpi.Direction.UP),
        ("lower", Kpi.Direction.DOWN),
        ("neither", Kpi.Direction.NEUTRAL),
        ("trend", Kpi.Direction.NEUTRAL),
        ("", Kpi.Direction.UP),
    ),
)
FREQUENCY = Choice(
    "frequency",
    "a frequency",
    tuple(Kpi.Frequency.choices),
    (("annual", Kpi.Frequency.ANNUAL), ("annually", Kpi.Frequency.ANNUAL), ("", Kpi.Frequency.MONTHLY)),
)


# --- dates, numbers, text ---------------------------------------------------------------------


def read_date(column: str, text: str) -> datetime.date:
    """A date cell (read as 2026-05-20), 2026-05-20 or 20/05/2026."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{column} “{text}” is not a date: write 2026-05-20 or 20/05/2026")


def read_number(column: str, text: str) -> Decimal | None:
    """A number (42, 37.5, 1,250, 90%), or None for a blank cell."""
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{column} “{text}” is not a number: write 42 or 37.5, without words") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise ValueError(f"{column} “{text}” is not a number a plan can hold: write one below 10,000,000,000")
    return value.quantize(Decimal("0.01"))


def number_cell(value: Decimal | None):
    """A number as a spreadsheet cell: whole numbers as whole numbers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def unquoted(text: str) -> str:
    """A cell's text as it was before the export quoted it (casereview.exports.spreadsheet_safe puts
    an apostrophe before text that would start a formula, e.g. a mitigation's "- " bullet)."""
    if text[:1] == "'" and text[1:2] in FORMULA_STARTERS:
        return text[1:]
    return text


# --- next steps ---------------------------------------------------------------------------------

DONE_MARK = "[x] "
_DONE = re.compile(r"^(?:\[[xX✓✔]\]|[☑☒✓✔])\s*")
_OPEN = re.compile(r"^(?:\[\s?\]|☐)\s*")


def next_steps_text(steps) -> str:
    """One step a line, "[x] " before a done one."""
    return "\n".join(f"{DONE_MARK if step.done else ''}{step.text}" for step in steps)


def read_next_steps(text: str) -> list[tuple[str, bool]]:
    """(text, done) of each line of a next_steps cell: "[x] " (or ☑) marks a done one, "[ ] " (or ☐)
    an open one; blank lines are skipped."""
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if done := _DONE.match(line):
            line = line[done.end() :]
        elif opened := _OPEN.match(line):
            line = line[opened.end() :]
        line = line.strip()
        if line:
            steps.append((line, bool(done)))
    return steps
