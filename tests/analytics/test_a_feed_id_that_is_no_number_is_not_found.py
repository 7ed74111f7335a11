"""Ids the feed reads from a request: a scope's workshop (?scope=workshop:ID) and the key a lead
revokes (token=ID). One that is not a whole number in ASCII digits, or too long to be an id (20
digits, past a 64-bit column), names nothing: 404, nothing revoked; never a server error."""

import pytest
from django.urls import reverse

from analytics import snapshots
from analytics.feed.services import token_create
from analytics.models import FeedToken
from tests.strange_numbers import STRANGE_NUMBERS


@pytest.fixture
def key(organisation, lead):
    snapshots.compute_snapshot(organisation.pk, "all")
    return token_create(organisation=organisation, name="Power BI: SEND board", by=lead)[1]


@pytest.mark.parametrize("digits", [19, 20, 50, 390])
def test_a_workshop_too_long_to_be_an_id_is_not_found(client, key, digits):
    table = reverse("feed_table", kwargs={"name": "outcome", "file_format": "json"})
    for scope in (f"workshop:{'9' * digits}", f"workshop:{'9' * digits},phase:SECONDARY"):
        response = client.get(table, {"scope": scope}, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 404, scope


@pytest.mark.parametrize("token", [value for value in STRANGE_NUMBERS if value])
def test_revoking_a_key_that_is_no_id_revokes_nothing(client_for, lead, key, token):
    response = client_for(lead).post(reverse("feed_tokens"), {"action": "revoke", "token": token})
    assert response.status_code == 404
    assert not FeedToken.objects.filter(revoked_at__isnull=False).exists()
