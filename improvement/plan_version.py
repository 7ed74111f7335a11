"""The plans' version: a number in the cache that moves (after the commit) whenever anything the
dashboards' plan section shows is saved or deleted, so that section is rendered once for each
version instead of on every dashboard view (improvement/dashboard.py, issue 37).

What the section shows: the actions of the LA's plans by theme (an action, its themes, its focus
area's themes, the workstream and plan above them) and the theme vocabulary; and of the non-ideal
reviews, their follow-ups. Each of those models moves the version on every save and delete through
Django's signals, the admin's and the imports' included; the reviews themselves move the LA's
figures version (analytics.snapshots), which the section's cache key holds as well.

One version for the whole installation, not one per LA: plans are edited by people, a few times an
hour at most, and a save in one LA only makes the others' next view render their section again.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from casereview.models import VocabularyTerm

PLAN_VERSION_KEY = "improvement-plans-version"
# Long, but a version lost from the cache (evicted, Redis restarted empty) starts again from the time
# in microseconds: never a number a section was kept under before.
PLAN_VERSION_SECONDS = 30 * 24 * 3600


def plan_version() -> str | None:
    """The version (made if there is none yet), or None when the cache cannot say (Redis down):
    then nothing is kept under it. Read before what it stands for."""
    try:
        version = cache.get(PLAN_VERSION_KEY)
        if version is None:
            cache.add(PLAN_VERSION_KEY, _new_version(), PLAN_VERSION_SECONDS)
            version = cache.get(PLAN_VERSION_KEY)
    except Exception:  # noqa: BLE001 - no version: the section is rendered each time
        return None
    return None if version is None else str(version)


def plans_changed() -> None:
    """One more version; never raises (a lost move only keeps a section until its key expires)."""
    try:
        try:
            cache.incr(PLAN_VERSION_KEY)
        except ValueError:  # none: a new one, or past the one a reader made meanwhile
            if not cache.add(PLAN_VERSION_KEY, _new_version(), PLAN_VERSION_SECONDS):
                cache.incr(PLAN_VERSION_KEY)
    except Exception:  # noqa: BLE001
        pass


def _new_version() -> int:
    return time.time_ns() // 1000


def _changed_after_commit(**kwargs) -> None:
    transaction.on_commit(plans_changed, robust=True)


def connect() -> None:
    """Called once, from ImprovementConfig.ready()."""
    from improvement.models import Action, CaseFollowUp, FocusArea, Plan, Workstream

    for model in (Plan, Workstream, FocusArea, Action, CaseFollowUp, VocabularyTerm):
        post_save.connect(_changed_after_commit, sender=model, dispatch_uid=f"plan-version-save-{model.__name__}")
        post_delete.connect(_changed_after_commit, sender=model, dispatch_uid=f"plan-version-delete-{model.__name__}")
    for model in (Action, FocusArea):
        m2m_changed.connect(
            _changed_after_commit, sender=model.themes.through, dispatch_uid=f"plan-version-themes-{model.__name__}"
        )
