"""Polls: the lead's pages (set up, open, moderate, present) and the attendee's phone (no account)."""

from django.urls import path

from workshops.polls.views import attendee, lead

urlpatterns = [
    path("workshops/<int:workshop_pk>/polls/new/", lead.poll_edit, name="poll_create"),
    path("workshops/<int:workshop_pk>/polls/<int:pk>/edit/", lead.poll_edit, name="poll_edit"),
    path("polls/settings/", lead.poll_settings, name="poll_settings"),
    path("polls/<int:pk>/state/", lead.poll_state, name="poll_state"),
    path("polls/<int:pk>/moderate/", lead.poll_moderate, name="poll_moderate"),
    path("polls/<int:pk>/moderate/status/", lead.poll_moderate_status, name="poll_moderate_status"),
    path("polls/answers/<int:pk>/hide/", lead.response_hide, name="response_hide"),
    path("polls/<int:pk>/moderate/queue/", lead.poll_queue, name="poll_queue"),
    path("polls/<int:pk>/merge/", lead.poll_merge, name="poll_merge"),
    path("polls/<int:pk>/unmerge/", lead.poll_unmerge, name="poll_unmerge"),
    # The presenter's quick hide and its Undo, on the Moderate page (never on the projector).
    path("polls/<int:pk>/moderate/quick-hide/", lead.poll_quick_hide, name="poll_quick_hide"),
    path("polls/<int:pk>/moderate/quick-hide/undo/", lead.poll_quick_hide_undo, name="poll_quick_hide_undo"),
    path("polls/<int:pk>/present/", lead.poll_present, name="poll_present"),
    path("polls/<int:pk>/present/results/", lead.poll_live_results, name="poll_live_results"),
    path("polls/<int:pk>/results.csv", lead.poll_results_csv, name="poll_results_csv"),
    # The attendee's phone: no account.
    path("join/", attendee.join, name="join"),
    path("j/<str:code>/", attendee.attend, name="attend"),
    path("j/<str:code>/polls/<int:poll_pk>/", attendee.answer, name="poll_answer"),
    path("j/<str:code>/follow/", attendee.follow, name="poll_follow"),
    path("j/<str:code>/cards/", attendee.shared_cards, name="poll_shared_cards"),
]
