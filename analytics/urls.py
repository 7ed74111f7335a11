from django.urls import include, path

from analytics import variation_views, views

urlpatterns = [
    path("dashboards/", views.dashboard, name="dashboard"),
    path("dashboards/workshops/<int:workshop_pk>/", views.dashboard, name="workshop_dashboard"),
    path("dashboards/status/", views.dashboard_status, name="dashboard_status"),
    path("dashboards/download/<str:name>.<str:file_format>", views.download, name="dashboard_download"),
    path("analysis/", variation_views.dataset_list, name="datasets"),
    path("analysis/settings/", variation_views.variation_settings, name="variation_settings"),
    path("analysis/template.<str:file_format>", variation_views.dataset_template, name="dataset_template"),
    path("analysis/<int:pk>/", variation_views.variation, name="variation"),
    path("analysis/<int:pk>/delete/", variation_views.dataset_delete, name="dataset_delete"),
    path(
        "analysis/<int:pk>/download/<str:name>.<str:file_format>",
        variation_views.variation_download,
        name="variation_download",
    ),
    path("", include("analytics.feed.urls")),
]
