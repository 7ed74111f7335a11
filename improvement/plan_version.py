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

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from casereview.cache import move_version, read_version
from casereview.models import VocabularyTerm

PLAN_VERSION_KEY = "improvement-plans-version"
# Long; a version lost from the cache starts again past every number it had (casereview.cache.move_version).
PLAN_VERSION_SECONDS = 30 * 24 * 3600


def plan_version() -> str | None:
    """The version (made if there is none yet), or None when the cache cannot say (Redis down):
    then nothing is kept under it. Read before what it stands for."""
    return read_version(PLAN_VERSION_KEY, make_for_seconds=PLAN_VERSION_SECONDS)


def plans_changed() -> None:
    move_version(PLAN_VERSION_KEY, PLAN_VERSION_SECONDS)


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
