"""A plan as an XLSX workbook whose sheets and columns are those the importer reads, so a plan
exported, edited in Excel and imported again is updated row by row (docs/improvement.md)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from casereview.exports import spreadsheet_safe
from improvement.models import Plan
from improvement.periods import period_label
from improvement.workbook.columns import (
    ACTION_RAG,
    ACTIONS,
    DIRECTION,
    FREQUENCY,
    KPI_KIND,
    KPI_VALUES,
    KPIS,
    REF_SEPARATOR,
    RISK_RAG,
    RISK_TYPE,
    RISKS,
    STATUS,
    Sheet,
    next_steps_text,
    number_cell,
)

DATE_FORMAT = "yyyy-mm-dd"
# Columns of long text: wrapped, and wider.
WIDE = {"focus_area", "action", "issue", "mitigation", "next_steps", "title", "detail", "impact", "name"}


def action_rows(plan: Plan) -> list[list]:
    """One row per action, and one (action blank) per focus area without any, so it comes back."""
    rows = []
    workstreams = plan.workstreams.prefetch_related(
        "focus_areas__actions__next_steps", "focus_areas__actions__owner_member"
    )
    for workstream in workstreams:
        for area in workstream.focus_areas.all():
            head = [workstream.name, area.ref, area.statement]
            actions = list(area.actions.all())
            if not actions:
                rows.append(head + [None] * (len(ACTIONS.columns) - len(head)))
            for action in actions:
                rows.append(
                    head
                    + [
                        action.ref,
                        action.title,
                        action.owner_label,
                        action.due,
                        STATUS.label(action.status),
                        ACTION_RAG.label(action.rag),
                        action.issue,
                        action.mitigation,
                        next_steps_text(action.next_steps.all()),
                    ]
                )
    return rows


def risk_rows(plan: Plan) -> list[list]:
    return [
        [
            risk.ref,
            RISK_TYPE.label(risk.kind),
            risk.title,
            risk.detail,
            RISK_RAG.label(risk.rag),
            risk.impact,
            risk.mitigation,
            risk.owner,
            risk.review_date,
        ]
        for risk in plan.risks.all()
    ]


def kpi_rows(plan: Plan) -> list[list]:
    return [
        [
            kpi.name,
            KPI_KIND.label(kpi.kind),
            kpi.unit,
            DIRECTION.label(kpi.direction),
            FREQUENCY.label(kpi.frequency),
            number_cell(kpi.baseline),
            number_cell(kpi.target),
            REF_SEPARATOR.join(area.ref for area in kpi.focus_areas.order_by("sort_key", "pk")),
        ]
        for kpi in plan.kpis.prefetch_related("focus_areas")
    ]


def kpi_value_rows(plan: Plan) -> list[list]:
    """The values entered or imported; computed KPIs' values are the product's, never exported."""
    return [
        [value.kpi.name, period_label(value.kpi.frequency, value.period), number_cell(value.value)]
        for kpi in plan.kpis.all()
        if not kpi.is_computed
        for value in kpi.values.select_related("kpi").order_by("period")
    ]


def _cell(value):
    """A value as its cell: text neutralised as in every download, blank text as an empty cell."""
    if value == "":
        return None
    return spreadsheet_safe(value)


def write_sheet(workbook: Workbook, sheet: Sheet, rows: list[list], *, first: bool = False):
    worksheet = workbook.active if first else workbook.create_sheet()
    worksheet.title = sheet.title
    worksheet.append(list(sheet.columns))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for row in rows:
        worksheet.append([_cell(value) for value in row])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = 48 if column in WIDE else 18
        for cell in worksheet[letter][1:]:
            if column.endswith("date"):
                cell.number_format = DATE_FORMAT
            elif column in WIDE:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return worksheet


def sheets_of(plan: Plan) -> list[tuple[Sheet, list[list]]]:
    return [
        (ACTIONS, action_rows(plan)),
        (RISKS, risk_rows(plan)),
        (KPIS, kpi_rows(plan)),
        (KPI_VALUES, kpi_value_rows(plan)),
    ]


def plan_workbook(plan: Plan) -> bytes:
    workbook = Workbook()
    for index, (sheet, rows) in enumerate(sheets_of(plan)):
        write_sheet(workbook, sheet, rows, first=index == 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
