from django.db import models
from django.utils import timezone

from analytics.scopes import KEY_MAX_LENGTH
from casereview.identifiers import reject_identifiers
from casereview.models import Organisation
from casereview.tenancy import TenantQuerySet


class ReportSnapshot(models.Model):
    """The figures of one scope of an LA's reports, as last computed by a report task.

    Dashboards read these and never aggregate inside a request. ``fingerprint`` says which data the
    figures came from: when the data's fingerprint differs, the snapshot is stale (docs/design.md,
    “The read path: reports from snapshots”)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_snapshots")
    scope = models.CharField(
        max_length=KEY_MAX_LENGTH,
        help_text="all, workshop:ID, phase:CODE, ..., or a combination: workshop:ID,phase:CODE",
    )
    figures = models.JSONField()
    charts = models.JSONField(
        default=dict, help_text="The dashboard's Plotly charts, drawn from the figures when they were computed."
    )
    fingerprint = models.CharField(max_length=120)
    computed_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "scope"], name="one_snapshot_per_scope")]

    def __str__(self):
        return f"{self.organisation} {self.scope} at {self.computed_at:%Y-%m-%d %H:%M}"


class SettingsDataset(models.Model):
    """An uploaded table of settings (one row per school) for variational analysis."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="settings_datasets")
    name = models.CharField(max_length=120, validators=[reject_identifiers])
    description = models.CharField(max_length=300, blank=True, validators=[reject_identifiers])
    measures = models.JSONField(help_text="Names of the numeric columns, in file order.")
    uploaded_by = models.ForeignKey("casereview.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.name


class SettingRow(models.Model):
    """One setting (school) of a dataset. Its figures are in ``values``, measure name -> number."""

    tenant_path = "dataset__organisation"

    dataset = models.ForeignKey(SettingsDataset, on_delete=models.CASCADE, related_name="rows")
    urn = models.CharField(max_length=8)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=60, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    values = models.JSONField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "urn"], name="urn_once_per_dataset")]


class VariationSettings(models.Model):
    """An LA's rules for the variational analysis's tables and downloads."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="variation_settings")
    suppress_small_counts = models.BooleanField(
        default=True,
        verbose_name="Suppress small counts",
        help_text="Show counts of 1 to 4, and the rates made from them, as “fewer than 5” in tables and downloads, "
        "so no pupil can be recognised in a small group.",
    )

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"Variation settings of {self.organisation}"


# The Power BI feed's models, last (analytics/feed/ is its own folder; the models are this app's).
from analytics.feed.models import FeedRead, FeedToken  # noqa: E402,F401
