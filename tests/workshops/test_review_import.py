"""Reviews recorded on paper: imported all or nothing; cases and workshops must exist."""

import pytest
from django.core.management import CommandError, call_command

from casereview.uploads import ImportRejected
from tests.fixtures import make_case
from workshops.imports import review_import
from workshops.models import CaseAllocation, CaseReview, ReviewAudit, Workshop

HEADER = "reference,workshop,room,consensus,ideal_outcome,non_ideal_areas,better_provision,themes,notes"


@pytest.fixture
def cases(organisation, term, workshop):
    return [make_case(organisation, term, reference) for reference in ("C-001", "C-002")]


def run(organisation, text):
    return review_import(organisation=organisation, filename="reviews.csv", data=text.encode())


def test_good_rows_create_reviews_rooms_and_allocations(organisation, workshop, cases):
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                "C-001,secondary case reviews,Room A,yes,no,Type of provision; TIMING_OF_SUPPORT,MAINSTREAM,"
                "Workforce capacity,Outreach would help",
                "C-002,Secondary case reviews,,no,,,,,Room split",
            ]
        )
    )
    assert run(organisation, text) == 2
    first = CaseReview.objects.get(allocation__case__reference="C-001")
    assert first.allocation.room.name == "Room A"
    assert (first.ideal_outcome, first.better_provision.code) == (False, "MAINSTREAM")
    assert sorted(t.code for t in first.non_ideal_areas.all()) == ["TIMING_OF_SUPPORT", "TYPE_OF_PROVISION"]
    second = CaseReview.objects.get(allocation__case__reference="C-002")
    assert second.consensus_reached is False and second.notes == "Room split"
    assert set(ReviewAudit.objects.values_list("source", flat=True)) == {"import"}


def test_every_bad_row_is_listed_and_nothing_is_imported(organisation, workshop, cases):
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                "C-001,Secondary case reviews,,maybe,,,,,",  # consensus not yes/no
                "C-404,Secondary case reviews,,yes,yes,,,Workforce capacity,",  # unknown case
                "C-002,Nowhere,,yes,yes,,,Workforce capacity,",  # unknown workshop
                "C-002,Secondary case reviews,,yes,no,,,Workforce capacity,",  # not ideal without areas/better
                "C-002,Secondary case reviews,,yes,yes,,,Made-up theme,",  # unknown theme, duplicate
                "C-001,Secondary case reviews,,no,,,,,call 07911 123456",  # identifier in notes
            ]
        )
    )
    with pytest.raises(ImportRejected) as rejected:
        run(organisation, text)
    joined = "\n".join(str(p) for p in rejected.value.problems)
    assert "Line 2: consensus must be yes or no, not “maybe”." in joined
    assert "Line 3: there is no case with reference “C-404”" in joined
    assert "Line 4: there is no workshop called “Nowhere”." in joined
    assert "Line 5: Choose at least one area" in joined and "Line 5: Choose the provision" in joined
    assert (
        "Line 6: “Made-up theme” is not a theme" in joined
        and "Line 6: C-002 in “Secondary case reviews” is also on line 5." in joined
    )
    assert "Line 7: notes: This looks like it contains a phone number" in joined
    assert not CaseReview.objects.exists() and not CaseAllocation.objects.exists()


def test_a_case_already_reviewed_in_that_workshop_is_not_overwritten(organisation, workshop, cases):
    run(organisation, HEADER + "\nC-001,Secondary case reviews,,no,,,,,first")
    with pytest.raises(ImportRejected) as rejected:
        run(organisation, HEADER + "\nC-001,Secondary case reviews,,no,,,,,second")
    assert "already has a review" in rejected.value.problems[0].message
    assert CaseReview.objects.get().notes == "first"


def test_another_las_cases_and_workshops_are_unknown(organisation, other_organisation, workshop, cases):
    Workshop.objects.create(organisation=other_organisation, title="Theirs", date=workshop.date)
    with pytest.raises(ImportRejected) as rejected:
        review_import(
            organisation=other_organisation,
            filename="r.csv",
            data=(HEADER + "\nC-001,Secondary case reviews,,no,,,,,").encode(),
        )
    messages = [p.message for p in rejected.value.problems]
    assert any("no case with reference “C-001”" in m for m in messages)
    assert any("no workshop called" in m for m in messages)


def test_the_commands_import_and_exit_non_zero_listing_every_problem(organisation, tmp_path, capsys):
    cases_file = tmp_path / "cases.csv"
    cases_file.write_text(
        "reference,phase,year_group,primary_need,support_level,current_provision,room\n"
        "C-001,Secondary,9,ASD,EHCP,MSS,Room A\nC-002,Secondary,8,SEMH,EHCP,INMSS,Room B\n"
    )
    call_command(
        "import_cases", str(cases_file), "--org", "northshire", "--workshop", "Paper workshop", "--date", "2026-02-01"
    )
    out = capsys.readouterr().out
    assert "Created the workshop “Paper workshop” (1 February 2026)" in out and "Created rooms: Room A, Room B" in out
    workshop = Workshop.objects.get(title="Paper workshop")
    assert workshop.allocations.count() == 2

    reviews_file = tmp_path / "reviews.csv"
    reviews_file.write_text(
        HEADER + "\nC-001,Paper workshop,Room A,yes,yes,,,Workforce capacity,\nC-002,Paper workshop,Room B,no,,,,,\n"
    )
    call_command("import_reviews", str(reviews_file), "--org", "northshire")
    assert CaseReview.objects.filter(allocation__workshop=workshop).count() == 2

    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(HEADER + "\nC-003,Paper workshop,,yes,,,,,\nC-001,Paper workshop,,perhaps,,,,,\n")
    with pytest.raises(CommandError) as error:
        call_command("import_reviews", str(bad_file), "--org", "northshire")
    assert "Nothing was imported. Fix these 5 problems" in str(error.value)
    for expected in (
        "Line 2: there is no case",
        "Line 2: Say whether the outcome is ideal",
        "Line 2: Choose at least one theme",
        "Line 3: C-001 already has a review",
        "Line 3: consensus must be yes or no",
    ):
        assert expected in str(error.value)


def test_a_rejected_case_file_leaves_no_new_workshop_behind(organisation, tmp_path):
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text("reference,phase\nC-001,Secondary\n")
    with pytest.raises(
        CommandError, match="Missing columns: year_group, primary_need, support_level, current_provision"
    ):
        call_command("import_cases", str(bad_file), "--org", "northshire", "--workshop", "New one")
    assert not Workshop.objects.filter(title="New one").exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--org", "nowhere", "--workshop", "W"], "no organisation with the slug 'nowhere'"),
        (["--org", "northshire", "--workshop", "W"], "Could not read"),
    ],
)
def test_the_case_command_explains_bad_arguments(organisation, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_cases", "/nonexistent/cases.csv", *args)
