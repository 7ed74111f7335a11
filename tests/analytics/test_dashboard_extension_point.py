"""Apps above analytics add sections to the dashboards through analytics.extensions, so analytics never imports them."""

import pytest
from django.utils.safestring import mark_safe

from analytics import extensions


@pytest.fixture
def providers(monkeypatch):
    registered = []
    monkeypatch.setattr(extensions, "_providers", registered)
    return registered


def test_a_registered_section_shows_on_the_dashboard_for_its_scope(providers, viewer, client_for, organisation):
    seen = []

    def section(request, scope):
        seen.append((request.membership.organisation, scope.key))
        return mark_safe('<section data-testid="extra">From above</section>')

    extensions.register_dashboard_section(section)
    extensions.register_dashboard_section(section)  # an app's ready() may run twice: still once
    page = client_for(viewer).get("/dashboards/").content.decode()
    assert page.count('data-testid="extra"') == 1
    assert seen == [(organisation, "all")]


def test_a_provider_may_add_nothing(providers, viewer, client_for):
    extensions.register_dashboard_section(lambda request, scope: None)
    assert client_for(viewer).get("/dashboards/").status_code == 200
    assert extensions.dashboard_sections(None, None) == []


def test_analytics_imports_no_app_above_it():
    import pathlib
    import re

    root = pathlib.Path(extensions.__file__).parent
    for path in root.rglob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+improvement\b", path.read_text(), re.M), (
            f"{path} imports the improvement app"
        )
