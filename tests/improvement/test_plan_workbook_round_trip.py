# ruff: noqa: E501  (seed 003's text is copied verbatim, one string a cell)
"""A whole plan in and out as a workbook (issue 36): seed 003's real milestones (BCP's WSOA
monitoring report, their issue and mitigation text with its bullet lines, numbering such as 14–15
and 1.B) imported, exported cell for cell as they came in, and imported again writing nothing.
Also: all or nothing with every bad row listed, header variants, date formats, an identifier in a
cell, a wrong file, who may import and export, and manage.py import_plan."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from casereview.uploads import ImportRejected
from improvement import services
from improvement.models import Action, ActionChange, FocusArea, Kpi, KpiValue, Plan, Risk, RiskChange, Workstream
from improvement.workbook.columns import SHEETS
from improvement.workbook.export import plan_workbook
from improvement.workbook.importer import plan_create_from_workbook, plan_import

UPN = "H801200001001"
NHS_NUMBER = "9434765919"
TITLE = "Written Statement of Action 2022"

# Copied verbatim from /work/shared/seeds/003_*.txt (the tables of each workstream): the focus area,
# the milestone, the issue and the mitigation; the mitigation's bullets one a line. The owners are the
# roles who would own them; the due dates follow the seed's "end of April", "August 2022".
MILESTONES = [
    (
        "Culture",
        "1",
        "Partners agree a set of values led behaviours which are the basis of creating one co-production culture across the local area SEND system.",
        "1.B",
        "Draft Values Pack created and being reviewed.",
        "Workstream lead, Culture",
        datetime.date(2022, 4, 30),
        "In progress",
        "Amber",  # the seed's "A"
        "Incorporating conflicting partner views and feedback into Values Pack and Action Plan is proving challenging. Could lead to a risk of delay in completing Task 1.B.",
        "• Encourage partners to voice their views in discussions initially and then ensure amendments/developments are implemented promptly.\n• Track changes as documents evolve.\n• Consider agreeing a scheme of delegation for review.\n• Aim for completion of task by end of April but accept that SIB sign off may have to be at the following Board meeting in May.",
        "Designing prototype changes to interactions with families.\n[x] Ensuring agreed values are in the new workforce development aspect of the new People Plan.",
    ),
    # A milestone with no reference of its own (matched by its title), from the seed's next steps.
    (
        "Culture",
        "1",
        "Partners agree a set of values led behaviours which are the basis of creating one co-production culture across the local area SEND system.",
        None,
        "Developing Values Action Plan to implement the values (this includes reviewing the Values Pack code of behaviour guidance document for professionals as well as the core Action Plan).",
        "Workstream lead, Culture",
        datetime.date(2022, 5, 31),
        "Not started",
        "Not yet rated",
        None,
        None,
        None,
    ),
    (
        "Culture",
        "2",
        "Leaders have an accurate understanding of the impact of culture change work, and there are effective means for partners to collectively hold each other to account.",
        "2.A",
        "Task & Finish Group meetings now set up with initial members but delegate list needs expanding to include greater representation from schools and CCG.",
        "Workstream lead, Culture",
        datetime.date(2022, 8, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "Availability of members for Task & Finish Group is limited. Easter holidays posing further issues around stakeholder availability. Could lead to a risk of delay in achieving end of April target completion dates for Tasks 2.A and 2.B.",
        "• Continuous monitoring of progress.\n• Ensure community understands the significance of the work.\n• Consider combining Tasks 2.A. and 2.B as Task 2.B relates to QA sign off and allows for a later deadline of August 2022. This may enable partners to give the 2.A. work the greater focus it requires.\n• Flag early any potential programme risks that look likely to occur due to absences/availability and robustly re-programme tasks and sub-tasks as needed to maintain progress momentum.",
        None,
    ),
    (
        "Co-production",
        "10",
        "Transform capacity across partners to support co-production with children and young people",
        "10.1",
        "Agreed programme of work and arrangements for co-production with children and young people is created",
        "Co-production Lead",
        datetime.date(2022, 7, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "Some health providers do have systems in place for co-production and also have peers working within services",
        "Baseline required of all health providers to map out current work and arrangements for co-production. Visits to be booked into groups, schools and individual CYP",
        None,
    ),
    (
        "Identify, Assess, Meet Need",
        "14–15",
        "To have a consistent, knowledgeable and established service with a manageable caseload in place 15: Address immediate staffing issues",
        "14–15",
        "Prepare a staff budget forecast that includes growth to manage continued increase in numbers of EHCPs in line with recent trends. Ensure new recruitment is actioned well in advance to avoid staff overload due to increasing caseloads.",
        "Head of SEND",
        datetime.date(2022, 6, 30),
        "In progress",
        "Amber",  # the seed's "A"
        "Increase in request for EHCP assessment over 50% in the last 3 months. Limited capacity to implement WSOA actions and support systems changes required.",
        "Recruitment requests have been made. Focus on Graduated Response and recommissioning specialist support services to schools. Bid for additional resource funding to Transformation Board.",
        None,
    ),
    (
        "Identify, Assess, Meet Need",
        "20",
        "Social Workers and Managers understand the complexities of SEND",
        "20.1",
        "Co-produced training programme around the nature of SEND is developed for Social Care staff agency staff and Managers, Early Help and Attendance Services",
        "Principal Social Worker",
        datetime.date(2022, 9, 30),
        "In progress",
        "Amber",  # the seed's "A"
        "Staff training budget is limited/not sufficient for the need. Training and workforce development for social care.",
        "Bid for additional resource funding, if unsuccessful develop within LA SEND service.",
        None,
    ),
    (
        "Identify, Assess, Meet Need",
        "22",
        "Governing bodies are following the statutory guidance on supporting pupils at school with medical conditions",
        "22.1",
        "Undertake a survey of schools to ensure that they are all aware of their responsibilities and that their policies reflect the expectations.",
        "Designated Clinical Officer",
        datetime.date(2022, 5, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "Survey not completed before end of Mar 22.",
        "Now being designed and implemented to collect responses ASAP.",
        None,
    ),
    (
        "Identify, Assess, Meet Need",
        "23",
        "An assessment process that results in high quality EHCPs and Annual Reviews",
        "23.1",
        "End to end review of EHCP and Annual Review processes across partners including parent carers, externally facilitated, recommendations agreed by SIB Including timeliness, need for IT system and Business Support",
        "Head of SEND",
        datetime.date(2022, 10, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "The increase in demand and recruitment issues across SEND Service and Business Support means meeting statutory timescales are not being met.",
        "Additional posts going through recruitment processes. Ed psychologist recruitment and retention plan in draft for agreement.",
        None,
    ),
    (
        "Joint Commissioning",
        "30",
        "There is clear and agreed governance and decision-making for joint strategic planning and commissioning for children and young people and decisions / progress are well-communicated to the SEND community",
        "30.1",
        "Task & Finish Group has agreed the mapping of existing governance structure",
        "Director of Commissioning",
        datetime.date(2022, 7, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "Need to align joint commissioning governance proposals with new BCP Council governance and the delayed implementation of the integrated care system",
        "Discussions will now take place with senior leaders on how to strengthen governance and potential links with the Children's Services Transformation Board and the emerging ICS governance",
        None,
    ),
    (
        "Joint Commissioning",
        "31",
        "Strategic commissioning capacity and people supported to develop competencies",
        "31.1",
        "Task & Finish group formed to work on supporting development of strategic commissioning skills",
        "Director of Commissioning",
        datetime.date(2022, 9, 30),
        "In progress",
        "Amber",  # the seed's "A"
        "Need to align proposals for staff development with implementation of the Council's new Commissioning Centre of Excellence",
        "Discussions taking place with the Director of Commissioning/DCS about Children's posts within the Commissioning Centre of Excellence",
        None,
    ),
    (
        "Joint Commissioning",
        "33",
        "Access to appropriate and inclusive short breaks clearly advertised on the SEND Local Offer",
        "",
        "Work to complete needs assessment and options appraisal has started",
        "Short Breaks Commissioning Manager",
        datetime.date(2022, 12, 31),
        "In progress",
        "Amber",  # the seed's "A"
        "Due to limited resources work has not progressed as quickly as planned",
        "An external organisation will undertake some of the data research and provide a market position statement to inform future commissioning",
        None,
    ),
]
# A focus area with no milestone yet (the seed's "Programme – Next Steps"): it comes back too.
PROGRAMME = [
    "Programme",
    "P.1",
    "Communications with Schools – regular contact to be established, including dedicated SEND update",
] + [None] * 9

# The seed's "Programme Risks/Issues" table, verbatim (R there is Red).
RISKS = [
    (
        "R1",
        "Risk",
        "Capacity for Change",
        "Current workloads have increased significantly over the past few months making it difficult to do "
        "additional tasks",
        "Red",
        "WSoA not delivered within timescales. Significant negative impact on Children/Young People and Families "
        "of Bournemouth, Christchurch and Poole",
        "Clear staffing structure in place. Additional work to be done to streamline process to free up additional "
        "time for improvement work.",
        "Director of Education",
        datetime.date(2022, 5, 31),
    ),
    (
        "R2",
        "Issue",
        "Increase in EHCP requests",
        "59% increase from Jan – March",
        "Red",
        "Timeliness of assessments. Pressure on EP service and health colleagues.",
        "Permanent staffing. Communication to schools around capacity.",
        "Head of SEND",
        datetime.date(2022, 5, 31),
    ),
    (
        "R3",
        "Risk",
        "Recruitment and Retention",
        "There are significant delays in recruiting to existing positions due to lack of applicants.",
        "Red",
        "Lack of capacity to deliver a timely service and deliver progress on improvement activities",
        "Widen the recruitment activity to attract a wider pool of applicants",
        "Head of HR, Children's Services",
        datetime.date(2022, 6, 30),
    ),
]

# The seed's example indicators, one of each kind (in the plan's order: kind, then name).
KPIS = [
    (
        "Pupil absence rates of children with SEND",
        "What difference it made",
        "%",
        "Lower is better",
        "Termly",
        9.4,
        7,
        "22",
    ),
    ("No. of EHCP requests", "How much we did", "requests", "Neither (a trend only)", "Monthly", 61, None, "14–15; 23"),
    (
        "% of EHCPs decision to assess made within 6wks",
        "How well we did it",
        "%",
        "Higher is better",
        "Monthly",
        None,
        90,
        "23",
    ),
    ("% of new EHCPs issued within 20wks", "How well we did it", "%", "Higher is better", "Monthly", 40, 60, "23"),
]
# "59% increase from Jan – March": 61 requests in January, 97 in March.
KPI_VALUES = [
    ("Pupil absence rates of children with SEND", "2021/22 Autumn term", 9.4),
    ("Pupil absence rates of children with SEND", "2021/22 Spring term", 8.7),
    ("No. of EHCP requests", "2022-01", 61),
    ("No. of EHCP requests", "2022-02", 74),
    ("No. of EHCP requests", "2022-03", 97),
    ("% of new EHCPs issued within 20wks", "2022-03", 38.5),
]


def workbook(actions=(), risks=(), kpis=(), values=(), *, headers=None, extra_sheet=True, drop=()) -> bytes:
    """A workbook as a lead would make it, with openpyxl (``headers``: sheet title -> its header row)."""
    book = Workbook()
    if extra_sheet:
        book.active.title = "Read me"
        book.active.append(["Our plan, exported from the old spreadsheet."])
    else:
        book.remove(book.active)
    for sheet, rows in zip(SHEETS, (actions, risks, kpis, values)):
        if sheet.title in drop:
            continue
        worksheet = book.create_sheet(sheet.title)
        worksheet.append(list((headers or {}).get(sheet.title, sheet.columns)))
        for row in rows:
            worksheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_workbook() -> bytes:
    return workbook([*MILESTONES, PROGRAMME], RISKS, KPIS, KPI_VALUES)


def rows_of(data: bytes, sheet: str) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True)]


def history_rows() -> int:
    return ActionChange.objects.count() + RiskChange.objects.count()


def problems_of(rejected) -> list[str]:
    return [str(problem) for problem in rejected.value.problems]


def one_action(**changes) -> list:
    """One valid row of the Actions sheet, as a list in the sheet's column order."""
    row = {
        "workstream": "Culture",
        "focus_area_ref": "1",
        "focus_area": "Partners agree a set of values led behaviours.",
        "ref": "1.B",
        "action": "Draft Values Pack created and being reviewed.",
        "owner": "Workstream lead, Culture",
        "due_date": datetime.date(2026, 5, 20),
        "status": "In progress",
        "rag": "Green",
        "issue": None,
        "mitigation": None,
        "next_steps": None,
    }
    row.update(changes)
    return list(row.values())


# --- the round trip -----------------------------------------------------------------------------


def test_seed_003_imports_exports_cell_for_cell_and_imports_again_writing_nothing(organisation, lead):
    data = seed_workbook()
    result = plan_create_from_workbook(organisation=organisation, title=TITLE, filename="wsoa.xlsx", data=data, by=lead)
    plan = result.plan
    assert {kind: counts.created for kind, counts in result.counts.items()} == {
        "Workstreams": 5,
        "Focus areas": 11,
        "Actions": 11,
        "Risks": 3,
        "KPIs": 4,
        "KPI values": 6,
    }
    # The seed's numbering and text, as written.
    area = FocusArea.objects.get(workstream__plan=plan, ref="14–15")
    assert area.workstream.name == "Identify, Assess, Meet Need"
    values_pack = Action.objects.get(focus_area__workstream__plan=plan, ref="1.B")
    assert values_pack.mitigation == MILESTONES[0][10] and values_pack.mitigation.count("\n• ") == 3
    assert values_pack.rag == "amber" and values_pack.get_status_display() == "In progress"
    assert [(s.text, s.done) for s in values_pack.next_steps.all()] == [
        ("Designing prototype changes to interactions with families.", False),
        ("Ensuring agreed values are in the new workforce development aspect of the new People Plan.", True),
    ]
    unnumbered = Action.objects.get(
        focus_area__workstream__plan=plan, title__startswith="Developing Values Action Plan"
    )
    assert (unnumbered.ref, unnumbered.rag, unnumbered.status) == ("", "", "not_started")
    assert Risk.objects.get(plan=plan, ref="R2").kind == "issue"
    requests = Kpi.objects.get(plan=plan, name="No. of EHCP requests")
    assert requests.direction == "neutral" and sorted(a.ref for a in requests.focus_areas.all()) == ["14–15", "23"]
    absence = Kpi.objects.get(plan=plan, name__startswith="Pupil absence")
    assert [v.period for v in absence.values.all()] == [datetime.date(2021, 9, 1), datetime.date(2022, 1, 1)]

    exported = plan_workbook(plan)
    assert load_workbook(io.BytesIO(exported)).sheetnames == ["Actions", "Risks", "KPIs", "KPI values"]
    for sheet in ("Actions", "Risks", "KPIs", "KPI values"):
        assert rows_of(exported, sheet) == rows_of(data, sheet), sheet
    due = load_workbook(io.BytesIO(exported))["Actions"]["G2"]
    assert due.is_date and due.value.date() == MILESTONES[0][6]

    before = history_rows()
    again = plan_import(plan=plan, filename="wsoa.xlsx", data=exported, by=lead)
    assert history_rows() == before
    assert (again.total.created, again.total.updated, again.total.absent) == (0, 0, 0)
    assert again.total.unchanged == 5 + 11 + 11 + 3 + 4 + 6
    assert Action.objects.get(pk=values_pack.pk).version == values_pack.version


def test_an_update_saves_what_changed_with_its_history_and_keeps_what_is_not_in_the_workbook(organisation, lead):
    plan = plan_create_from_workbook(
        organisation=organisation, title=TITLE, filename="wsoa.xlsx", data=seed_workbook(), by=lead
    ).plan
    green = list(MILESTONES[0])
    green[8] = "Green"  # the Values Pack is on track now
    new = list(MILESTONES[2])
    new[3], new[4] = "2.B", "Task 2.B: QA sign off of the accountability framework."
    risk = list(RISKS[0])
    risk[4] = "Amber"
    retyped = list(RISKS[2])
    retyped[1] = "Issue"  # the recruitment risk has happened
    result = plan_import(
        plan=plan, filename="update.xlsx", data=workbook([green, MILESTONES[2], new], [risk, retyped]), by=lead
    )
    assert str(result.counts["Actions"]) == "1 created, 1 updated, 1 unchanged, 9 not in the workbook (kept)"
    assert str(result.counts["Risks"]) == "0 created, 2 updated, 0 unchanged, 1 not in the workbook (kept)"
    assert str(result.counts["KPIs"]) == "0 created, 0 updated, 0 unchanged, 4 not in the workbook (kept)"
    values_pack = Action.objects.get(focus_area__workstream__plan=plan, ref="1.B")
    assert values_pack.rag == "green" and values_pack.version == 2
    assert values_pack.changes.first().changes["RAG"] == ["Amber", "Green"]
    assert Risk.objects.get(plan=plan, ref="R1").changes.first().changes["RAG"] == ["Red", "Amber"]
    recruitment = Risk.objects.get(plan=plan, ref="R3")
    assert recruitment.kind == "issue" and recruitment.changes.count() == 1  # its type is not in the register's history
    assert Action.objects.filter(focus_area__workstream__plan=plan).count() == 12
    assert KpiValue.objects.filter(kpi__plan=plan).count() == 6
    assert "3 updated" in result.summary() and "9 not in the workbook" in result.summary()


def test_text_that_would_start_a_formula_is_quoted_in_the_export_and_comes_back_unchanged(organisation, lead):
    plan = Plan.objects.create(organisation=organisation, title=TITLE)
    area = FocusArea.objects.create(
        workstream=Workstream.objects.create(plan=plan, name="Culture"), ref="1", statement="Values"
    )
    services.action_save(
        focus_area=area,
        action=None,
        by=lead,
        expected_version=0,
        data=services.ActionData(
            title='=HYPERLINK("http://evil.example")',
            owner="@Head of SEND",
            due=datetime.date(2026, 5, 20),
            rag="red",
            issue="- Survey not completed before end of Mar 22.\n- Staff training budget is limited",
            mitigation="+ Bid for additional resource funding",
        ),
    )
    exported = plan_workbook(plan)
    row = load_workbook(io.BytesIO(exported))["Actions"][2]
    assert [row[4].value, row[5].value] == ['\'=HYPERLINK("http://evil.example")', "'@Head of SEND"]
    assert row[4].data_type == "s" and row[9].value.startswith("'- Survey")
    before = history_rows()
    result = plan_import(plan=plan, filename="plan.xlsx", data=exported, by=lead)
    assert history_rows() == before and result.counts["Actions"].unchanged == 1


# --- all or nothing -------------------------------------------------------------------------------


def test_every_bad_row_is_listed_and_nothing_is_written(organisation, lead):
    data = workbook(
        [
            one_action(),
            one_action(ref="1.C", due_date="soon"),
            one_action(ref="1.D", status="Finished"),
            one_action(ref="1.E", rag="A"),
            one_action(ref="1.F", workstream="Co-production"),
        ],
        [("R1", "Risk", "Capacity for Change", "", "Purple", "", "", "Director of Education", "2022-05-31")],
        [("No. of EHCP requests", "How much we did", "", "Neither", "Monthly", "sixty", None, "9")],
        [("No. of EHCP requests", "last spring", 61), ("Attendance", "2022-01", 3)],
    )
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(organisation=organisation, title=TITLE, filename="wsoa.xlsx", data=data, by=lead)
    problems = problems_of(rejected)
    assert "Actions row 3: due_date “soon” is not a date: write 2026-05-20 or 20/05/2026." in problems
    assert problems[1].startswith("Actions row 4: status “Finished” is not a status: write Not started, In progress,")
    assert problems[2] == "Actions row 5: issue: Say what the issue is: an action rated amber needs its reason."
    assert problems[3].startswith("Actions row 5: mitigation: Say what is being done about it")
    assert problems[4].startswith("Actions row 6: focus area 1 is in the workstream “Culture” on row 2")
    assert problems[5] == "Risks row 2: rag “Purple” is not a RAG rating: write Red, Amber or Green."
    assert problems[6] == "KPIs row 2: baseline “sixty” is not a number: write 42 or 37.5, without words."
    assert problems[7] == "KPIs row 2: focus_area_ref “9” is not a focus area of the Actions sheet or of this plan."
    assert problems[8].startswith("KPI values row 2: period “last spring” is not a period")
    assert problems[9] == "KPI values row 3: kpi “Attendance” is not a KPI of the KPIs sheet or of this plan."
    assert len(problems) == 10
    assert not Plan.objects.exists() and not Action.objects.exists() and not Workstream.objects.exists()


def test_an_update_with_a_bad_row_changes_nothing_of_the_plan(organisation, lead):
    plan = plan_create_from_workbook(
        organisation=organisation, title=TITLE, filename="wsoa.xlsx", data=seed_workbook(), by=lead
    ).plan
    before = (history_rows(), list(Action.objects.values_list("title", "rag", "version").order_by("pk")))
    green = list(MILESTONES[0])
    green[8] = "Green"
    late = list(MILESTONES[2])
    late[6] = "31/02/2022"
    with pytest.raises(ImportRejected) as rejected:
        plan_import(plan=plan, filename="wsoa.xlsx", data=workbook([green, late]), by=lead)
    assert problems_of(rejected) == [
        "Actions row 3: due_date “31/02/2022” is not a date: write 2026-05-20 or 20/05/2026."
    ]
    assert (history_rows(), list(Action.objects.values_list("title", "rag", "version").order_by("pk"))) == before


# --- headers, sheets and dates ----------------------------------------------------------------------


@pytest.mark.parametrize("due_header", ["Due Date", "due_date", "DUE DATE", " due  date "])
def test_headers_are_matched_ignoring_case_spaces_and_underscores(organisation, lead, due_header):
    headers = {"Actions": [due_header if c == "due_date" else c.replace("_", " ").title() for c in SHEETS[0].columns]}
    plan = plan_create_from_workbook(
        organisation=organisation,
        title=TITLE,
        filename="p.xlsx",
        data=workbook([one_action()], headers=headers),
        by=lead,
    ).plan
    assert Action.objects.get(focus_area__workstream__plan=plan).due == datetime.date(2026, 5, 20)


def test_a_missing_sheet_or_column_is_named(organisation, lead):
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(
            organisation=organisation, title=TITLE, filename="p.xlsx", data=workbook(drop=["Actions"]), by=lead
        )
    assert problems_of(rejected) == [
        "The workbook has no sheet called “Actions”. Sheets found: Risks, KPIs, KPI values."
    ]
    headers = {"Actions": [c for c in SHEETS[0].columns if c not in ("due_date", "rag")]}
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(
            organisation=organisation, title=TITLE, filename="p.xlsx", data=workbook(headers=headers), by=lead
        )
    assert problems_of(rejected)[0].startswith("The sheet Actions is missing the columns due_date, rag. Columns found:")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "due", ["2026-05-20", "20/05/2026", datetime.date(2026, 5, 20), datetime.datetime(2026, 5, 20)]
)
def test_dates_are_read_as_written_in_england_or_as_date_cells(organisation, lead, due):
    risk = ("R1", "Risk", "Capacity for Change", None, "R", None, None, "Director of Education", due)
    plan = plan_create_from_workbook(
        organisation=organisation,
        title=TITLE,
        filename="p.xlsx",
        data=workbook([one_action(due_date=due, rag="G")], [risk]),
        by=lead,
    ).plan
    assert Action.objects.get(focus_area__workstream__plan=plan).due == datetime.date(2026, 5, 20)
    assert Risk.objects.get(plan=plan).review_date == datetime.date(2026, 5, 20)


# --- identifiers and files ------------------------------------------------------------------------


def test_an_identifier_in_any_cell_refuses_the_import_naming_the_cell_without_repeating_it(organisation, lead):
    data = workbook(
        [one_action(mitigation=f"Chase the school about {UPN}."), one_action(ref="1.C", focus_area_ref="1")],
        [("R1", "Risk", "Capacity", f"NHS {NHS_NUMBER}", "Red", None, None, "Head of SEND", "2026-05-20")],
    )
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(organisation=organisation, title=TITLE, filename="p.xlsx", data=data, by=lead)
    problems = problems_of(rejected)
    assert problems == [
        "Actions row 2: mitigation (cell K2) looks like it holds a UPN (unique pupil number). Remove it: "
        "casereview never stores anything that could identify a child.",
        "Risks row 2: detail (cell D2) looks like it holds an NHS number. Remove it: "
        "casereview never stores anything that could identify a child.",
    ]
    assert UPN not in " ".join(problems) and NHS_NUMBER not in " ".join(problems)
    assert not Plan.objects.exists()


def test_a_file_that_is_not_a_plan_workbook_is_refused_with_what_to_do(organisation, lead):
    for filename, data, expected in (
        ("plan.csv", b"workstream,focus_area_ref\nCulture,1\n", "Upload the plan as an Excel workbook (.xlsx)"),
        ("plan.xlsx", b"workstream,focus_area_ref\n", "could not be opened as an Excel .xlsx workbook"),
    ):
        with pytest.raises(ImportRejected) as rejected:
            plan_create_from_workbook(organisation=organisation, title=TITLE, filename=filename, data=data, by=lead)
        assert expected in problems_of(rejected)[0]
    book = Workbook()
    book.active.title = "Actions"
    book.active.append(list(SHEETS[0].columns))
    book.active.append(one_action(action="=1+1"))
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(
            organisation=organisation, title=TITLE, filename="p.xlsx", data=buffer.getvalue(), by=lead
        )
    assert "Cell E2 holds a formula" in problems_of(rejected)[0]
    assert not Plan.objects.exists()


# --- the pages ----------------------------------------------------------------------------------------


def _upload(data: bytes, name="wsoa.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_lead_imports_a_new_plan_on_the_page_and_is_told_the_counts(client_for, lead):
    client = client_for(lead)
    page = client.get(reverse("plan_import")).content.decode()
    assert "Plan title" in page and "Workbook (.xlsx)" in page and "Import the plan" in page
    response = client.post(reverse("plan_import"), {"title": TITLE, "workbook": _upload(seed_workbook())}, follow=True)
    plan = Plan.objects.get(title=TITLE)
    assert response.redirect_chain[-1][0] == reverse("plan_detail", args=[plan.pk])
    body = response.content.decode()
    assert "40 created, 0 updated, 0 unchanged, 0 not in the workbook" in body
    assert "Download as a workbook" in body and "Update from a workbook" in body


def test_the_import_page_lists_every_problem_and_creates_no_plan(client_for, lead):
    data = workbook([one_action(due_date="soon"), one_action(ref="1.C", status="Finished")])
    response = client_for(lead).post(reverse("plan_import"), {"title": TITLE, "workbook": _upload(data)})
    body = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported: 2 problems to fix" in body
    assert "Actions row 2: due_date “soon” is not a date" in body and "Actions row 3: status “Finished”" in body
    assert not Plan.objects.exists()


def test_who_may_import_and_export(client_for, lead, viewer, facilitator, outsider, organisation):
    plan = plan_create_from_workbook(
        organisation=organisation, title=TITLE, filename="wsoa.xlsx", data=seed_workbook(), by=lead
    ).plan
    export = reverse("plan_export", args=[plan.pk])
    update = reverse("plan_update_import", args=[plan.pk])
    for member in (viewer, facilitator):
        client = client_for(member)
        response = client.get(export)
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert rows_of(response.content, "Actions")[1][0] == "Culture"
        assert client.get(reverse("plan_import")).status_code == 403
        assert (
            client.post(reverse("plan_import"), {"title": "Other", "workbook": _upload(seed_workbook())}).status_code
            == 403
        )
        assert client.get(update).status_code == 403
        assert client.post(update, {"workbook": _upload(seed_workbook())}).status_code == 403
    outsider_client = client_for(outsider)
    assert outsider_client.get(export).status_code == 404
    assert outsider_client.get(update).status_code == 404
    assert outsider_client.post(update, {"workbook": _upload(seed_workbook())}).status_code == 404
    lead_client = client_for(lead)
    green = list(MILESTONES[0])
    green[8] = "Green"
    response = lead_client.post(update, {"workbook": _upload(workbook([green]))}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plan_detail", args=[plan.pk])
    assert "Actions: 0 created, 1 updated, 0 unchanged, 10 not in the workbook (kept)" in response.content.decode()
    assert Plan.objects.count() == 1


def test_the_template_has_the_sheets_a_read_me_and_examples_the_import_skips(client_for, lead, organisation):
    response = client_for(lead).get(reverse("plan_workbook_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Read me", "Actions", "Risks", "KPIs", "KPI values"]
    for sheet in SHEETS:
        rows = rows_of(response.content, sheet.title)
        assert rows[0] == sheet.columns and rows[1][0].startswith("Example:") and len(rows) == 2
    read_me = [row[1] for row in rows_of(response.content, "Read me")]
    assert all(column in read_me for sheet in SHEETS for column in sheet.columns)
    with pytest.raises(ImportRejected) as rejected:
        plan_create_from_workbook(
            organisation=organisation, title=TITLE, filename="t.xlsx", data=response.content, by=lead
        )
    assert "no rows besides its headers and examples" in problems_of(rejected)[0]
    book["Actions"].append(one_action())
    buffer = io.BytesIO()
    book.save(buffer)
    result = plan_create_from_workbook(
        organisation=organisation, title=TITLE, filename="t.xlsx", data=buffer.getvalue(), by=lead
    )
    assert [a.title for a in Action.objects.filter(focus_area__workstream__plan=result.plan)] == [
        "Draft Values Pack created and being reviewed."
    ]
    assert not Risk.objects.exists() and not Kpi.objects.exists()


# --- the command ----------------------------------------------------------------------------------------


def test_manage_py_import_plan_creates_then_updates_and_lists_every_bad_row(organisation, tmp_path):
    path = tmp_path / "wsoa.xlsx"
    path.write_bytes(seed_workbook())
    out = io.StringIO()
    call_command("import_plan", str(path), org="northshire", plan=TITLE, stdout=out)
    assert f"Created “{TITLE}”." in out.getvalue() and "Actions: 11 created" in out.getvalue()
    out = io.StringIO()
    call_command("import_plan", str(path), org="northshire", plan=TITLE.upper(), stdout=out)
    assert "In all: 0 created, 0 updated, 40 unchanged, 0 not in the workbook (kept)" in out.getvalue()
    assert Plan.objects.count() == 1

    path.write_bytes(workbook([one_action(due_date="soon"), one_action(ref="1.C", rag="Purple")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems to fix"):
        call_command("import_plan", str(path), org="northshire", plan="Another plan", stderr=err)
    assert err.getvalue().splitlines()[0].startswith("Actions row 2: due_date “soon” is not a date")
    assert err.getvalue().splitlines()[1].startswith("Actions row 3: rag “Purple” is not a RAG rating")
    assert Plan.objects.count() == 1
