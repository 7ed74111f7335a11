"""A monitoring update as a Word document (python-docx), from the update's frozen content: the
same data as its print page, laid out as seed 003 lays out a board update."""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from casereview.exports import printable
from improvement.board_paper import SHADES, board_paper, rating_label
from improvement.models import MonitoringUpdate
from improvement.paragraphs import blocks

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


def _kpi_row(k: dict) -> list[str]:
    """One KPI of the frozen content as the board paper's row: its last three values (period and
    value), baseline, target, and its RAG or, where neither way is better, its trend, in words.
    An update frozen before the last three values were kept shows its latest value."""
    name = k["name"] + (f" ({k['unit']})" if k["unit"] else "")
    if k.get("frequency"):
        name += f"\n{k['frequency']}" + (f"; {k['direction_label'].lower()}" if k.get("direction_label") else "")
    if k.get("recent"):
        values = "\n".join(f"{v['label']}: {v['value']}" for v in k["recent"])
    else:
        values = f"{k['latest']['value']} ({k['latest']['period']})" if k["latest"] else "No value yet"
    if k.get("direction") == "neutral":
        status = "No RAG: a trend only"
    else:
        status = {"red": "Red", "amber": "Amber", "green": "Green"}.get(k["rag"], "—")
    if k.get("trend"):
        status += f"\n{k['trend']['text']}"
    return [
        name,
        k["kind_label"],
        "—" if k.get("baseline") is None else k["baseline"],
        "—" if k["target"] is None else k["target"],
        values,
        status,
    ]


# --- the board paper's conventions: shaded ratings, kept line breaks and bullets ---------------


def _shade(cell, rating: str) -> None:
    """Shade a rating's cell (w:shd fill) and colour its word for contrast (board_paper.SHADES);
    "not yet rated" stays unshaded. The word is always in the cell: colour is never the only signal."""
    if rating not in SHADES:
        return
    fill, colour = SHADES[rating]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(colour)


def _rating_cell(cell, rating: str) -> None:
    cell.text = rating_label(rating)
    _shade(cell, rating)


def _blocks_into(cell, text) -> None:
    """Typed text into a table cell with its paragraphs and its bullets (style "List Bullet")."""
    parts = blocks(_text(text))
    first = cell.paragraphs[0]
    for kind, value in parts:
        for line in value if kind == "ul" else [value]:
            style = "List Bullet" if kind == "ul" else None
            if first is not None:
                first.text = line
                if style:
                    first.style = cell.part.document.styles[style]
                first = None
            else:
                cell.add_paragraph(line, style=style)


def _blocks_as_paragraphs(document, lead: str, text) -> None:
    """A progress note: a bullet "date: first paragraph", its other paragraphs and bullets under it."""
    parts = blocks(_text(text))
    if not parts or parts[0][0] == "ul":
        _paragraph(document, lead, style="List Bullet")
    else:
        _paragraph(document, f"{lead} {parts.pop(0)[1]}", style="List Bullet")
    for kind, value in parts:
        for line in value if kind == "ul" else [value]:
            _paragraph(document, line, style="List Bullet 2" if kind == "ul" else "List Continue")


def _landscape(document) -> None:
    """A board paper's tables are wide: the page is A4 landscape, as the print view's."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _meeting_and_sign_off(document, update: MonitoringUpdate) -> None:
    if update.meeting_id:
        meeting = update.meeting
        _paragraph(document, f"For the meeting: {meeting.board}, {meeting.date:%-d %B %Y}")
    if update.signed_off_on:
        _paragraph(document, f"Signed off by {update.signed_off_by} on {update.signed_off_on:%-d %B %Y}")
    else:
        _paragraph(document, "Not signed off yet.")


def _workstream_table(document, workstream: dict) -> None:
    header = ["Ref", "Milestone", "Owner", "Due", "Status", "RAG", "Previous → current", "Issue", "Mitigation"]
    table = _table(document, header, [])
    for area in workstream["focus_areas"]:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = _text(f"Focus Area {area['ref']}: {area['statement']}")
        for run in merged.paragraphs[0].runs:
            run.bold = True
        if not area["actions"]:
            table.add_row().cells[1].text = "No action yet"
        for action in area["actions"]:
            cells = table.add_row().cells
            milestone = action["title"] + (" (overdue)" if action["overdue"] else "")
            for cell, text in zip(cells, [action["ref"], milestone, action["owner"], action["due"], action["status"]]):
                cell.text = _text(text)
            _rating_cell(cells[5], action["rating"])
            cells[6].text = _text(action["travel_text"])
            _blocks_into(cells[7], action["issue"])
            _blocks_into(cells[8], action["mitigation"])


def _recommendations(document, paper: dict) -> None:
    _heading(document, "Recommendations and decisions", level=1)
    if not paper["recommendations"]:
        _paragraph(document, "No recommendations.")
        return
    header = ["Ref", "Theme", "Recommendation", "Decision", "Reason", "Action", "Rating"]
    table = _table(document, header, [])
    for r in paper["recommendations"]:
        for action in r["actions"] or [None]:
            cells = table.add_row().cells
            for cell, text in zip(cells, [r["ref"], r["theme"], r["text"], r["decision_label"], r["reason"]]):
                _blocks_into(cell, text)
            if action is None:
                cells[5].text, cells[6].text = "—", "—"
            else:
                cells[5].text = _text((f"{action['ref']}. " if action["ref"] else "") + action["title"])
                cells[5].add_paragraph(_text(action["status"]))
                _rating_cell(cells[6], action["rating"])


def update_document(update: MonitoringUpdate) -> Document:
    content = update.content
    paper = board_paper(content)
    document = Document()
    _landscape(document)
    document.styles["Normal"].font.size = Pt(10)
    _heading(document, content["plan"], level=0)
    _paragraph(document, f"{update.title} — as at {update.as_of:%-d %B %Y}")
    _meeting_and_sign_off(document, update)
    if paper["previous_update"]:
        previous = paper["previous_update"]
        _paragraph(document, f"Previous ratings are those of “{previous['title']}” (as at {previous['as_of']}).")

    _heading(document, "Highlights", level=1)
    for line in content["highlights"] or ["No highlights recorded."]:
        _paragraph(document, line, style="List Bullet")

    _heading(document, "RAG by workstream", level=1)
    table = _table(
        document,
        ["Workstream", "Red", "Amber", "Green", "Complete", "Not yet rated"],
        [
            [w["name"], *(w["ratings"][key] for key in ("red", "amber", "green", "blue", "not_rated"))]
            for w in paper["workstreams"]
        ],
    )
    for cell, rating in zip(table.rows[0].cells[1:5], ("red", "amber", "green", "blue")):
        _shade(cell, rating)

    _heading(document, "Programme risks and issues", level=1)
    if content["risks"]:
        table = _table(document, ["Risk/Issue", "Detail", "RAG", "Impact", "Mitigation", "Owner", "Review"], [])
        for r in content["risks"]:
            cells = table.add_row().cells
            cells[0].text = _text((f"{r['ref']}. " if r.get("ref") else "") + r["title"])
            _blocks_into(cells[1], r["detail"])
            _rating_cell(cells[2], r["rag"])
            _blocks_into(cells[3], r["impact"])
            _blocks_into(cells[4], r["mitigation"])
            cells[5].text = _text(r["owner"])
            cells[6].text = _text(r["review_date"] + (" (review overdue)" if r["review_overdue"] else ""))
    else:
        _paragraph(document, "No open risks or issues.")

    for workstream in paper["workstreams"]:
        _heading(document, f"{workstream['name']} workstream", level=1)
        _workstream_table(document, workstream)
        _heading(document, "Progress", level=2)
        notes = [
            (note["date"] + (f" ({a['ref']})" if a["ref"] else "") + ":", note["text"])
            for area in workstream["focus_areas"]
            for a in area["actions"]
            for note in a["progress"]
        ]
        for lead, text in notes:
            _blocks_as_paragraphs(document, lead, text)
        if not notes:
            _paragraph(document, "No progress recorded.", style="List Bullet")
        _heading(document, "Next steps", level=2)
        steps = [
            ("☑ " if step["done"] else "☐ ") + step["text"]
            for area in workstream["focus_areas"]
            for a in area["actions"]
            for step in a["next_steps"]
        ]
        for line in steps or ["No next steps recorded."]:
            _paragraph(document, line, style="List Bullet")

    _heading(document, "Key performance indicators", level=1)
    if content["kpis"]:
        _table(
            document,
            ["KPI", "Kind", "Baseline", "Target", "Last three values", "RAG or trend"],
            [_kpi_row(k) for k in content["kpis"]],
        )
    else:
        _paragraph(document, "No KPIs yet.")

    if paper["has_recommendations"]:
        _recommendations(document, paper)

    if content["themes_without_action"]:
        _heading(document, "Review themes with no action yet", level=1)
        for label in content["themes_without_action"]:
            _paragraph(document, label, style="List Bullet")
    return document
