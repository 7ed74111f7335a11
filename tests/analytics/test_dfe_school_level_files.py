"""The DfE's school-level SEN and exclusions files, uploaded as downloaded: filtered to the LA chosen,
pivoted to one row per school, joined on the URN; all or nothing, with every problem listed."""

from pathlib import Path

import pytest
from django.urls import reverse

from analytics.models import SettingRow, SettingsDataset
from analytics.variation.imports import settings_import
from casereview.uploads import ImportRejected

DATA = Path(__file__).parent / "data"
SEN = ("sen_school_level_2025.csv", (DATA / "sen_school_level_2025.csv").read_bytes())
EXCLUSIONS = ("exclusions_school_level_2025.csv", (DATA / "exclusions_school_level_2025.csv").read_bytes())


def upload(organisation, first, more=None, la_name="Northshire"):
    return settings_import(
        organisation=organisation,
        name="Northshire schools 2024/25",
        filename=first[0],
        data=first[1],
        la_name=la_name,
        more=more,
    )


def values(urn):
    return SettingRow.objects.get(urn=urn).values


def test_the_sen_file_is_pivoted_to_one_row_per_school_of_the_chosen_la(organisation):
    dataset = upload(organisation, SEN)
    assert dataset.measures == ["pupils", "ehcp", "sen_support"]
    assert sorted(dataset.rows.values_list("urn", flat=True)) == [
        "140001",
        "140002",
        "140003",
    ]  # Southdale's school left out
    # The totals are read, not the totals plus their breakdown by need: 20 + 18 EHC plans, 60 + 100 on SEN support.
    assert values("140001") == {"pupils": 1050, "ehcp": 38, "sen_support": 160}
    assert values("140003") == {"pupils": 210, "ehcp": None, "sen_support": 25}  # "c": suppressed by the DfE, not known
    harbour = SettingRow.objects.get(urn="140001")
    assert (harbour.name, harbour.phase, harbour.locality) == (
        "Harbour Lane Academy",
        "State-funded secondary",
        "Harbourside",
    )


def test_the_exclusions_file_reads_the_latest_year_and_says_so(organisation):
    dataset = upload(organisation, EXCLUSIONS)
    assert dataset.measures == ["headcount", "suspensions", "perm_excl", "pupils_suspended"]
    assert values("140001") == {"headcount": 1050, "suspensions": 150, "perm_excl": 2, "pupils_suspended": 80}
    assert values("140002")["perm_excl"] is None
    assert dataset.import_notes == ["The file holds 2 years; the latest (202425) was read."]


def test_the_two_files_together_are_joined_on_the_urn_and_the_funnel_reads_them(organisation, client_for, lead):
    dataset = upload(organisation, SEN, more=EXCLUSIONS)
    assert values("140001") == {
        "pupils": 1050,
        "ehcp": 38,
        "sen_support": 160,
        "headcount": 1050,
        "suspensions": 150,
        "perm_excl": 2,
        "pupils_suspended": 80,
    }
    page = client_for(lead).get(
        reverse("variation", kwargs={"pk": dataset.pk}), {"measure": "suspensions", "base": "pupils"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Harbour Lane Academy" in text
    assert "A rate per pupils (Poisson; the default" in text


def test_an_la_not_in_the_file_is_refused_with_the_nearest_name(organisation):
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, SEN, la_name="Northshir")
    assert [str(p) for p in rejected.value.problems] == [
        "Line 0: The file has no schools of “Northshir”. Did you mean “Northshire”?"
    ]
    with pytest.raises(ImportRejected, match="problem"):
        upload(organisation, SEN, la_name="")
    assert not SettingsDataset.objects.exists()


def test_a_bad_count_is_listed_with_its_line_and_nothing_is_kept(organisation):
    name, data = SEN
    broken = (
        data.decode()
        .replace(",No SEN,Total,852", ",No SEN,Total,852")
        .replace(",SEN support,Total,160", ",SEN support,Total,lots")
    )
    bad_line = next(i for i, line in enumerate(broken.splitlines(), start=1) if line.endswith("lots"))
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, (name, broken.encode()))
    assert [str(p) for p in rejected.value.problems] == [
        f"Line {bad_line}: pupil_count “lots” is not a whole number of 0 or more, "
        "nor a DfE mark for a figure not given (c, x, z, u, :)."
    ]
    assert not SettingRow.objects.exists()


def test_a_dfe_file_joins_only_another_dfe_file_of_the_other_kind(organisation):
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, SEN, more=SEN)
    assert "Two files of the same kind" in str(rejected.value.problems[0])
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, SEN, more=("mine.csv", b"urn,name,pupils\n100001,A school,100\n"))
    assert "is not a DfE school-level SEN or exclusions file" in str(rejected.value.problems[0])
    assert not SettingsDataset.objects.exists()


def test_the_upload_page_takes_the_files_and_the_la(organisation, client_for, lead):
    with open(DATA / SEN[0], "rb") as sen, open(DATA / EXCLUSIONS[0], "rb") as exclusions:
        response = client_for(lead).post(
            reverse("datasets"),
            {"name": "From the DfE", "file": sen, "more_file": exclusions, "la_name": "northshire"},
            follow=True,
        )
    assert (
        "Uploaded “From the DfE”: 3 settings. exclusions_school_level_2025.csv: The file holds 2 years"
        in response.content.decode()
    )
