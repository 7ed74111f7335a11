"""A monitoring update is frozen once and exported for ever: a control character typed into the
plan (an ESC or a BEL pasted from another system) must not make its Word document a server error.
python-docx refuses what XML 1.0 cannot hold, so every text reaching Word is made printable
(casereview.exports.printable); tabs and line breaks stay tabs and line breaks."""

import datetime
import io

import pytest
from docx import Document

from improvement import services
from improvement.models import Action, Kpi

# NUL is not among them: no form takes it (Django refuses it) and PostgreSQL cannot store it, so it
# can never reach a frozen update (the download test of casereview covers it in CSV and XLSX).
DROPPED = [chr(code) for code in range(1, 0x20) if chr(code) not in "\t\n\r"] + ["\x7f", "\ufffe", "\uffff"]


def _typed_into_the_plan(action, risk, kpi, lead, text: str):
    """``text`` put where the plan's people type: the plan, a risk, an action, a KPI."""
    plan = action.focus_area.workstream.plan
    plan.title = f"SEND{text}programme"
    plan.save()
    risk.title, risk.detail = f"Capacity{text}for change", f"Workloads{text}rose."
    risk.save()
    Action.objects.filter(pk=action.pk).update(issue=f"Sample{text}not agreed.")
    Kpi.objects.filter(pk=kpi.pk).update(name=f"Decisions{text}to assess", unit=f"per{text}cent")
    return services.update_freeze(
        plan=plan, title=f"April{text}update", as_of=datetime.date(2027, 4, 30), highlights=f"Toolkit{text}out", by=lead
    )


def _word_text(client, update) -> str:
    response = client.get(f"/plans/updates/{update.pk}/word.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


@pytest.mark.parametrize("character", DROPPED, ids=[f"U+{ord(c):04X}" for c in DROPPED])
def test_a_control_character_in_a_frozen_update_is_dropped_from_its_word_document(
    character, action, risk, kpi, lead, client_for
):
    update = _typed_into_the_plan(action, risk, kpi, lead, f" {character}")
    text = _word_text(client_for(lead), update)
    assert character not in text
    for typed in ("SEND programme", "Capacity for change", "Workloads rose.", "Sample not agreed.", "April update"):
        assert typed in text
    assert "Decisions to assess (per cent)" in text
    assert "Toolkit" in text  # a highlight (some controls split it into lines as the update froze it)


@pytest.mark.parametrize(("typed", "shown"), [("\t", "\t"), ("\n", "\n"), ("\r", "\n"), ("\r\n", "\n")])
def test_tabs_and_line_breaks_in_a_frozen_update_stay_in_its_word_document(
    typed, shown, action, risk, kpi, lead, client_for
):
    update = _typed_into_the_plan(action, risk, kpi, lead, typed)
    text = _word_text(client_for(lead), update)
    assert f"Capacity{shown}for change" in text and f"Sample{shown}not agreed." in text
