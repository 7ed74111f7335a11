"""The plan workbook to start from: the four sheets with their headers, one example row each (its
first cell starts with "Example:", so the importer skips it), and a "Read me" sheet listing every
column and what it takes (the importer ignores that sheet)."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from casereview.exports import spreadsheet_safe
from improvement.workbook.columns import (
    ACTION_RAG,
    ACTIONS,
    DIRECTION,
    EXAMPLE_MARK,
    FREQUENCY,
    KPI_KIND,
    KPI_VALUES,
    KPIS,
    RISK_RAG,
    RISK_TYPE,
    RISKS,
    STATUS,
)
from improvement.workbook.export import write_sheet

DATE = "a date: 2026-05-20, 20/05/2026 or a date cell"
GUARDED = "text; never a child's name or identifier"

READ_ME = [
    (ACTIONS, "workstream", "the workstream's name, e.g. Culture (matched by name)", "required"),
    (
        ACTIONS,
        "focus_area_ref",
        "the focus area's reference, e.g. 1, 1.B or 14–15 (matched within the plan)",
        "required",
    ),
    (ACTIONS, "focus_area", "the focus area's statement, the same on every row of that focus area", "required"),
    (
        ACTIONS,
        "ref",
        "the action's reference, e.g. 1.B or Task 2.A (matched within its focus area)",
        "may be blank: the action is then matched by its exact title",
    ),
    (ACTIONS, "action", "what will be done (the milestone)", "blank for a focus area with no action yet"),
    (ACTIONS, "owner", "a staff role or a member of staff, e.g. Head of SEND", GUARDED),
    (ACTIONS, "due_date", "when it is due", DATE),
    (ACTIONS, "status", "how far it has got", STATUS.labels() + " (blank: Not started)"),
    (
        ACTIONS,
        "rag",
        "the lead's rating",
        ACTION_RAG.labels() + "; also R, A, G. Amber and red need an issue and a mitigation",
    ),
    (ACTIONS, "issue", "what the issue is (lines and bullets are kept)", GUARDED),
    (ACTIONS, "mitigation", "what is done about it (lines and bullets are kept)", GUARDED),
    (ACTIONS, "next_steps", "one step a line; “[x] ” before a step that is done", GUARDED),
    (
        RISKS,
        "ref",
        "the risk's reference, e.g. R1 (matched within the plan)",
        "may be blank: the risk is then matched by its title",
    ),
    (RISKS, "type", "a risk (may happen) or an issue (has happened)", RISK_TYPE.labels()),
    (RISKS, "title", "the risk or issue", "required"),
    (RISKS, "detail", "what lies behind it", GUARDED),
    (RISKS, "rag", "its rating", RISK_RAG.labels() + "; also R, A, G"),
    (RISKS, "impact", "what happens if it is not dealt with", GUARDED),
    (RISKS, "mitigation", "what is done about it", GUARDED),
    (RISKS, "owner", "a staff role or a member of staff", "required"),
    (RISKS, "review_date", "when it is reviewed next", DATE),
    (KPIS, "name", "the KPI's name (matched within the plan)", "required"),
    (KPIS, "kind", "which question it answers", KPI_KIND.labels()),
    (KPIS, "unit", "e.g. %, days, requests", "may be blank"),
    (KPIS, "direction", "which way is better", DIRECTION.labels() + " (neither: a trend, never rated)"),
    (KPIS, "frequency", "how often it is measured", FREQUENCY.labels()),
    (KPIS, "baseline", "where it started", "a number, may be blank"),
    (KPIS, "target", "where it should get to", "a number, may be blank"),
    (KPIS, "focus_area_ref", "the focus areas it evidences", "references separated by “; ”, e.g. 14–15; 23"),
    (KPI_VALUES, "kpi", "the KPI's name, as in the KPIs sheet or the plan", "required; not a KPI casereview computes"),
    (
        KPI_VALUES,
        "period",
        "the period, named by the KPI's frequency",
        "2026-05 (monthly), 2026/27 Q1 (quarterly), 2025/26 Autumn term (termly), 2025/26 (annual), "
        "2026-05-20 (per workshop, ad hoc); any frequency also takes a date",
    ),
    (KPI_VALUES, "value", "the value", "a number, e.g. 42 or 37.5"),
]

EXAMPLES = {
    ACTIONS: [
        f"{EXAMPLE_MARK} Culture",
        "1",
        "Partners agree a set of values led behaviours which are the basis of one co-production culture.",
        "1.B",
        "Draft Values Pack created and being reviewed.",
        "Workstream lead, Culture",
        datetime.date(2026, 5, 20),
        STATUS.label("in_progress"),
        ACTION_RAG.label("amber"),
        "Incorporating conflicting partner views into the Values Pack is proving challenging.",
        "• Track changes as documents evolve.\n• Consider agreeing a scheme of delegation for review.",
        "[x] Agree the seven values\nDevelop the Values Action Plan",
    ],
    RISKS: [
        f"{EXAMPLE_MARK} R1",
        RISK_TYPE.label("risk"),
        "Capacity for change",
        "Workloads have increased significantly.",
        RISK_RAG.label("red"),
        "The plan is not delivered within timescales.",
        "Streamline processes to free up time for improvement work.",
        "Director of Education",
        datetime.date(2026, 6, 30),
    ],
    KPIS: [
        f"{EXAMPLE_MARK} % of new EHCPs issued within 20 weeks",
        KPI_KIND.label("how_well"),
        "%",
        DIRECTION.label("up"),
        FREQUENCY.label("monthly"),
        45,
        90,
        "1",
    ],
    KPI_VALUES: [f"{EXAMPLE_MARK} % of new EHCPs issued within 20 weeks", "2026-05", 52],
}


def template_workbook() -> bytes:
    workbook = Workbook()
    read_me = workbook.active
    read_me.title = "Read me"
    read_me.append(["Plan workbook: how to fill it in"])
    read_me["A1"].font = Font(bold=True, size=14)
    for line in (
        "Keep the sheet names and the headers. Headers may be written in any case, with spaces or underscores.",
        f"Row 2 of each sheet is an example: its first cell starts with “{EXAMPLE_MARK}”, so the import skips it. "
        "Delete it or write over it.",
        "Importing into an existing plan updates it: rows are matched by reference, changed rows are saved with "
        "their history, rows of the plan that are not in the workbook are kept.",
        "The import is all or nothing: every problem is listed with its sheet and row, and nothing is written "
        "until there is none.",
        "This sheet is not read by the import.",
    ):
        read_me.append([line])
    read_me.append([])
    read_me.append(["sheet", "column", "what it holds", "what to write"])
    for cell in read_me[read_me.max_row]:
        cell.font = Font(bold=True)
    for sheet, column, what, allowed in READ_ME:
        read_me.append([spreadsheet_safe(text) for text in (sheet.title, column, what, allowed)])
    for letter, width in zip("ABCD", (14, 18, 60, 70)):
        read_me.column_dimensions[letter].width = width
        for cell in read_me[letter][8:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for sheet, example in EXAMPLES.items():
        worksheet = write_sheet(workbook, sheet, [example])
        for cell in worksheet[2]:
            cell.font = Font(italic=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
