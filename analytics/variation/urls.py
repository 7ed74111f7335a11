"""The addresses of Compare settings (variational analysis)."""

from django.urls import path

from analytics.variation import views

urlpatterns = [
    path("analysis/", views.dataset_list, name="datasets"),
    path("analysis/settings/", views.variation_settings, name="variation_settings"),
    path("analysis/template.<str:file_format>", views.dataset_template, name="dataset_template"),
    path("analysis/<int:pk>/", views.variation, name="variation"),
    path("analysis/<int:pk>/delete/", views.dataset_delete, name="dataset_delete"),
    path(
        "analysis/<int:pk>/download/<str:name>.<str:file_format>",
        views.variation_download,
        name="variation_download",
    ),
]
