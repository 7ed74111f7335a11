"""Import cases from CSV or XLSX: all or nothing, every bad row listed with its line number."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from casereview.uploads import ImportRejected
from workshops.imports import case_import
from workshops.models import BreakoutRoom, Case, CaseAllocation, Workshop

HEADER = "reference,phase,year_group,primary_need,support_level,current_provision,room"
GOOD = (
    HEADER
    + "\nC-001,Secondary,9,ASD,EHCP,MSS,Room 1\nC-002,primary,Year 5,semh,SEN support,Mainstream school or academy,\n"
)


def run(organisation, workshop, text=None, *, data=None, filename="cases.csv"):
    return case_import(
        organisation=organisation,
        workshop=workshop,
        filename=filename,
        data=data if data is not None else text.encode(),
    )


def problems_of(organisation, workshop, text=None, **kwargs):
    with pytest.raises(ImportRejected) as rejected:
        run(organisation, workshop, text, **kwargs)
    assert not Case.objects.exists() and not CaseAllocation.objects.exists()
    return [str(problem) for problem in rejected.value.problems]


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_csv_creates_cases_allocates_them_and_creates_named_rooms(organisation, workshop):
    result = run(organisation, workshop, GOOD)
    assert (result.created, result.updated, result.rooms_created) == (2, 0, ["Room 1"])
    first = Case.objects.get(reference="C-001")
    assert (first.phase.code, first.year_group, first.primary_need.code, first.current_provision.code) == (
        "SECONDARY",
        "9",
        "ASD",
        "MSS",
    )
    second = Case.objects.get(reference="C-002")
    assert (second.year_group, second.support_level.code, second.current_provision.code) == (
        "5",
        "SEN_SUPPORT",
        "MAINSTREAM",
    )
    allocations = {a.case.reference: a for a in CaseAllocation.objects.filter(workshop=workshop)}
    assert allocations["C-001"].room.name == "Room 1" and allocations["C-002"].room is None
    assert allocations["C-001"].position < allocations["C-002"].position


def test_a_good_xlsx_imports_the_same(organisation, workshop):
    data = xlsx([HEADER.split(","), ["C-001", "SECONDARY", 9, "ASD", "EHCP", "MSS", "Room 1"]])
    assert run(organisation, workshop, data=data, filename="cases.xlsx").created == 1
    assert Case.objects.get().year_group == "9"


def test_importing_again_updates_the_case_and_keeps_one_allocation(organisation, workshop):
    run(organisation, workshop, GOOD)
    result = run(
        organisation,
        workshop,
        GOOD.replace("C-001,Secondary,9,ASD,EHCP,MSS,Room 1", "c-001,Secondary,10,ASD,EHCP,INMSS,Room 2"),
    )
    assert (result.created, result.updated) == (0, 2)
    assert Case.objects.get(reference="C-001").current_provision.code == "INMSS"
    assert CaseAllocation.objects.get(case__reference="C-001").room.name == "Room 2"
    assert CaseAllocation.objects.count() == 2


def test_a_case_known_from_an_earlier_workshop_is_brought_into_this_one(organisation, workshop):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=workshop.date.replace(month=9))
    run(organisation, workshop, GOOD)
    run(organisation, later, GOOD)
    assert Case.objects.count() == 2
    assert CaseAllocation.objects.filter(case__reference="C-001").count() == 2


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_imported(organisation, workshop):
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                "C-001,Secondary,9,ASD,EHCP,MSS,",
                "C-002,Secondary,9,XYZ,EHCP,MSS,",  # unknown need
                "c-001,Secondary,9,ASD,EHCP,MSS,",  # duplicate reference (any case)
                "C-004,Tertiary,19,ASD,Plan,Castle,",  # unknown phase, year, support, provision
                "John Smith,Secondary,9,ASD,EHCP,MSS,",  # a name, not a reference
                ",Secondary,9,ASD,EHCP,MSS,",  # no reference
                "B801200005001,Secondary,9,ASD,EHCP,MSS,",  # a UPN
            ]
        )
    )
    problems = problems_of(organisation, workshop, text)
    joined = "\n".join(problems)
    assert "Line 3: primary_need: “XYZ” is not a primary need" in joined
    assert "Line 4: reference c-001 is also on line 2." in joined
    assert "Line 5: phase" in joined and "Line 5: year_group “19”" in joined
    assert "Line 5: support_level" in joined and "Line 5: current_provision" in joined
    assert "Line 6: reference “John Smith”" in joined
    assert "Line 7: reference is empty." in joined
    assert "Line 8: reference: This looks like it contains a UPN" in joined


def test_a_retired_code_is_refused(organisation, workshop, term):
    mss = term("provision", "MSS")
    mss.retired_at = timezone.now()
    mss.save()
    assert "retired provision type" in problems_of(organisation, workshop, GOOD)[0]


def test_a_missing_column_is_named(organisation, workshop):
    text = "reference,phase,year_group,support_level,current_provision\nC-001,Secondary,9,EHCP,MSS\n"
    assert problems_of(organisation, workshop, text) == [
        "Line 0: Missing column: primary_need. "
        "Columns found: reference, phase, year_group, support_level, current_provision."
    ]


def test_headers_are_case_insensitive_and_in_any_order(organisation, workshop):
    text = "Current_Provision,REFERENCE,Primary_Need,phase,Support_Level,Year_Group\nMSS,C-001,ASD,Secondary,EHCP,9\n"
    assert run(organisation, workshop, text).created == 1


@pytest.mark.parametrize(
    "text,message",
    [("", "The file is empty."), (HEADER + "\n", "no rows under its header"), (HEADER + "\n,,,,,,\n", "no rows")],
)
def test_an_empty_file_says_so(organisation, workshop, text, message):
    assert message in problems_of(organisation, workshop, text)[0]


def test_a_file_in_another_encoding_says_how_to_save_it(organisation, workshop):
    data = (HEADER + "\nC-001,Secondary,9,ASD,EHCP,MSS,Salle é\n").encode("cp1252")
    assert "CSV UTF-8" in problems_of(organisation, workshop, data=data)[0]


def test_a_file_with_a_nul_character_is_refused(organisation, workshop):
    problems = problems_of(organisation, workshop, GOOD.replace("Room 1", "Room\x001"))
    assert any("Line 2: room holds a NUL character" in problem for problem in problems), problems


def test_a_utf8_file_with_a_byte_order_mark_is_fine(organisation, workshop):
    assert run(organisation, workshop, data=("\ufeff" + GOOD).encode("utf-8")).created == 2


def test_an_xlsx_with_formulas_is_refused(organisation, workshop):
    data = xlsx([HEADER.split(","), ["C-001", "Secondary", "=4+5", "ASD", "EHCP", "MSS", ""]])
    assert "Cell C2 holds a formula (=4+5)" in problems_of(organisation, workshop, data=data, filename="cases.xlsx")[0]


def test_a_damaged_xlsx_or_another_file_type_is_refused(organisation, workshop):
    assert (
        "could not be opened as an Excel"
        in problems_of(organisation, workshop, data=b"not a zip", filename="cases.xlsx")[0]
    )
    assert "Upload a .csv or .xlsx file" in problems_of(organisation, workshop, data=b"x", filename="cases.xls")[0]


# The lead's import page.


def upload(client, workshop, content, name="cases.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("case_import", args=[workshop.pk]), {"file": file})


def test_the_lead_imports_through_the_page_and_is_sent_to_allocation(client_for, lead, workshop):
    response = upload(client_for(lead), workshop, GOOD.encode())
    assert response.status_code == 302 and response.url == reverse("allocation", args=[workshop.pk])
    assert Case.objects.count() == 2 and BreakoutRoom.objects.filter(name="Room 1").exists()


def test_the_page_lists_every_problem_and_imports_nothing(client_for, lead, workshop):
    response = upload(
        client_for(lead),
        workshop,
        (HEADER + "\nC-001,Secondary,9,XYZ,EHCP,MSS,\nC-001,Secondary,9,ASD,EHCP,MSS,\n").encode(),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 2 problems to fix" in page
    assert "Line 2: primary_need" in page and "Line 3: reference C-001 is also on line 2." in page
    assert not Case.objects.exists()


def test_only_the_lead_may_import(client_for, facilitator, viewer, outsider, workshop):
    assert upload(client_for(facilitator), workshop, GOOD.encode()).status_code == 403
    assert upload(client_for(viewer), workshop, GOOD.encode()).status_code == 403
    assert upload(client_for(outsider), workshop, GOOD.encode()).status_code == 404
    assert not Case.objects.exists()


def test_the_templates_download_with_the_columns_and_codes(client_for, lead, workshop):
    client = client_for(lead)
    csv_response = client.get(reverse("case_import_template", args=[workshop.pk, "csv"]))
    assert csv_response.content.decode().strip() == HEADER
    xlsx_response = client.get(reverse("case_import_template", args=[workshop.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert [cell.value for cell in workbook["Cases"][1]] == HEADER.split(",")
    codes = {(row[0], row[1]) for row in workbook["Codes"].iter_rows(values_only=True)}
    assert ("primary_need", "ASD") in codes and ("current_provision", "INMSS") in codes
    assert client.get(reverse("case_import_template", args=[workshop.pk, "pdf"])).status_code == 404


def test_a_template_of_the_lead_imports_cleanly_once_filled_in(client_for, lead, workshop):
    template = client_for(lead).get(reverse("case_import_template", args=[workshop.pk, "xlsx"])).content
    workbook = load_workbook(io.BytesIO(template))
    workbook["Cases"].append(["C-050", "PRIMARY", 4, "SLCN", "SEN_SUPPORT", "MAINSTREAM", "Room 1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(client_for(lead), workshop, buffer.getvalue(), "filled.xlsx").status_code == 302
    assert Case.objects.get().reference == "C-050"
