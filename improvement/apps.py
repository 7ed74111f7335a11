from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    """Acting on the results: the LA's improvement plan (docs/improvement.md). Above analytics: it reads
    the report snapshots, and adds its sections to the dashboards through analytics' extension point."""

    name = "improvement"

    def ready(self):
        from analytics.extensions import register_dashboard_section
        from improvement.dashboard import plan_section

        register_dashboard_section(plan_section)
