"""The Power BI feed: named read-only keys with which a LA's data group reads the dashboard
tables, and a log of every read. The models belong to the ``analytics`` app (see analytics/models.py)."""

from django.db import models
from django.utils import timezone

from casereview.identifiers import reject_identifiers
from casereview.models import Organisation
from casereview.tenancy import TenantQuerySet


class FeedToken(models.Model):
    """A read-only key for one LA's tables. The key is shown once when it is made; only its
    SHA-256 is kept (a random 256-bit key needs no slow hash), with its first characters so a
    lead can tell keys apart."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="feed_tokens")
    name = models.CharField(
        max_length=100,
        validators=[reject_identifiers],
        help_text="What reads with it, e.g. “Power BI: SEND board report”.",
    )
    key_prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    # The making form's one-time value: the same form sent twice (a reload) makes one key, not two.
    form_nonce = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey("casereview.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class FeedRead(models.Model):
    """One read through the feed: which key, when, what, from where, and how it was answered."""

    tenant_path = "token__organisation"

    token = models.ForeignKey(FeedToken, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=300)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.PositiveSmallIntegerField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-read_at"]
