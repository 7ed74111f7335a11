"""Idle expiry of signed-in sessions without a database write on every request.

A session ends ``SESSION_COOKIE_AGE`` seconds after it was last saved. Django's own way to make
that "after the last request" (``SESSION_SAVE_EVERY_REQUEST``) writes the session row, in a
transaction of its own, on every page view, htmx save and projector refresh: the benchmark found
it in every signed-in request (docs/benchmarks.md). Here a session is saved again only when its
last save is more than ``TOUCH_SECONDS`` old, so it ends between ``SESSION_COOKIE_AGE -
TOUCH_SECONDS`` and ``SESSION_COOKIE_AGE`` after the last request.
"""

import time

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import DatabaseError, router

TOUCH_SECONDS = 60
TOUCHED_KEY = "_casereview_touched"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request already read (a signed-in page): never load one just for
        # this, and never start one for an attendee's phone.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(TOUCHED_KEY, 0) >= TOUCH_SECONDS:
            session[TOUCHED_KEY] = now  # marks it modified: SessionMiddleware saves it and renews the cookie
        return response


class SessionStore(DbSessionStore):
    """Django's database sessions, renewing an existing session in one UPDATE.

    Django wraps every save in a transaction of its own (BEGIN, UPDATE, COMMIT), which only the
    creation of a session needs (a clash of keys must roll back). An UPDATE of one row is atomic by
    itself, so the renewal that ``IdleSessionMiddleware`` asks for once a minute is that one
    statement (docs/benchmarks.md, issue 37); a session that is gone (signed out in another tab,
    ended by its LA) still raises ``UpdateError``, as Django's does."""

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        try:
            updated = (
                self.model._default_manager.using(using)
                .filter(session_key=obj.session_key)
                .update(session_data=obj.session_data, expire_date=obj.expire_date)
            )
        except DatabaseError:
            raise UpdateError from None
        if not updated:
            raise UpdateError
