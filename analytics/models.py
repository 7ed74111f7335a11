from django.db import models
from django.utils import timezone

from casereview.models import Organisation
from casereview.tenancy import TenantQuerySet


class ReportSnapshot(models.Model):
    """The figures of one scope of an LA's reports, as last computed by a report task.

    Dashboards read these and never aggregate inside a request. ``fingerprint`` says which data the
    figures came from: when the data's fingerprint differs, the snapshot is stale (DESIGN.md §3)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_snapshots")
    scope = models.CharField(max_length=80, help_text="all, workshop:ID, phase:CODE, primary_need:CODE, ...")
    figures = models.JSONField()
    fingerprint = models.CharField(max_length=120)
    computed_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "scope"], name="one_snapshot_per_scope")]

    def __str__(self):
        return f"{self.organisation} {self.scope} at {self.computed_at:%Y-%m-%d %H:%M}"
