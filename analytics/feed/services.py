"""Writes of the feed: making and revoking keys, and logging each read."""

import hashlib
import secrets
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.utils import timezone

from analytics.models import FeedRead, FeedToken
from casereview.identifiers import reject_identifiers
from casereview.key_shapes import KEY_PREFIX, looks_like_a_key, without_keys

PATH_KEPT = 300  # FeedRead.path's length
PATH_MARGIN = 200


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, organisation, name: str, by, form_nonce: str | None = None) -> tuple[FeedToken, str]:
    """A new key for ``organisation``; the key itself is returned once and never stored.
    ``form_nonce``: the making form's one-time value; a form sent again makes no second key."""
    if form_nonce and FeedToken.objects.filter(form_nonce=form_nonce).exists():
        raise ValidationError(
            "This form was sent already and its key was shown then (only once). "
            "If you did not copy it, revoke that key and make a new one."
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = FeedToken(
        organisation=organisation,
        name=" ".join(name.split()),
        key_prefix=key[:10],
        key_hash=key_hash(key),
        created_by=by,
        form_nonce=form_nonce or None,
    )
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: FeedToken) -> None:
    FeedToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def read_record(*, token: FeedToken, path: str, client_address: str | None, status: int) -> None:
    """Log one read. The address is whatever the caller asked for, so it passes the identifier
    guard like any text that is kept: one holding an identifier is logged without it, and anything
    shaped like a key is taken out (the feed refuses such addresses; this keeps it true here too)."""
    now = timezone.now()
    # Only the start is kept, so only the start is checked: an address of 200,000 characters
    # would keep the identifier guard busy for minutes. The margin past what is kept lets the guard
    # see whole an identifier or a key that the cut would halve.
    path = path[: PATH_KEPT + PATH_MARGIN]
    if looks_like_a_key(unquote(path)):  # a key percent-encoded is a key all the same
        path = without_keys(unquote(path))
    try:
        reject_identifiers(unquote(path))
    except ValidationError:
        path = "(not kept: the address held what looked like an identifier)"
    FeedRead.objects.create(
        token=token, read_at=now, path=path[:PATH_KEPT], client_address=client_address, status=status
    )
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
