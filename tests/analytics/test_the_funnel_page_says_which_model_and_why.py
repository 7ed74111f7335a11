"""The funnel page: the analyst chooses what the measure is (the page says which model is used
and why), how p-values are counted, and whether to widen the limits for over-dispersion (the
page shows φ and says what widening means); a choice that cannot hold is a clear message. The
LA's lead, a member of the same LA and an outsider each see what they should."""

import numpy as np
import pytest
from django.urls import reverse

from analytics.models import SettingRow, SettingsDataset


@pytest.fixture
def dataset(organisation):
    """Forty large schools whose real rates differ (over-dispersed), and one with more
    suspensions than pupils with an EHCP."""
    rng = np.random.default_rng(11)
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name="Secondaries", measures=["ehcp", "excluded", "suspensions"]
    )
    bases = rng.integers(300, 900, 40)
    for i, (base, excluded) in enumerate(zip(bases, rng.binomial(bases, rng.beta(10, 90, 40)))):
        SettingRow.objects.create(
            dataset=dataset,
            urn=str(100000 + i),
            name=f"School {i}",
            values={"ehcp": int(base), "excluded": int(excluded), "suspensions": int(excluded) * 2},
        )
    SettingRow.objects.create(
        dataset=dataset, urn="200000", name="Busy School", values={"ehcp": 20, "excluded": 25, "suspensions": 60}
    )
    return dataset


def page(client, dataset, **options):
    return client.get(reverse("variation", kwargs={"pk": dataset.pk}), {"base": "ehcp", **options}).content.decode()


def test_the_page_says_which_model_is_used_and_why(dataset, client_for, viewer):
    client = client_for(viewer)
    assert "A rate per ehcp (Poisson; the default: “suspensions” counts events" in page(
        client, dataset, measure="suspensions"
    )
    text = page(client, dataset, measure="excluded")
    assert "1 setting has more excluded than ehcp, so excluded cannot be a share of ehcp" in text
    refused = page(client, dataset, measure="excluded", model="binomial")
    assert (
        "excluded cannot be a share of ehcp: 1 setting has more excluded than ehcp (for example Busy School: 25 of 20)"
        in refused
    )
    assert "Poisson" in page(client, dataset, measure="suspensions", model="poisson", p_value="mid")


def test_phi_is_shown_and_widening_says_what_it_means_for_the_flags(dataset, client_for, lead):
    client = client_for(lead)
    plain = page(client, dataset, measure="suspensions", model="poisson")
    assert "Over-dispersion:</strong> φ = " in plain and "consider widening the limits" in plain
    widened = page(client, dataset, measure="suspensions", model="poisson", widen="additive")
    assert "The limits are widened by τ², the variance between settings" in widened
    assert "normal approximation with the widened variance" in widened


def test_a_choice_not_on_the_list_is_a_clear_message(dataset, client_for, viewer):
    text = page(client_for(viewer), dataset, measure="suspensions", model="normal")
    assert "Choose what the measure is from the list" in text


def test_an_outsider_gets_404_and_a_member_sees_the_page(dataset, client_for, outsider, facilitator):
    assert client_for(outsider).get(reverse("variation", kwargs={"pk": dataset.pk})).status_code == 404
    assert client_for(facilitator).get(reverse("variation", kwargs={"pk": dataset.pk})).status_code == 200


def test_the_expected_rate_is_in_plain_words(dataset, client_for, viewer):
    text = page(client_for(viewer), dataset, measure="suspensions")
    summary = text.split('data-testid="variation-summary"', 1)[1].split("</p>", 1)[0]
    assert "suspensions per pupil with an EHCP" in summary
    assert "per ehcp" not in summary
