"""Agreement between rooms: the calibration comparison on the projector, and moderation."""

from django.urls import path

from workshops.agreement import views

urlpatterns = [
    path(
        "workshops/<int:workshop_pk>/calibration/<int:allocation_pk>/",
        views.calibration_present,
        name="calibration_present",
    ),
    path(
        "workshops/<int:workshop_pk>/calibration/<int:allocation_pk>/live/",
        views.calibration_live,
        name="calibration_live",
    ),
    path("workshops/<int:workshop_pk>/moderation/", views.moderation_list, name="moderation_list"),
    path("workshops/<int:workshop_pk>/moderation/<int:allocation_pk>/", views.moderation_case, name="moderation_case"),
]
