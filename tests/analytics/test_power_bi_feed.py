"""The Power BI feed: a lead makes named read-only keys (shown once, revocable, last use shown);
every dashboard table reads as CSV and JSON with the key in a header, never in the address;
every read is logged; a key reads its own LA only."""

import csv
import io

import pytest
from django.urls import reverse

from analytics import snapshots
from analytics.feed.services import token_create
from analytics.models import FeedRead, FeedToken
from analytics.report_tables import tables_of
from tests.fixtures import save_ideal_and_not_ideal
from workshops.models import Workshop


@pytest.fixture
def reviewed(organisation, allocations, facilitator, term):
    save_ideal_and_not_ideal(allocations, facilitator, term)
    snapshots.compute_snapshot(organisation.pk, "all")
    return allocations


@pytest.fixture
def key(organisation, lead):
    return token_create(organisation=organisation, name="Power BI: SEND board", by=lead)[1]


def read(client, url, key=None, **query):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(url, query, headers=headers)


def table_url(name="outcome", file_format="json"):
    return reverse("feed_table", kwargs={"name": name, "file_format": file_format})


def test_a_lead_makes_a_key_that_is_shown_once_and_stored_only_as_a_fingerprint(client_for, lead, organisation):
    page = client_for(lead).post(reverse("feed_tokens"), {"name": "Power BI: SEND board"}).content.decode()
    token = FeedToken.objects.get(organisation=organisation)
    shown = page.split('id="new-key" class="form-control font-monospace" readonly value="')[1].split('"')[0]
    assert shown.startswith("crf_") and shown.startswith(token.key_prefix)
    assert shown not in repr(list(FeedToken.objects.values_list()))
    assert shown not in client_for(lead).get(reverse("feed_tokens")).content.decode()  # once only


def test_only_a_lead_manages_keys(client_for, facilitator, viewer, lead, key, organisation):
    token = FeedToken.objects.get()
    for person in (facilitator, viewer):
        assert client_for(person).get(reverse("feed_tokens")).status_code == 403
        client_for(person).post(reverse("feed_tokens"), {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert not token.is_revoked


def test_an_outsider_cannot_revoke_another_las_key(client_for, outsider, key):
    token = FeedToken.objects.get()
    assert client_for(outsider).post(reverse("feed_tokens"), {"action": "revoke", "token": token.pk}).status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_a_key_name_is_guarded_against_identifiers(client_for, lead):
    page = client_for(lead).post(reverse("feed_tokens"), {"name": "for 943 476 5919"}).content.decode()
    assert "NHS number" in page and not FeedToken.objects.exists()


def test_a_table_reads_as_json_and_csv_with_the_same_rows_as_the_dashboard(client, reviewed, key, organisation):
    table = tables_of(snapshots.ReportSnapshot.objects.get(organisation=organisation, scope="all").figures)["outcome"]
    response = read(client, table_url(), key)
    assert response.status_code == 200
    body = response.json()
    assert body["columns"] == table.columns and body["scope"] == "all" and body["stale"] is False
    assert body["rows"][0] == dict(zip(table.columns, table.rows[0]))
    rows = list(csv.reader(io.StringIO(read(client, table_url(file_format="csv"), key).content.decode("utf-8-sig"))))
    assert rows[0] == table.columns and len(rows) == len(table.rows) + 1


def test_the_index_lists_every_table_and_scope_with_their_addresses(client, reviewed, key, workshop):
    body = read(client, reverse("feed_index"), key).json()
    names = {t["name"] for t in body["tables"]}
    assert {"outcome", "areas", "themes", "provision", "crosstab"} <= names
    outcome = next(t for t in body["tables"] if t["name"] == "outcome")
    assert outcome["csv"].endswith("/feed/v1/tables/outcome.csv")
    assert {
        "scope": f"workshop:{workshop.pk}",
        "label": f"{workshop.title} ({workshop.date:%-d %b %Y})",
        "group": "Workshop",
    } in body["scopes"]


def test_a_scope_narrows_a_table(client, reviewed, key, workshop, organisation):
    snapshots.compute_snapshot(organisation.pk, f"workshop:{workshop.pk}")
    body = read(client, table_url(), key, scope=f"workshop:{workshop.pk}").json()
    assert body["scope"] == f"workshop:{workshop.pk}"


def test_a_scope_not_computed_yet_says_when_to_come_back(settings, client, reviewed, key, workshop):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker computes it, later
    response = read(client, table_url(), key, scope=f"workshop:{workshop.pk}")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "being computed" in response.json()["error"]


def test_every_read_is_logged_and_the_last_use_shown(client, client_for, lead, reviewed, key):
    read(client, table_url(), key)
    read(client, table_url("nonsense"), key)
    reads = list(FeedRead.objects.order_by("read_at").values_list("path", "status"))
    assert reads == [("/feed/v1/tables/outcome.json", 200), ("/feed/v1/tables/nonsense.json", 404)]
    assert FeedToken.objects.get().last_used_at is not None
    page = client_for(lead).get(reverse("feed_tokens")).content.decode()
    assert "/feed/v1/tables/outcome.json" in page and ">Never<" not in page


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer crf_not-a-key"}, {"Authorization": "Basic abc"}])
def test_without_a_valid_key_nothing_is_read(client, reviewed, headers):
    response = client.get(table_url(), headers=headers)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["error"]


def test_a_signed_in_session_is_not_a_key(client_for, lead, reviewed):
    assert client_for(lead).get(table_url()).status_code == 401


def test_a_key_in_the_address_is_refused_even_when_it_is_valid(client, reviewed, key):
    response = client.get(table_url(), {"key": key})
    assert response.status_code == 400 and "never in the address" in response.json()["error"]
    assert not FeedRead.objects.exists()


def test_a_revoked_key_reads_nothing_and_the_attempt_is_logged(client, client_for, lead, reviewed, key):
    client_for(lead).post(reverse("feed_tokens"), {"action": "revoke", "token": FeedToken.objects.get().pk})
    response = read(client.__class__(), table_url(), key)
    assert response.status_code == 401 and "revoked" in response.json()["error"]
    assert FeedRead.objects.get().status == 401


def test_a_key_reads_its_own_la_only(client, reviewed, other_organisation, outsider, workshop, organisation):
    their_key = token_create(organisation=other_organisation, name="Theirs", by=outsider)[1]
    assert read(client, table_url(), their_key, scope=f"workshop:{workshop.pk}").status_code == 404
    assert read(client, table_url(), their_key, scope="provision:MSS").status_code in (200, 503)  # their own vocabulary
    own = read(client, reverse("feed_index"), their_key).json()
    assert own["organisation"] == other_organisation.name
    assert workshop.title not in str(own)
    Workshop.objects.create(organisation=other_organisation, title="Their workshop", date="2026-01-01")
    assert organisation.name not in str(read(client, reverse("feed_index"), their_key).json())


def test_the_same_form_sent_twice_makes_one_key(client_for, lead):
    form = {"name": "Power BI: SEND board", "nonce": "q" * 32}
    client_for(lead).post(reverse("feed_tokens"), form)
    again = client_for(lead).post(reverse("feed_tokens"), form).content.decode()
    assert FeedToken.objects.count() == 1
    assert "This form was sent already" in again and 'id="new-key"' not in again


def test_an_address_holding_an_identifier_is_logged_without_it(client, reviewed, key):
    assert read(client, table_url("943 476 5919"), key).status_code == 404
    assert FeedRead.objects.get().path == "(not kept: the address held what looked like an identifier)"
