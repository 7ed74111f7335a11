from django.urls import path

from workshops.views import attendee, console, polls, setup

urlpatterns = [
    path("workshops/", setup.workshop_list, name="workshop_list"),
    path("workshops/new/", setup.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", setup.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/edit/", setup.workshop_edit, name="workshop_edit"),
    path("workshops/<int:workshop_pk>/rooms/new/", setup.room_edit, name="room_create"),
    path("workshops/<int:workshop_pk>/rooms/<int:pk>/edit/", setup.room_edit, name="room_edit"),
    path("workshops/<int:workshop_pk>/import/", setup.case_import_view, name="case_import"),
    path(
        "workshops/<int:workshop_pk>/import/template.<str:file_format>",
        setup.case_import_template,
        name="case_import_template",
    ),
    path("workshops/<int:workshop_pk>/allocation/", setup.allocation, name="allocation"),
    path("workshops/<int:workshop_pk>/control-room/", setup.control_room, name="control_room"),
    path("workshops/<int:workshop_pk>/history/", setup.audit_log, name="audit_log"),
    path("workshops/<int:workshop_pk>/polls/new/", polls.poll_edit, name="poll_create"),
    path("workshops/<int:workshop_pk>/polls/<int:pk>/edit/", polls.poll_edit, name="poll_edit"),
    path("polls/settings/", polls.poll_settings, name="poll_settings"),
    path("polls/<int:pk>/state/", polls.poll_state, name="poll_state"),
    path("polls/<int:pk>/moderate/", polls.poll_moderate, name="poll_moderate"),
    path("polls/answers/<int:pk>/hide/", polls.response_hide, name="response_hide"),
    path("polls/<int:pk>/present/", polls.poll_present, name="poll_present"),
    path("polls/<int:pk>/present/results/", polls.poll_live_results, name="poll_live_results"),
    path("polls/<int:pk>/results.csv", polls.poll_results_csv, name="poll_results_csv"),
    # The attendee's phone: no account.
    path("join/", attendee.join, name="join"),
    path("j/<str:code>/", attendee.attend, name="attend"),
    path("j/<str:code>/polls/<int:poll_pk>/", attendee.answer, name="poll_answer"),
    path("rooms/<int:room_pk>/", console.room_console, name="room_console"),
    path("rooms/<int:room_pk>/cases/<int:allocation_pk>/", console.room_console, name="room_console_case"),
    path("rooms/<int:room_pk>/cases/<int:allocation_pk>/review/", console.review_save, name="review_save"),
]
