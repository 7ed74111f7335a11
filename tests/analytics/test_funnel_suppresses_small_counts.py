"""Small-number suppression in the funnel's table and downloads: on by default, an LA's lead may
turn it off for their LA only; a member who is not a lead and an outsider cannot."""

import pytest
from django.urls import reverse

from analytics.models import SettingRow, SettingsDataset, VariationSettings


@pytest.fixture
def dataset(organisation):
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name="Secondaries", measures=["ehcp", "excluded"]
    )
    for urn, name, excluded, ehcp in (
        ("100001", "Small Count School", 2, 40),
        ("100002", "Tiny Base School", 1, 2),
        ("100003", "Big School", 30, 300),
        ("100004", "Other School", 12, 150),
    ):
        SettingRow.objects.create(dataset=dataset, urn=urn, name=name, values={"ehcp": ehcp, "excluded": excluded})
    return dataset


def rows_of(client, dataset):
    csv = client.get(
        reverse("variation_download", kwargs={"pk": dataset.pk, "name": "settings", "file_format": "csv"}),
        {"measure": "excluded", "base": "ehcp", "sort": "name"},
    ).content.decode("utf-8-sig")
    return {line.split(",")[0]: line.split(",") for line in csv.splitlines()[1:]}


def test_counts_of_1_to_4_and_their_rates_read_fewer_than_5_by_default(dataset, client_for, viewer):
    client = client_for(viewer)
    rows = rows_of(client, dataset)
    assert rows["Small Count School"][3:6] == ["fewer than 5", "40", "suppressed"]
    assert rows["Tiny Base School"][3:6] == ["fewer than 5", "fewer than 5", "suppressed"]
    assert rows["Big School"][3:6] == ["30", "300", "10.0%"]
    page = client.get(
        reverse("variation", kwargs={"pk": dataset.pk}), {"measure": "excluded", "base": "ehcp"}
    ).content.decode()
    assert "shown as “fewer than 5”" in page and "2 of 40" not in page and "1 of 2" not in page


def test_the_lead_may_turn_suppression_off_for_their_la(dataset, client_for, lead, viewer):
    response = client_for(lead).post(reverse("variation_settings"), {})  # the box unticked
    assert response.status_code == 302
    assert VariationSettings.objects.get(organisation=dataset.organisation).suppress_small_counts is False
    rows = rows_of(client_for(viewer), dataset)
    assert rows["Small Count School"][3:6] == ["2", "40", "5.0%"]


def test_a_member_who_is_not_lead_and_an_outsider_cannot_change_it(dataset, client_for, facilitator, outsider):
    assert client_for(facilitator).post(reverse("variation_settings"), {}).status_code == 403
    client_for(outsider).post(reverse("variation_settings"), {})  # changes the outsider's own LA at most
    assert not VariationSettings.objects.filter(organisation=dataset.organisation).exists()
    assert rows_of(client_for(facilitator), dataset)["Small Count School"][3] == "fewer than 5"
