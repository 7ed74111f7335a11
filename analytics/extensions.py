"""The one way an app above analytics adds to a dashboard, without analytics importing it.

Dependencies point one way (docs/design.md, “Dependencies point one way”: casereview <- workshops
<- analytics <- improvement), yet the dashboard should show, for instance, which actions of the
improvement plan answer each theme.
So an app registers a *section provider* in its ``AppConfig.ready()``; the dashboard calls every
provider after its figures and shows what they return. A provider is
``provider(request, scope) -> str | None``: HTML for this member and this scope (``request.membership``
is set), or None to add nothing. Its output is not cached with the figures: it may change without
the reviews changing, and it may differ by role.
"""

from collections.abc import Callable

SectionProvider = Callable[..., "str | None"]

_providers: list[SectionProvider] = []


def register_dashboard_section(provider: SectionProvider) -> None:
    """Add ``provider`` (once, however often an app's ready() runs)."""
    if provider not in _providers:
        _providers.append(provider)


def dashboard_sections(request, scope) -> list[str]:
    """The sections every registered provider gives for this request and scope, in registration order."""
    return [html for provider in _providers if (html := provider(request, scope))]
