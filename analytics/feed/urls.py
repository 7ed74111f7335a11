"""The Power BI feed's addresses: stable (``v1``), documented in the README."""

from django.urls import path

from analytics.feed import views

urlpatterns = [
    path("feed/v1/", views.feed_index, name="feed_index"),
    path("feed/v1/tables/<str:name>.<str:file_format>", views.feed_table, name="feed_table"),
    path("workshops/power-bi-feed/", views.feed_tokens, name="feed_tokens"),
]
