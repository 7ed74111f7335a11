from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    """Acting on the results: the LA's improvement plan (docs/improvement.md). Above analytics: it reads
    the report snapshots, and adds its sections to the dashboards and its tables to the Power BI feed
    through analytics' extension points."""

    name = "improvement"

    def ready(self):
        from analytics.extensions import register_dashboard_section
        from improvement import feed_tables, plan_version
        from improvement.dashboard import plan_section

        register_dashboard_section(plan_section)
        plan_version.connect()  # the section is kept for each version of the plans
        # The plan's tables in the Power BI feed (analytics/feed/registry.py).
        feed_tables.register()
