from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Running the day: workshops, rooms, cases, reviews, polls, process maps (DESIGN.md §3)."""

    name = "workshops"
