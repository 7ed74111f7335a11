"""Every feed read is logged with its address, which passes the identifier guard first. Only the
first 300 characters are kept, so only the start (with a margin) is checked: an address of 200,000
characters (ten parameters of 20,000 digits) once kept the guard busy for two minutes a read.
An identifier or a key across the cut is still seen whole and never kept."""

import secrets

import pytest
from django.urls import reverse

from analytics import snapshots
from analytics.feed import services
from analytics.feed.services import token_create
from analytics.models import FeedRead


@pytest.fixture
def key(organisation, lead):
    snapshots.compute_snapshot(organisation.pk, "all")
    return token_create(organisation=organisation, name="Power BI: SEND board", by=lead)[1]


@pytest.fixture
def guarded(monkeypatch):
    """The lengths of the texts the identifier guard is given while the read is logged."""
    lengths, guard = [], services.reject_identifiers

    def spy(text):
        lengths.append(len(text))
        return guard(text)

    monkeypatch.setattr(services, "reject_identifiers", spy)
    return lengths


def read(client, key, query: str):
    return client.get(f"{reverse('feed_index')}?{query}", headers={"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize("length", [1_000, 20_000])
@pytest.mark.parametrize("alphabet", ["1", "a", "%FF", "9 "])
def test_a_long_address_is_checked_by_its_start_and_kept_cut(client, key, guarded, length, alphabet):
    query = "&".join(f"p{n}={alphabet * (length // len(alphabet))}" for n in range(10))
    assert read(client, key, query).status_code == 200
    assert guarded and max(guarded) <= services.PATH_KEPT + services.PATH_MARGIN
    assert len(FeedRead.objects.get().path) <= services.PATH_KEPT


@pytest.mark.parametrize("offset", [250, 280, 295, 299])
def test_an_identifier_across_the_cut_is_not_kept(client, key, offset):
    prefix = "/feed/v1/?p="
    query = "p=" + "x" * (offset - len(prefix)) + "943%20476%205919" + "&q=" + "y" * 5000
    read(client, key, query)
    assert FeedRead.objects.get().path == "(not kept: the address held what looked like an identifier)"


@pytest.mark.parametrize("offset", [250, 280, 295, 299])
def test_a_key_across_the_cut_is_not_kept(monkeypatch, organisation, lead, offset):
    """(The feed refuses such an address before logging it; the log keeps no key even if asked to.)"""
    token, made = token_create(organisation=organisation, name="Walk", by=lead)
    other = "crf_" + secrets.token_urlsafe(32)
    path = "/feed/v1/?p=" + "x" * (offset - len("/feed/v1/?p=")) + other + "&q=" + "y" * 5000
    services.read_record(token=token, path=path, client_address=None, status=400)
    kept = FeedRead.objects.get().path
    assert other[:12] not in kept and other[4:16] not in kept and made[:12] not in kept
