from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Reading the results: report jobs, snapshots, charts, dashboards, exports (DESIGN.md §3)."""

    name = "analytics"
