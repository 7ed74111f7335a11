"""Uploading settings datasets (all or nothing) and who may see and change them."""

import io

import pytest
from django.urls import reverse

from analytics.models import SettingRow, SettingsDataset
from analytics.variation.imports import settings_import
from casereview.uploads import ImportRejected

GOOD = (
    "URN,Name,Phase,Locality,Deprivation_Decile,Pupils,EHCP,SEN_Support,suspensions_send\n"
    "100001,Northfield Academy,Secondary,North,6,1180,34,150,5\n"
    "100002,Hollins Park School,Secondary,East,2,980,41,190,19\n"
    "100003,Castle Hill School,Secondary,South,,1250,28,,\n"
)


def upload(organisation, text, name="Secondaries 2025/26"):
    return settings_import(organisation=organisation, name=name, filename="settings.csv", data=text.encode())


def test_a_good_file_keeps_every_setting_and_its_measures(organisation):
    dataset = upload(organisation, GOOD)
    assert dataset.measures == ["pupils", "ehcp", "sen_support", "suspensions_send"]
    castle = SettingRow.objects.get(urn="100003")
    assert (castle.locality, castle.deprivation_decile) == ("South", None)
    assert castle.values == {"pupils": 1250, "ehcp": 28, "sen_support": None, "suspensions_send": None}


def test_every_bad_row_is_listed_and_nothing_is_kept(organisation):
    text = GOOD + "\n".join(
        [
            "12345,Too short URN,Secondary,North,5,100,10,10,1",
            "100001,Duplicate,Secondary,North,5,100,10,10,1",
            "100004,,Secondary,North,11,100,ten,-3,1",
            "100005,Ring 07911 123456,Secondary,North,5,100,10,10,1",
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, text)
    problems = [str(p) for p in rejected.value.problems]
    assert "Line 5: urn “12345” is not a URN (6 or 7 digits)." in problems
    assert "Line 6: urn 100001 is also on line 2." in problems
    assert "Line 7: name is empty." in problems
    assert "Line 7: deprivation_decile “11” is not a whole number from 1 to 10." in problems
    assert (
        "Line 7: ehcp “ten” is not a number of 0 or more." in problems
        and "Line 7: sen_support “-3” is not a number of 0 or more." in problems
    )
    assert any(p.startswith("Line 8: name: This looks like it contains a phone number") for p in problems)
    assert not SettingsDataset.objects.exists() and not SettingRow.objects.exists()


def test_a_file_without_numbers_or_with_a_bad_column_name_is_refused(organisation):
    with pytest.raises(ImportRejected, match="problem"):
        upload(organisation, "urn,name\n100001,A school\n")
    with pytest.raises(ImportRejected) as rejected:
        upload(organisation, "urn,name,Exclusions %\n100001,A school,3\n")
    assert "is not a usable column name" in str(rejected.value.problems[0])


@pytest.fixture
def dataset(organisation):
    return upload(organisation, GOOD)


def test_the_lead_uploads_through_the_page(client_for, lead):
    file = io.BytesIO(GOOD.encode())
    file.name = "settings.csv"
    response = client_for(lead).post(
        reverse("datasets"), {"name": "Secondaries", "description": "DfE 2025", "file": file}
    )
    dataset = SettingsDataset.objects.get()
    assert response.url == reverse("variation", args=[dataset.pk]) and dataset.uploaded_by == lead


def test_the_page_lists_every_problem_of_a_bad_upload(client_for, lead):
    file = io.BytesIO(b"urn,name,ehcp\n1,A,x\n")
    file.name = "settings.csv"
    page = client_for(lead).post(reverse("datasets"), {"name": "Bad", "file": file}).content.decode()
    assert "Nothing was uploaded: 2 problems to fix" in page
    assert not SettingsDataset.objects.exists()


def test_the_analysis_page_shows_the_funnel_table_groups_and_caution(client_for, viewer, dataset):
    page = (
        client_for(viewer)
        .get(
            reverse("variation", args=[dataset.pk]),
            {"measure": "suspensions_send", "base": "ehcp", "group": "locality"},
        )
        .content.decode()
    )
    assert "Read with care." in page and "not a verdict" in page
    assert (
        'id="chart-funnel" type="application/json"' in page
        and 'id="table-settings"' in page
        and 'id="table-groups"' in page
    )
    assert "1 setting left out" in page and "Castle Hill School (no suspensions_send given)" in page


def test_a_bad_choice_is_explained_on_the_page(client_for, viewer, dataset):
    page = (
        client_for(viewer)
        .get(reverse("variation", args=[dataset.pk]), {"measure": "ehcp", "base": "ehcp"})
        .content.decode()
    )
    assert "Choose a base that is not the measure itself." in page
    page = (
        client_for(viewer)
        .get(reverse("variation", args=[dataset.pk]), {"measure": "nope", "base": "ehcp"})
        .content.decode()
    )
    assert "Choose a measure and a base from the dataset" in page


def test_the_settings_table_sorts_and_downloads(client_for, viewer, dataset):
    client = client_for(viewer)
    query = {"measure": "suspensions_send", "base": "ehcp", "sort": "-rate"}
    csv_rows = (
        client.get(reverse("variation_download", args=[dataset.pk, "settings", "csv"]), query)
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert csv_rows[1].startswith("Hollins Park School") and csv_rows[2].startswith("Northfield Academy")
    assert client.get(reverse("variation_download", args=[dataset.pk, "settings", "xlsx"]), query).status_code == 200
    assert (
        client.get(reverse("variation_download", args=[dataset.pk, "groups", "csv"]), query).status_code == 404
    )  # no grouping chosen


@pytest.mark.parametrize("role,status", [("lead", 200), ("viewer", 200), ("facilitator", 200), ("outsider", 404)])
def test_who_may_see_a_dataset(request, client_for, dataset, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("variation", args=[dataset.pk])).status_code == status
    assert client.get(reverse("variation_download", args=[dataset.pk, "settings", "csv"])).status_code == status
    listed = dataset.name in client.get(reverse("datasets")).content.decode()
    assert listed == (status == 200)


@pytest.mark.parametrize("role,status", [("viewer", 403), ("facilitator", 403), ("outsider", 404)])
def test_only_the_lead_deletes_or_uploads(request, client_for, dataset, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("dataset_delete", args=[dataset.pk])).status_code == status
    assert SettingsDataset.objects.filter(pk=dataset.pk).exists()
    if role != "outsider":
        file = io.BytesIO(GOOD.encode())
        file.name = "s.csv"
        assert client.post(reverse("datasets"), {"name": "x", "file": file}).status_code == 403
    assert SettingsDataset.objects.count() == 1


def test_the_lead_deletes_a_dataset_for_good(client_for, lead, dataset):
    client_for(lead).post(reverse("dataset_delete", args=[dataset.pk]))
    assert not SettingsDataset.objects.exists() and not SettingRow.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, dataset):
    for url in (
        reverse("datasets"),
        reverse("variation", args=[dataset.pk]),
        reverse("dataset_template", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_template_downloads(client_for, lead):
    content = client_for(lead).get(reverse("dataset_template", args=["csv"])).content.decode("utf-8-sig")
    assert (
        content.splitlines()[0]
        == "urn,name,phase,locality,deprivation_decile,pupils,ehcp,sen_support,suspensions_send,exclusions_send"
    )
