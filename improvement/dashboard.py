"""The plan's section of the dashboards (registered in ImprovementConfig.ready()): for each theme,
the actions that answer it, the themes with no action, and what the follow-ups of the non-ideal
reviews found. Rendered once for each version of the plans and of the LA's figures, for each scope
and for leads and others apart (only a lead is offered "Add an action"), and kept in the cache."""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from analytics.snapshots import figures_version
from casereview.models import Role, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from improvement import selectors
from improvement.plan_version import plan_version

# What moves neither version (a change outside Django's signals, e.g. terms bulk-created when an
# LA's vocabulary is brought up to date) is shown once this has passed.
SECTION_CACHE_SECONDS = 600


def plan_section(request, scope) -> SafeString | None:
    organisation = request.membership.organisation
    can_edit = request.membership.role == Role.LEAD
    key = _section_key(organisation.pk, scope.key, can_edit)
    html = cache.get(key) if key else None  # None with Redis down too: the cache fails open
    if html is None:
        html = _rendered(organisation, scope, can_edit)
        if key:
            cache.set(key, str(html), SECTION_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was rendered


def _section_key(organisation_id: int, scope_key: str, can_edit: bool) -> str | None:
    """The section's cache key, or None when either version is unknown (nothing is kept then)."""
    plans, figures = plan_version(), figures_version(organisation_id)
    if plans is None or figures is None:
        return None
    return f"plan-section:{organisation_id}:{plans}:{figures}:{scope_key}:{'lead' if can_edit else 'reader'}"


def _rendered(organisation, scope, can_edit: bool) -> str:
    by_theme = selectors.actions_by_theme(organisation)
    themes = (
        VocabularyTerm.objects.for_organisation(organisation)
        .filter(kind=VocabularyKind.THEME)
        .order_by("position", "label")
    )
    rows = [(theme, by_theme.get(theme.pk, [])) for theme in themes if not theme.is_retired or theme.pk in by_theme]
    return render_to_string(
        "improvement/_dashboard_section.html",
        {
            "rows": rows,
            "gaps": [theme for theme, actions in rows if not actions and not theme.is_retired],
            "follow_ups": selectors.follow_up_summary(organisation, scope),
            "can_edit": can_edit,
        },
    )
