"""The Power BI feed reads a combined scope as the dashboard does (?scope=workshop:ID,phase:CODE),
says so in its index, keeps single scopes as they were, and lets no part of another LA through."""

import csv
import io

import pytest
from django.urls import reverse

from analytics import snapshots
from analytics.feed.services import token_create
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


@pytest.fixture
def reviewed(organisation, allocations, facilitator, term, workshop):
    review_save(
        allocation=allocations[0],
        answer=ReviewAnswer(True, True, themes=[term("theme", "WORKFORCE_CAPACITY")]),
        by=facilitator,
        expected_version=0,
    )
    review_save(allocation=allocations[1], answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    for key in ("all", f"workshop:{workshop.pk},phase:SECONDARY", f"workshop:{workshop.pk},phase:PRIMARY"):
        snapshots.compute_snapshot(organisation.pk, key)
    return allocations


def read(client, key, name="outcome", file_format="json", **query):
    return client.get(
        reverse("feed_table", kwargs={"name": name, "file_format": file_format}),
        query,
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_combined_scope_narrows_a_table(client, organisation, lead, reviewed, workshop):
    key = token_create(organisation=organisation, name="Power BI", by=lead)[1]
    # Written in any order, read as the one key the dashboard uses.
    body = read(client, key, scope=f"phase:SECONDARY,workshop:{workshop.pk}").json()
    assert body["scope"] == f"workshop:{workshop.pk},phase:SECONDARY"
    assert {row["Outcome"]: row["Reviews"] for row in body["rows"]}["Ideal outcome"] == 1
    empty = read(client, key, file_format="csv", scope=f"workshop:{workshop.pk},phase:PRIMARY")
    rows = list(csv.reader(io.StringIO(empty.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Ideal outcome", "0"]


def test_the_index_says_how_to_combine_scopes(client, organisation, lead, reviewed):
    key = token_create(organisation=organisation, name="Power BI", by=lead)[1]
    body = client.get(reverse("feed_index"), headers={"Authorization": f"Bearer {key}"}).json()
    assert "?scope=workshop:12,phase:SECONDARY,primary_need:ASD" in body["how"]
    assert {"scope": "phase:SECONDARY", "label": "Secondary", "group": "Phases"} in body["scopes"]


def test_no_part_of_a_combination_may_be_another_las(client, other_organisation, outsider, reviewed, workshop):
    their_key = token_create(organisation=other_organisation, name="Theirs", by=outsider)[1]
    for scope in (
        f"workshop:{workshop.pk},phase:SECONDARY",
        f"phase:SECONDARY,workshop:{workshop.pk}",
        "phase:SECONDARY,phase:PRIMARY",
        "phase:SECONDARY,room:1",
    ):
        assert read(client, their_key, scope=scope).status_code == 404, scope
