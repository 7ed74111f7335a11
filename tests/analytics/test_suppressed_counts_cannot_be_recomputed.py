"""Suppression that holds (analytics/variation/disclosure.py), tried as the outsider did: with small
numbers suppressed (the default), no count of 1 to 4 can be read from the funnel page's chart data
(a point's base times its rate), nor derived by subtraction from a group total or the LA's total
(which the expected rate and the bases give away). Generated datasets, not only one example."""

import json
import random
import re

import pytest
from django.urls import reverse

from analytics.models import SettingRow, SettingsDataset

ASKED = {"measure": "excluded", "base": "ehcp", "group": "locality", "sort": "rate"}


def make_dataset(organisation, schools):
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name="Secondaries", measures=["ehcp", "excluded"]
    )
    for n, (locality, excluded, ehcp) in enumerate(schools):
        SettingRow.objects.create(
            dataset=dataset,
            urn=str(100001 + n),
            name=f"School {n:02d}",
            locality=locality,
            values={"ehcp": ehcp, "excluded": excluded},
        )
    return dataset


def table_of(client, dataset, name):
    url = reverse("variation_download", kwargs={"pk": dataset.pk, "name": name, "file_format": "csv"})
    lines = client.get(url, ASKED).content.decode("utf-8-sig").splitlines()
    return [line.split(",") for line in lines[1:] if line and not line.startswith(("Counts", "The totals"))]


def chart_points(page: str) -> list[tuple[float, float, list]]:
    data = json.loads(re.search(r'<script id="chart-funnel" type="application/json">(.*?)</script>', page, re.S)[1])
    return [
        (x, y, extra)
        for trace in data["data"]
        if trace.get("mode") == "markers"
        for x, y, extra in zip(trace["x"], trace["y"], trace["customdata"])
    ]


def datasets(seed):
    rng = random.Random(seed)
    schools = []
    for _ in range(rng.randint(4, 12)):
        base = rng.choice([rng.randint(1, 4), rng.randint(20, 400)])
        count = rng.choice([0, rng.randint(1, 4), rng.randint(5, max(5, base // 4))])
        schools.append((rng.choice(["North", "South", "East"]), min(count, base), base))
    return schools


@pytest.mark.parametrize("seed", range(12))
def test_no_count_of_1_to_4_can_be_read_or_derived(seed, organisation, client_for, viewer):
    schools = datasets(seed) + [("North", 3, 60)]  # the outsider's case: 60 × 0.05 = 3
    dataset = make_dataset(organisation, schools)
    truth = {f"School {n:02d}": (locality, count, base) for n, (locality, count, base) in enumerate(schools)}
    client = client_for(viewer)
    page = client.get(reverse("variation", kwargs={"pk": dataset.pk}), ASKED).content.decode()

    # The chart data: no point multiplies back to a count of 1 to 4, and no hidden school is drawn.
    settings = {row[0]: row for row in table_of(client, dataset, "settings")}
    for x, y, (name, _, hover) in chart_points(page):
        assert not 0.5 < x * y < 4.5 or settings[name][3] != "fewer than 5"
        assert settings[name][3] not in ("fewer than 5", "suppressed"), name
    shown = {name: int(row[3]) for name, row in settings.items() if row[3].isdigit()}
    for name, (_, count, base) in truth.items():
        if 0 < count < 5 or 0 < base < 5:
            assert name not in shown and not re.search(rf"\b{count} of {base}\b", page)

    # A group total minus the schools shown in it gives nothing back: a group with a number has every
    # school of it shown.
    for locality, _, count, *_ in table_of(client, dataset, "groups"):
        if count.isdigit():
            members = [name for name, (place, _, _) in truth.items() if place == locality]
            assert all(name in shown for name in members), locality
            assert int(count) == sum(shown[name] for name in members)

    # The LA's total (the expected rate times every base) minus the shown counts: never one small
    # count alone, always a sum holding a count of 5 or more that nobody can read.
    hidden = [name for name in truth if name not in shown]
    if any(0 < truth[name][1] < 5 for name in hidden):
        assert any(truth[name][1] >= 5 for name in hidden) or len(hidden) == len(truth)


def test_with_suppression_off_every_school_is_drawn_with_its_figures(organisation, client_for, lead, viewer):
    dataset = make_dataset(organisation, [("North", 3, 60), ("North", 30, 300), ("South", 12, 150)])
    client_for(lead).post(reverse("variation_settings"), {})  # the box unticked
    page = client_for(viewer).get(reverse("variation", kwargs={"pk": dataset.pk}), ASKED).content.decode()
    assert len(chart_points(page)) == 3 and "not drawn" not in page
    assert [row[2] for row in table_of(client_for(viewer), dataset, "groups")] == ["33", "12"]
