"""Issue 33: a ;-separated file reported every column missing ("Columns found:
reference;phase;…"), and "Year Group" / "Primary Need" were not matched to year_group /
primary_need. Every import reads through casereview/uploads.py, which now detects the separator
(comma, semicolon, tab) and matches headers ignoring case, spaces, hyphens and underscores."""

import itertools

import pytest

from casereview.uploads import header_key, read_upload
from workshops.imports import case_import
from workshops.models import Case

COLUMNS = ["reference", "phase", "year_group", "primary_need", "support_level", "current_provision"]
ROWS = [["C-001", "Secondary", "9", "ASD", "EHCP", "MSS"], ["C-002", "Primary", "5", "SEMH", "SEN support", "AP"]]


def spelled(column: str, style: int) -> str:
    words = column.split("_")
    return [
        " ".join(word.capitalize() for word in words),  # Year Group
        "-".join(words),  # year-group
        "_".join(words).upper(),  # YEAR_GROUP
        "  " + " ".join(words) + " ",  # " year group "
    ][style]


@pytest.mark.parametrize("delimiter,style", itertools.product([",", ";", "\t"], range(4)))
def test_every_separator_and_header_spelling_reads_the_same_rows(delimiter, style):
    header = delimiter.join(spelled(column, style) for column in COLUMNS)
    text = "\n".join([header, *(delimiter.join(row) for row in ROWS)]) + "\n"
    rows = read_upload("cases.csv", text.encode(), required=COLUMNS, optional=[])
    assert [[row.get(column) for column in COLUMNS] for row in rows] == ROWS


def test_a_semicolon_file_of_cases_imports(organisation, workshop):
    text = "Reference;Phase;Year Group;Primary Need;Support Level;Current Provision\nC-001;Secondary;9;ASD;EHCP;MSS\n"
    result = case_import(organisation=organisation, workshop=workshop, filename="cases.csv", data=text.encode())
    assert result.created == 1 and Case.objects.get().year_group == "9"


def test_a_comma_inside_a_cell_of_a_semicolon_file_stays_in_its_cell():
    text = "reference;notes\nC-001;Tired, then calm\n"
    rows = read_upload("r.csv", text.encode(), required=["reference"], optional=["notes"])
    assert rows[0].get("notes") == "Tired, then calm"


@pytest.mark.parametrize("typed", ["Year Group", "year-group", "YEAR_GROUP", " year  group ", "Year_-_Group"])
def test_a_header_is_known_however_it_is_spelled(typed):
    assert header_key(typed) == "year_group"
