from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Running the day: workshops, rooms, cases, reviews, polls, process maps (docs/design.md,
    “The write path: nothing lost”)."""

    name = "workshops"

    def warm_up(self):
        """Called by casereview.wsgi as a web process starts: a phone's first answer would
        otherwise wait 0.3 to 1 s for the lemma dictionary to load."""
        from workshops.polls.services import load_word_dictionaries

        load_word_dictionaries()

    def wrap_wsgi(self, application):
        """Called by casereview.wsgi: what phones following the presenter ask, the commonest requests
        of a workshop day (the follow check, and the open polls' cards once rendered), is answered
        before Django (workshops/polls/follow.py)."""
        from workshops.polls.follow import follow_checks_first

        return follow_checks_first(application)
