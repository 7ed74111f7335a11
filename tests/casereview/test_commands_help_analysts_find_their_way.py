"""The commands an analyst runs name what exists and what was probably meant: list_orgs,
list_workshops, "did you mean" for slugs, workshop titles and vocabulary codes, UK dates."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casereview.suggestions import did_you_mean
from casereview.uploads import ImportRejected
from tests.fixtures import make_case
from workshops.imports import review_import
from workshops.models import BreakoutRoom, CaseAllocation, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_list_orgs_names_every_la_with_its_slug(organisation, other_organisation, lead):
    output = run("list_orgs")
    assert organisation.slug in output and other_organisation.slug in output
    assert organisation.name in output
    assert f"list_workshops --org {sorted([organisation.slug, other_organisation.slug])[0]}" in output


def test_list_orgs_says_how_to_start_when_there_is_none(db):
    assert "create_org" in run("list_orgs")


def test_list_workshops_shows_one_la_only_with_its_counts(organisation, other_organisation, term, facilitator):
    workshop = Workshop.objects.create(organisation=organisation, title="Secondary case reviews", date="2026-05-20")
    room = BreakoutRoom.objects.create(workshop=workshop, name="Room A")
    allocation = CaseAllocation.objects.create(
        workshop=workshop, room=room, case=make_case(organisation, term, "C-001")
    )
    CaseAllocation.objects.create(workshop=workshop, room=room, case=make_case(organisation, term, "C-002"))
    review_save(allocation=allocation, answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    Workshop.objects.create(organisation=other_organisation, title="Their workshop", date="2026-05-21")
    output = run("list_workshops", "--org", organisation.slug)
    line = next(line for line in output.splitlines() if "Secondary case reviews" in line)
    assert line.split()[:6] == ["2026-05-20", "draft", "1", "2", "1", workshop.join_code]
    assert "Their workshop" not in output


def test_list_workshops_counts_cases_as_the_workshop_page_and_the_report_do(
    client_for, lead, organisation, workshop, room, other_room, allocations, facilitator, other_facilitator, term
):
    """A calibration case every room reviews is one case and one counted review, not one per room."""
    from analytics.reports import build_report
    from analytics.scopes import Scope
    from workshops.services.allocation import allocation_save

    allocation_save(workshop=workshop, placements={}, second_rooms={}, calibration={allocations[0].pk})
    other = CaseAllocation.objects.get(kind=CaseAllocation.Kind.OTHER_ROOM)
    review_save(allocation=allocations[0], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    review_save(allocation=other, answer=ReviewAnswer(False), by=other_facilitator, expected_version=0)
    line = next(
        line for line in run("list_workshops", "--org", organisation.slug).splitlines() if workshop.title in line
    )
    rooms, cases, reviews = line.split()[2:5]
    assert (rooms, cases, reviews) == ("2", "3", "1")
    assert build_report(organisation, Scope.of(workshop=workshop.pk))["reviewed"] == 1
    page = client_for(lead).get(f"/workshops/{workshop.pk}/").content.decode()
    assert "3 cases" in page


def test_a_mistyped_slug_is_answered_with_the_nearest_one(organisation):
    with pytest.raises(CommandError, match=f"Did you mean “{organisation.slug}”"):
        run("list_workshops", "--org", organisation.slug[:-1] + "x")
    with pytest.raises(CommandError, match="list_orgs"):
        run("report", "--org", "zzzzzz")


def test_a_near_miss_workshop_title_gets_a_suggestion(organisation, workshop):
    with pytest.raises(CommandError, match=f"Did you mean “{workshop.title}”"):
        run("report", "--org", organisation.slug, "--workshop", workshop.title[:-2])


def test_an_import_suggests_the_workshop_and_the_code_that_were_meant(organisation, workshop, term):
    make_case(organisation, term, "C-001")
    text = (
        "reference,workshop,consensus,ideal_outcome,non_ideal_areas,better_provision,themes\n"
        f"C-001,{workshop.title[:-1]},yes,yes,,,WORKFORCE_CAPACTY\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        review_import(organisation=organisation, filename="reviews.csv", data=text.encode())
    joined = "\n".join(str(problem) for problem in rejected.value.problems)
    assert f"Did you mean “{workshop.title}”?" in joined
    assert "Did you mean “WORKFORCE_CAPACITY”?" in joined


def test_a_uk_date_creates_the_workshop_on_that_day(organisation, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "reference,phase,year_group,primary_need,support_level,current_provision\nC-001,SECONDARY,9,ASD,EHCP,MSS\n"
    )
    output = run(
        "import_cases", str(path), "--org", organisation.slug, "--workshop", "June reviews", "--date", "20/06/2026"
    )
    assert Workshop.objects.get(title="June reviews").date.isoformat() == "2026-06-20"
    assert "Imported 1 cases" in output


def test_an_unreadable_date_says_how_to_write_it(organisation, tmp_path, capsys):
    with pytest.raises(CommandError, match="write it as 2026-05-20 or 20/05/2026"):
        run(
            "import_cases",
            str(tmp_path / "x.csv"),
            "--org",
            organisation.slug,
            "--workshop",
            "W",
            "--date",
            "June 20th",
        )


def test_one_problem_is_not_called_problems(organisation, workshop, tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(f"reference,workshop,consensus\nC-404,{workshop.title},no\n")
    with pytest.raises(CommandError, match="Nothing was imported. Fix this problem and run it again"):
        run("import_reviews", str(path), "--org", organisation.slug)


def test_suggestions_ignore_case_spaces_and_underscores():
    assert did_you_mean("year group", ["year_group", "phase"]) == " Did you mean “year_group”?"
    assert did_you_mean("something else entirely", ["year_group"]) == ""
