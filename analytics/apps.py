from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Reading the results: report jobs, snapshots, charts, dashboards, exports (docs/design.md, “Layout”)."""

    name = "analytics"
