"""A settings dataset's deprivation_decile is a whole number from 1 to 10 in ASCII digits. '²'
(isdigit() but not int()), '٣' (which int() reads as 3), 10,000 digits and the other strange
numbers are a row problem with the line number, the file imports nothing; never a server error."""

import pytest

from analytics.models import SettingRow, SettingsDataset
from analytics.variation.imports import settings_import
from casereview.uploads import ImportRejected
from tests.strange_numbers import STRANGE_NUMBERS, UNICODE_DIGITS

HEADER = "urn,name,phase,locality,deprivation_decile,pupils,ehcp\n"


def upload(organisation, decile: str):
    text = HEADER + "100001,Northgate Academy,Secondary,North,3,1200,35\n"
    text += f'100002,Hollins Park School,Secondary,East,"{decile}",980,41\n'
    return settings_import(organisation=organisation, name="Secondaries", filename="settings.csv", data=text.encode())


# Blank cells are allowed (the decile is optional); a cell of spaces or a NUL is cleaned by the reader.
NOT_DECILES = [value for value in STRANGE_NUMBERS if value.strip(" \x00") and value != "1\x00"]


@pytest.mark.parametrize("decile", NOT_DECILES + ["0", "11", "-0", "10.0"])
def test_a_decile_that_is_not_1_to_10_in_ascii_digits_is_a_row_problem(organisation, decile):
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, decile)
    problems = [str(problem) for problem in rejected.value.problems]
    assert len(problems) == 1 and problems[0].startswith("Line 3: deprivation_decile “")
    assert problems[0].endswith("” is not a whole number from 1 to 10.")
    assert not SettingsDataset.objects.exists()


def test_a_very_long_decile_is_named_by_its_start_only(organisation):
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, "1" * 10_000)
    assert [str(problem) for problem in rejected.value.problems] == [
        f"Line 3: deprivation_decile “{'1' * 20}…” is not a whole number from 1 to 10."
    ]


def test_no_unicode_digit_is_read_as_a_decile(organisation):
    for digit in UNICODE_DIGITS + ["٣", "３"]:
        with pytest.raises(ImportRejected):
            upload(organisation, digit)
    assert not SettingsDataset.objects.exists()


@pytest.mark.parametrize("decile", ["1", "7", "10", " 4 "])
def test_a_decile_of_1_to_10_is_kept(organisation, decile):
    upload(organisation, decile)
    assert SettingRow.objects.get(urn="100002").deprivation_decile == int(decile)
