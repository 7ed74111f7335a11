"""The Power BI feed reads its key from a header only. An address that carries one (in any
parameter's value or name, percent-encoded, without its crf_ prefix, or in the path), or any
parameter named like a secret (key, token, secret, auth...), is refused with 400 and a message
saying where the key goes; nothing is read, and the key lands neither in the read log (FeedRead)
nor in any log line, whether the key is valid, revoked or never made."""

import logging
import secrets
from urllib.parse import quote

import pytest
from django.urls import reverse

from analytics import snapshots
from analytics.feed.services import token_create
from analytics.models import FeedRead, FeedToken

NEVER_IN_THE_ADDRESS = "never in the address"
SECRET_NAMES = [
    "key", "KEY", "Key", "token", "api_key", "apikey", "x-api-key", "access_token", "id_token", "secret",
    "client_secret", "auth", "Authorization", "oauth", "password", "bearer", "feed_key",
]  # fmt: skip


@pytest.fixture
def key(organisation, lead):
    snapshots.compute_snapshot(organisation.pk, "all")
    return token_create(organisation=organisation, name="Power BI: SEND board", by=lead)[1]


def addresses_carrying(key: str) -> list[str]:
    """Every way a person or a tool may put ``key`` into an address of the feed."""
    index, table = reverse("feed_index"), reverse("feed_table", kwargs={"name": "outcome", "file_format": "json"})
    bare = key.removeprefix("crf_")
    addresses = []
    for url in (index, table):
        for name in ("scope", "q", "x", "filter", "crf", ""):
            addresses += [f"{url}?{name}={key}", f"{url}?{name}={bare}", f"{url}?{name}=Bearer%20{quote(key)}"]
        addresses += [
            f"{url}?{key}",  # the key as a parameter's name
            f"{url}?{key}=1",
            f"{url}?scope=all&scope={key}",  # the second of a repeated parameter
            f"{url}?scope=all;{key}",  # inside a value, after a separator Django does not split on
            f"{url}?scope={''.join(f'%{ord(c):02X}' for c in key)}",  # every character percent-encoded
            f"{url}?scope={key}%FF%FE",  # followed by bytes that are not UTF-8
        ]
    addresses += [
        reverse("feed_table", kwargs={"name": key, "file_format": "csv"}),
        reverse("feed_table", kwargs={"name": "outcome", "file_format": key}),
        reverse("feed_table", kwargs={"name": bare, "file_format": "json"}),
    ]
    return addresses


def assert_refused_and_kept_nowhere(client, address, key, caplog, headers):
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = client.get(address, headers=headers)
    assert response.status_code == 400, address
    assert NEVER_IN_THE_ADDRESS in response.json()["error"], address
    assert not FeedRead.objects.exists(), address
    assert FeedToken.objects.filter(last_used_at__isnull=False).count() == 0, address
    for secret in (key, key.removeprefix("crf_")):
        for record in caplog.records:
            assert secret not in record.getMessage(), f"{address}: {record.getMessage()}"
            assert secret not in repr(record.__dict__), f"{address}: {record.__dict__}"


@pytest.mark.parametrize("headers", ["valid", "none", "revoked"])
def test_a_valid_revoked_or_missing_header_changes_nothing(client, key, caplog, headers):
    if headers == "revoked":
        FeedToken.objects.update(revoked_at="2026-01-01T00:00Z")
    sent = {} if headers == "none" else {"Authorization": f"Bearer {key}"}
    for address in addresses_carrying(key):
        assert_refused_and_kept_nowhere(client, address, key, caplog, sent)


def test_a_key_never_made_is_refused_too(client, key, caplog):
    for _ in range(20):
        made_up = "crf_" + secrets.token_urlsafe(32)
        for address in addresses_carrying(made_up):
            assert_refused_and_kept_nowhere(client, address, made_up, caplog, {"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_parameter_named_like_a_secret_is_refused_whatever_its_value(client, key, caplog, name):
    for value in ("1", "", "all", "hunter2"):
        address = f"{reverse('feed_index')}?{quote(name)}={value}"
        assert_refused_and_kept_nowhere(client, address, key, caplog, {"Authorization": f"Bearer {key}"})


def test_an_ordinary_address_still_reads_and_is_logged(client, key, workshop):
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(reverse("feed_index"), {"scope": "all"}, headers=headers).status_code == 200
    table = reverse("feed_table", kwargs={"name": "outcome", "file_format": "json"})
    assert client.get(table, {"scope": "all"}, headers=headers).status_code == 200
    assert list(FeedRead.objects.order_by("read_at").values_list("path", flat=True)) == [
        "/feed/v1/?scope=all",
        "/feed/v1/tables/outcome.json?scope=all",
    ]
