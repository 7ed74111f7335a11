"""Dashboards. They read snapshots only: a missing or stale one is shown as such while a refresh
is queued, and the page refreshes itself when new figures are ready."""

from dataclasses import dataclass
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import IntegerField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from analytics import charts
from analytics.extensions import dashboard_sections
from analytics.forms import ScopeFilterForm
from analytics.models import ReportSnapshot
from analytics.report_tables import tables_of
from analytics.reports import BREAKDOWNS
from analytics.scopes import PART_KINDS, SEPARATOR, VOCABULARY_SCOPES, Scope, UnknownScope
from analytics.sealing import scope_as_seen_by
from analytics.selectors import filter_options
from analytics.snapshots import figures_version, is_refresh_queued, note_read, snapshot_to_read
from casereview.exports import table_response
from casereview.models import Role, VocabularyTerm
from casereview.tenancy import get_for_member_or_404, member_required
from workshops.agreement.selectors import disagreements_visible_to
from workshops.models import Workshop

ON_PAGE_ELSEWHERE = {"provision"}


# A snapshot's page is replaced by the next snapshot's; this only bounds how long an unread one stays.
FIGURES_CACHE_SECONDS = 3600


@dataclass
class Freshness:
    snapshot: ReportSnapshot | None
    stale: bool
    queued: bool

    @property
    def shown(self) -> str:
        return self.snapshot.computed_at.isoformat() if self.snapshot else ""


def _scope(request, workshop_pk=None) -> tuple[Scope, dict[str, str]]:
    """The scope asked for and each part's label. Every part (the workshop, each code) is checked
    to be the member's own LA's: one of another LA's answers 404, even mixed with our own."""
    key = f"workshop:{workshop_pk}" if workshop_pk is not None else request.GET.get("scope") or "all"
    try:
        scope = Scope.parse(key)
    except UnknownScope:
        raise Http404("No such report.") from None
    labels = {}
    for kind, value in scope.parts:
        if kind == "workshop":
            labels[kind] = get_for_member_or_404(request.user, Workshop, pk=int(value)).title
        else:
            labels[kind] = get_for_member_or_404(
                request.user, VocabularyTerm, kind=VOCABULARY_SCOPES[kind][0], code=value
            ).label
    return scope, labels


def dashboard_address(scope: Scope) -> str:
    """The LA dashboard's one address for a scope: what a bookmark keeps and a colleague is sent.
    Colons and commas stay as typed (codes are letters, digits and underscores), so it reads."""
    return reverse("dashboard") + ("" if not scope.parts else f"?scope={quote(scope.key, safe=':,')}")


def _freshness(organisation, scope: Scope) -> Freshness:
    """Where the scope's figures stand; asks for a refresh when they are missing or stale. The
    figures and charts are deferred: they are read only when the page is not in the cache yet."""
    snapshots = ReportSnapshot.objects.defer("figures", "charts").annotate(
        reviewed=Cast(KT("figures__reviewed"), IntegerField())
    )
    snapshot, stale = snapshot_to_read(organisation, scope, snapshots)
    return Freshness(snapshot, stale, stale and is_refresh_queued(organisation.pk, scope.key))


def disagreements_of(figures: dict, workshops: frozenset[int] | None) -> dict:
    """The figures with only the disagreements of ``workshops`` (None: every workshop's): which
    room said what is read only by the moderation panel of the case's workshop, the lead and
    viewers. A snapshot computed before rows named their workshop shows none of them to a panel."""
    agreement = figures.get("agreement")
    if workshops is None or not agreement:
        return figures
    kept = [row for row in agreement["disagreements"] if row.get("workshop_id") in workshops]
    hidden = len(agreement["disagreements"]) - len(kept)
    return figures | {"agreement": agreement | {"disagreements": kept, "disagreements_hidden": hidden}}


def _figures_context(snapshot: ReportSnapshot, scope: Scope, visible: frozenset[int] | None = frozenset()) -> dict:
    figures = disagreements_of(snapshot.figures, visible)
    show_disagreements = visible is None or bool(visible)
    # Snapshots computed before charts were stored with them have none: drawn here once more.
    drawn = snapshot.charts or charts.dashboard_charts(figures, scope.kinds)
    tables = tables_of(figures)
    return {
        "scope": scope,
        "figures": figures,
        "tables": tables,
        "outcome_chart": drawn["outcome"],
        "areas_chart": drawn["areas"],
        "themes_chart": drawn["themes"],
        "provision_chart": drawn["provision"],
        "crosstab_chart": drawn["crosstab"],
        # In the reports' order: a JSON column does not keep the order of an object's keys.
        # Provision has its own section above (with its no-consensus count and intervals): shown once on the
        # page; its breakdown table stays in the downloads and the Power BI feed.
        "breakdown_charts": [
            (tables[f"by-{d}"], drawn["breakdowns"][d])
            for d in BREAKDOWNS
            if d in drawn["breakdowns"] and d not in ON_PAGE_ELSEWHERE
        ],
        "polls": [
            (
                poll,
                tables[f"poll-{poll['id']}"],
                tables.get(f"poll-{poll['id']}-roles"),
                drawn["polls"][str(poll["id"])],
            )
            for poll in figures["polls"]
        ],
        "combined_themes_chart": drawn["combined_themes"],
        "combined_themes_table": tables["combined-themes"],
        # Snapshots computed before these existed have neither; the page leaves them out until the next refresh.
        "dbv_table": tables.get("dbv-summary"),
        "comparisons_table": tables.get("comparisons"),
        "process_maps": [
            (tables[f"process-{m['id']}"], drawn["process_maps"][str(m["id"])]) for m in figures["process_maps"]
        ],
        "show_disagreements": show_disagreements,
    }


def _figures_html(snapshot: ReportSnapshot, scope: Scope, visible: frozenset[int] | None = frozenset()) -> str:
    """The figures, charts and tables of a snapshot as HTML. The same for every member of the LA
    who may see them, so rendered once per snapshot and kept in the cache; without the cache
    (Redis down) rendered each time. One version per set of workshops whose disagreements between
    rooms (which room said what) the reader may see: every workshop's (the lead, viewers), a panel
    member's own workshops', or none (facilitators off the panel: double review is blind)."""
    readable = "all" if visible is None else "-".join(map(str, sorted(visible))) or "none"
    key = f"dashboard-figures:{snapshot.pk}:{snapshot.computed_at.timestamp():.6f}:{scope.key}:{readable}"
    html = cache.get(key)  # None with Redis down too: the cache fails open (casereview/cache.py)
    if html is None:
        html = render_to_string("analytics/_figures.html", _figures_context(snapshot, scope, visible))
        cache.set(key, str(html), FIGURES_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was rendered


@member_required()
def dashboard(request, workshop_pk=None):
    organisation = request.membership.organisation
    if workshop_pk is None and set(PART_KINDS) & set(request.GET):
        # The filter form, sent: its five selects become the scope's one address.
        form = ScopeFilterForm(request.GET, options=filter_options(organisation))
        if not form.is_valid():  # a value no select offers: another LA's workshop, an edited address
            raise Http404("No such report.")
        return redirect(dashboard_address(form.scope()))
    scope, labels = _scope(request, workshop_pk)
    seen = scope_as_seen_by(request.membership, scope)
    freshness = _freshness(organisation, seen.scope)
    context = {
        "scope": scope,
        "scope_title": scope.describe(labels),
        "freshness": freshness,
        "figures_version": figures_version(organisation.pk) or "",
        "hidden_reviews": seen.hidden,
        "filter_form": ScopeFilterForm(options=filter_options(organisation), scope=scope),
    }
    if freshness.snapshot:
        visible = disagreements_visible_to(request.user)
        context["figures_html"] = _figures_html(freshness.snapshot, seen.scope, visible)
    context["extra_sections"] = dashboard_sections(request, seen.scope)  # from apps above analytics (extensions.py)
    return render(request, "analytics/dashboard.html", context)


@require_GET
@member_required()
def dashboard_status(request):
    """Polled by an open dashboard as long as it is open (every 10 s, every 3 s while its figures
    are out of date), so that it never claims to be up to date without having asked: reloads the
    page once newer figures exist. While the LA's figures version (one cache read) is the one the
    page was drawn with and the page was up to date, nothing has changed: 204, no query."""
    version = figures_version(request.membership.organisation_id)  # the LA's id: no query for it
    if version is not None and version == request.GET.get("v") and request.GET.get("stale") != "1":
        _note_still_read(request.membership, request.GET.get("scope") or "all")
        return HttpResponse(status=204)
    organisation = request.membership.organisation
    scope, _ = _scope(request)
    scope = scope_as_seen_by(request.membership, scope).scope
    freshness = _freshness(organisation, scope)
    if freshness.snapshot and freshness.shown != request.GET.get("shown", ""):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    context = {"freshness": freshness, "scope": scope, "figures_version": version or ""}
    return render(request, "analytics/_freshness.html", context)


def _note_still_read(membership, scope_key: str) -> None:
    """An open dashboard is still read: writes keep its figures current (analytics.snapshots.note_read),
    however long it stays open. No query: a facilitator's scope is noted sealed as well, which is
    what they read while the LA has sealed reviews."""
    try:
        scope = Scope.parse(scope_key).without_sealed()
    except UnknownScope:
        return
    note_read(membership.organisation_id, scope.key)
    if membership.role == Role.FACILITATOR:
        note_read(membership.organisation_id, scope.with_sealed().key)


@member_required()
def download(request, name, file_format):
    organisation = request.membership.organisation
    scope, _ = _scope(request)
    snapshot, _ = snapshot_to_read(organisation, scope_as_seen_by(request.membership, scope).scope)
    visible = disagreements_visible_to(request.user)
    table = tables_of(disagreements_of(snapshot.figures, visible)).get(name) if snapshot else None
    if name == "disagreements" and visible is not None and not visible:
        table = None  # which room said what: not for a facilitator in a room (double review is blind)
    if table is None:
        raise Http404("No such table.")
    return table_response(table, file_format, download_name(scope, name))


def download_name(scope: Scope, table: str) -> str:
    """A download's file name, saying its scope: phase-SECONDARY-outcome, or for a combination
    workshop-12+phase-SECONDARY-outcome (a plus reads as "and"; a comma in a file
    name needs quoting in some tools)."""
    return f"{scope.key.replace(':', '-').replace(SEPARATOR, '+')}-{table}"
