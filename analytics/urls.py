from django.urls import include, path

from analytics import views

urlpatterns = [
    path("dashboards/", views.dashboard, name="dashboard"),
    path("dashboards/workshops/<int:workshop_pk>/", views.dashboard, name="workshop_dashboard"),
    path("dashboards/status/", views.dashboard_status, name="dashboard_status"),
    path("dashboards/download/<str:name>.<str:file_format>", views.download, name="dashboard_download"),
    path("", include("analytics.variation.urls")),
    path("", include("analytics.feed.urls")),
]
