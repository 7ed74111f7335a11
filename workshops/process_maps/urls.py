"""Process maps: the editor (steps and findings, saved with htmx), the projector flow, exports."""

from django.urls import path

from workshops.process_maps import views

urlpatterns = [
    path("workshops/<int:workshop_pk>/process-maps/new/", views.process_map_create, name="process_map_create"),
    path("process-maps/<int:pk>/", views.process_map_edit, name="process_map_edit"),
    path("process-maps/<int:pk>/steps/new/", views.step_add, name="step_add"),
    path("process-maps/<int:pk>/present/", views.process_map_present, name="process_map_present"),
    path("process-maps/<int:pk>/export.<str:file_format>", views.process_map_export, name="process_map_export"),
    path("process-steps/<int:step_pk>/", views.step_update, name="step_update"),
    path("process-steps/<int:step_pk>/move/", views.step_move, name="step_move"),
    path("process-steps/<int:step_pk>/remove/", views.step_remove, name="step_remove"),
    path("process-steps/<int:step_pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:finding_pk>/remove/", views.finding_remove, name="finding_remove"),
]
