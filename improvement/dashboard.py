"""The plan's section of the dashboards (registered in ImprovementConfig.ready()): for each theme,
the actions that answer it, the themes with no action, and what the follow-ups of the non-ideal
reviews found."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casereview.models import Role, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from improvement import selectors


def plan_section(request, scope) -> SafeString | None:
    organisation = request.membership.organisation
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
            "can_edit": request.membership.role == Role.LEAD,
        },
        request=request,
    )
