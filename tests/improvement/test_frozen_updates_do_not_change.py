"""A monitoring update is frozen: later edits to the plan never change it; its print page and its
Word document show the same frozen data."""

import datetime
import io

from docx import Document

from improvement import services
from improvement.models import KpiValue, MonitoringUpdate
from improvement.services import ActionData

AS_OF = datetime.date(2027, 4, 30)


def _amber(action, lead):
    return services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=action.version,
        data=ActionData(
            title=action.title,
            owner=action.owner,
            due=action.due,
            rag="amber",
            issue="Sample not agreed.",
            mitigation="Use the May panel.",
        ),
    )


def _freeze(plan, lead):
    return services.update_freeze(
        plan=plan,
        title="Monitoring update – April 2027",
        as_of=AS_OF,
        by=lead,
        highlights="Toolkit published\n- Parent carer conference held",
    )


def test_later_edits_leave_the_update_as_it_was(action, risk, kpi, lead):
    action = _amber(action, lead)
    services.kpi_value_set(kpi=kpi, period=datetime.date(2027, 3, 1), value=81, by=lead)
    plan = action.focus_area.workstream.plan
    update = _freeze(plan, lead)
    frozen = MonitoringUpdate.objects.get(pk=update.pk).content

    services.action_save(
        focus_area=action.focus_area,
        action=action,
        by=lead,
        expected_version=action.version,
        data=ActionData(title="Renamed", owner="Someone else", due=action.due, rag="green"),
    )
    risk.rag, risk.title = "green", "Renamed risk"
    risk.save()
    services.kpi_value_set(kpi=kpi, period=datetime.date(2027, 4, 1), value=95, by=lead)

    update.refresh_from_db()
    assert update.content == frozen
    workstream = update.content["workstreams"][0]
    assert workstream["rag"] == {"red": 0, "amber": 1, "green": 0}
    assert workstream["focus_areas"][0]["actions"][0]["title"] == "Launch a graduated response toolkit"
    assert update.content["risks"][0]["title"] == "Capacity for change"
    assert update.content["kpis"][0]["latest"] == {"period": "2027-03-01", "value": 81}
    assert update.content["highlights"] == ["Toolkit published", "Parent carer conference held"]
    assert KpiValue.objects.filter(kpi=kpi).count() == 2


def test_the_print_page_and_the_word_document_show_the_frozen_update(action, risk, kpi, lead, viewer, client_for):
    _amber(action, lead)
    update = _freeze(action.focus_area.workstream.plan, lead)
    risk.title = "Renamed risk"
    risk.save()
    client = client_for(viewer)
    page = client.get(f"/plans/updates/{update.pk}/").content.decode()
    assert "Capacity for change" in page and "Renamed risk" not in page
    assert "improvement/print.css" in page and "Sample not agreed." in page

    response = client.get(f"/plans/updates/{update.pk}/word.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Monitoring update – April 2027" in text and "Toolkit published" in text
    assert "Capacity for change" in cells and "Renamed risk" not in cells
    assert "Sample not agreed." in cells and "Amber" in cells
    assert "Decisions to assess within 6 weeks (%)" in cells


def test_the_list_compares_rag_by_workstream_over_updates(action, lead, viewer, client_for):
    plan = action.focus_area.workstream.plan
    _freeze(plan, lead)
    _amber(action, lead)
    services.update_freeze(
        plan=plan, title="Monitoring update – May 2027", as_of=datetime.date(2027, 5, 31), highlights="", by=lead
    )
    page = client_for(viewer).get(f"/plans/{plan.pk}/updates/").content.decode()
    assert "0 red, 0 amber, 1 green" in page and "0 red, 1 amber, 0 green" in page


def test_only_the_lead_freezes_an_update(plan, lead, viewer, facilitator, client_for):
    data = {"title": "Update", "as_of": "2027-04-30", "highlights": ""}
    for person in (viewer, facilitator):
        assert client_for(person).post(f"/plans/{plan.pk}/updates/new/", data).status_code == 403
    assert client_for(lead).post(f"/plans/{plan.pk}/updates/new/", data).status_code == 302
    assert MonitoringUpdate.objects.filter(plan=plan).count() == 1
