"""A monitoring update as a Word document (python-docx), from the update's frozen content: the
same data as its print page, laid out as seed 003 lays out a board update."""

from docx import Document
from docx.shared import Pt

from casereview.exports import printable
from improvement.models import MonitoringUpdate

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", None: "—"}


def _text(value) -> str:
    """A value of the frozen content as text Word can hold: python-docx refuses a control character
    (lxml writes XML 1.0), so one typed into the plan would make its updates impossible to export.
    Tabs and newlines are kept: python-docx writes them as tabs and line breaks."""
    return printable("" if value is None else str(value))


def _paragraph(document, text, style=None):
    return document.add_paragraph(_text(text), style=style)


def _heading(document, text, level: int):
    return document.add_heading(_text(text), level=level)


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = _text(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _text(text)
    return table


def update_document(update: MonitoringUpdate) -> Document:
    content = update.content
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    _heading(document, content["plan"], level=0)
    _paragraph(document, f"{update.title} — as at {update.as_of:%-d %B %Y}")

    _heading(document, "Highlights", level=1)
    for line in content["highlights"] or ["No highlights recorded."]:
        _paragraph(document, line, style="List Bullet")

    _heading(document, "RAG by workstream", level=1)
    _table(
        document,
        ["Workstream", "Red", "Amber", "Green"],
        [[w["name"], w["rag"]["red"], w["rag"]["amber"], w["rag"]["green"]] for w in content["workstreams"]],
    )

    _heading(document, "Programme risks and issues", level=1)
    if content["risks"]:
        _table(
            document,
            ["Risk/Issue", "Detail", "RAG", "Impact", "Mitigation", "Owner", "Review"],
            [
                [
                    r["title"],
                    r["detail"],
                    RAG_WORDS[r["rag"]],
                    r["impact"],
                    r["mitigation"],
                    r["owner"],
                    r["review_date"] + (" (review overdue)" if r["review_overdue"] else ""),
                ]
                for r in content["risks"]
            ],
        )
    else:
        _paragraph(document, "No open risks or issues.")

    for workstream in content["workstreams"]:
        _heading(document, f"{workstream['name']} workstream", level=1)
        rows, progress, next_steps = [], [], []
        for area in workstream["focus_areas"]:
            for action in area["actions"] or [None]:
                if action is None:
                    rows.append(
                        [
                            f"Focus Area {area.get('ref', area.get('number'))}: {area['statement']}",
                            "No action yet",
                            "—",
                            "",
                            "",
                        ]
                    )
                    continue
                milestone = f"{action['title']} (owner: {action['owner']}; due {action['due']}; {action['status']}"
                milestone += "; overdue)" if action["overdue"] else ")"
                rows.append(
                    [
                        f"Focus Area {area.get('ref', area.get('number'))}: {area['statement']}",
                        milestone,
                        RAG_WORDS[action["rag"]],
                        action["issue"],
                        action["mitigation"],
                    ]
                )
                progress += [f"{note['date']}: {note['text']}" for note in action["progress"]]
                next_steps += [("☑ " if step["done"] else "☐ ") + step["text"] for step in action["next_steps"]]
        _table(document, ["Focus Area", "Milestone", "RAG", "Issue", "Mitigation"], rows)
        _heading(document, "Progress", level=2)
        for line in progress or ["No progress recorded."]:
            _paragraph(document, line, style="List Bullet")
        _heading(document, "Next steps", level=2)
        for line in next_steps or ["No next steps recorded."]:
            _paragraph(document, line, style="List Bullet")

    _heading(document, "Key performance indicators", level=1)
    if content["kpis"]:
        _table(
            document,
            ["KPI", "Kind", "Target", "Latest", "RAG"],
            [
                [
                    k["name"] + (f" ({k['unit']})" if k["unit"] else ""),
                    k["kind_label"],
                    "—" if k["target"] is None else k["target"],
                    f"{k['latest']['value']} ({k['latest']['period']})" if k["latest"] else "No value yet",
                    RAG_WORDS[k["rag"]],
                ]
                for k in content["kpis"]
            ],
        )
    else:
        _paragraph(document, "No KPIs yet.")

    if content["themes_without_action"]:
        _heading(document, "Review themes with no action yet", level=1)
        for label in content["themes_without_action"]:
            _paragraph(document, label, style="List Bullet")
    return document
