"""The workshop day: setup, allocation, the control room and the facilitator's console; the
features with a folder of their own bring their own URLs."""

from django.urls import include, path

from workshops.views import console, setup

urlpatterns = [
    path("workshops/", setup.workshop_list, name="workshop_list"),
    path("workshops/new/", setup.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", setup.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/edit/", setup.workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/delete/", setup.workshop_delete, name="workshop_delete"),
    path("workshops/retention/", setup.retention_settings, name="retention"),
    path("workshops/<int:workshop_pk>/rooms/new/", setup.room_edit, name="room_create"),
    path("workshops/<int:workshop_pk>/rooms/<int:pk>/edit/", setup.room_edit, name="room_edit"),
    path("workshops/<int:workshop_pk>/import/", setup.case_import_view, name="case_import"),
    path(
        "workshops/<int:workshop_pk>/import/template.<str:file_format>",
        setup.case_import_template,
        name="case_import_template",
    ),
    path("workshops/<int:workshop_pk>/allocation/", setup.allocation, name="allocation"),
    path("workshops/<int:workshop_pk>/allocation/draw/", setup.allocation_draw, name="allocation_draw"),
    path("workshops/<int:workshop_pk>/control-room/", setup.control_room, name="control_room"),
    path("workshops/<int:workshop_pk>/history/", setup.audit_log, name="audit_log"),
    path("rooms/<int:room_pk>/", console.room_console, name="room_console"),
    path("rooms/<int:room_pk>/cases/<int:allocation_pk>/", console.room_console, name="room_console_case"),
    path("rooms/<int:room_pk>/cases/<int:allocation_pk>/review/", console.review_submit, name="review_save"),
    path("rooms/<int:room_pk>/cases/<int:allocation_pk>/review/undo/", console.review_undo, name="review_undo"),
    path("", include("workshops.polls.urls")),
    path("", include("workshops.process_maps.urls")),
    path("", include("workshops.agreement.urls")),
]
