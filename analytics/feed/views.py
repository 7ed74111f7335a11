"""The Power BI feed: every dashboard table as CSV and JSON at a stable address, read with a
LA's read-only key sent in a header (never in the address); and the lead's page of keys."""

import secrets
import string
from functools import wraps
from urllib.parse import unquote_plus

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.log import request_logger
from django.views.decorators.http import require_GET

from analytics.feed import selectors, services
from analytics.feed.registry import FeedTable, feed_tables
from analytics.report_tables import tables_of
from analytics.snapshots import FEED_READ_SECONDS, snapshot_to_read
from casereview.exports import Table, as_csv
from casereview.identifiers import reject_identifiers
from casereview.key_shapes import looks_like_a_key, names_a_secret, without_keys
from casereview.models import Role
from casereview.numbers import object_id
from casereview.tenancy import member_required

FORMATS = ("csv", "json")


def _refusal(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="casereview feed"'
    return response


def _secret_in_address(request) -> bool:
    """Whether the address carries a key, or a parameter named like one (``?key=``, ``?api_token=``,
    ``?auth=``…): a key there is kept in proxy logs and browser history, so it is refused whatever
    its value. The query string is read raw too, so a key anywhere in it (a parameter's name, an
    encoded value, a part Django does not parse as a parameter) is seen."""
    query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
    return (
        looks_like_a_key(request.path) or looks_like_a_key(query) or any(names_a_secret(name) for name in request.GET)
    )


def _key_in_address_refusal(request) -> JsonResponse:
    response = _refusal(
        400,
        "Send the key in a header (Authorization: Bearer crf_…), never in the address: "
        "addresses are kept in logs and browser history. Nothing was read; if the address held your "
        "key, ask your LA's lead to revoke it and make a new one.",
    )
    # Django logs every 4xx with the request's path (django.utils.log.log_response): log it here
    # with any key taken out, and mark the response logged so the path with the key is not.
    request_logger.warning("Bad Request: %s", without_keys(request.path), extra={"status_code": 400})
    response._has_been_logged = True
    return response


def feed_key_required(view):
    """Let the request in only with a current key in ``Authorization: Bearer …``; log every read
    made with a key, refused or not. A signed-in session counts for nothing here. An address
    carrying a key is refused before anything is looked up or logged."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _secret_in_address(request):
            return _key_in_address_refusal(request)
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        token = selectors.token_of_key(key.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _refusal(
                401,
                "Send a feed key made by your LA's lead (Workshops › Power BI feed) in the header "
                "Authorization: Bearer crf_….",
            )
        address = request.META.get("REMOTE_ADDR")
        if token.is_revoked:
            services.read_record(token=token, path=request.get_full_path(), client_address=address, status=401)
            return _refusal(401, f"The key “{token.name}” was revoked by your LA's lead; ask them for a new one.")
        request.feed_token = token
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            services.read_record(token=token, path=request.get_full_path(), client_address=address, status=404)
            raise
        services.read_record(
            token=token, path=request.get_full_path(), client_address=address, status=response.status_code
        )
        return response

    return wrapped


def _table_urls(request, name: str, scope_key: str) -> dict:
    query = "" if scope_key == "all" else f"?scope={scope_key}"
    return {
        fmt: request.build_absolute_uri(reverse("feed_table", kwargs={"name": name, "file_format": fmt}) + query)
        for fmt in FORMATS
    }


@require_GET
@feed_key_required
def feed_index(request):
    """What can be read: every table of the LA's dashboard and every scope it can be narrowed to."""
    organisation = request.feed_token.organisation
    snapshot, stale = snapshot_to_read(
        organisation, selectors.scope_of(organisation, "all"), read_for=FEED_READ_SECONDS
    )
    tables = tables_of(snapshot.figures) if snapshot else {}
    return JsonResponse(
        {
            "organisation": organisation.name,
            "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
            "stale": stale,
            "tables": [
                {"name": t.name, "title": t.title, **_table_urls(request, t.name, "all")} for t in tables.values()
            ]
            + _registered_tables_listed(request),
            "scopes": selectors.scopes_of(organisation),
            "how": "Add ?scope=SCOPE to a table's address to narrow it (e.g. ?scope=workshop:12). Combine scopes of "
            "different kinds with commas, at most one of each kind (e.g. ?scope=workshop:12,phase:SECONDARY,"
            'primary_need:ASD). A table listed with "scoped": false (the improvement plan\'s) covers the whole LA '
            "and takes no scope. Send the key in the header Authorization: Bearer crf_….",
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@feed_key_required
def feed_table(request, name, file_format):
    """One dashboard table, from the same snapshot as the dashboard shows."""
    if file_format not in FORMATS:
        raise Http404("No such format.")
    organisation = request.feed_token.organisation
    scope = selectors.scope_of(organisation, request.GET.get("scope") or "all")
    if name in feed_tables():  # a table an app registered (analytics/feed/registry.py): read now
        return _registered_table(feed_tables()[name], file_format, organisation, scope)
    snapshot, stale = snapshot_to_read(organisation, scope, read_for=FEED_READ_SECONDS)
    if snapshot is None:
        response = _refusal(503, "The figures of this scope are being computed; try again in a minute.")
        response["Retry-After"] = "60"
        return response
    table = tables_of(snapshot.figures).get(name)
    if table is None:
        raise Http404("No such table.")
    if file_format == "csv":
        response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(
            {
                "table": table.name,
                "title": table.title,
                "scope": scope.key,
                "computed_at": snapshot.computed_at.isoformat(),
                "stale": stale,
                "note": table.note,
                "columns": table.columns,
                "rows": [dict(zip(table.columns, row)) for row in table.rows],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["X-Computed-At"] = snapshot.computed_at.isoformat()
    response["X-Stale"] = "true" if stale else "false"
    return response


# --- tables registered by the apps above analytics (analytics/feed/registry.py) ---------------


def _registered_tables_listed(request) -> list[dict]:
    """The index's entries of the registered tables: addresses, and each column described."""
    return [
        {
            "name": table.name,
            "title": table.title,
            **_table_urls(request, table.name, "all"),
            "scoped": table.scoped,
            "note": table.note,
            "columns": [{"name": c.name, "description": c.description} for c in table.columns],
        }
        for table in feed_tables().values()
    ]


def _registered_table(table: FeedTable, file_format: str, organisation, scope) -> HttpResponse:
    """A registered table, read as it stands now for the key's LA (no snapshot: never stale)."""
    if not table.scoped and scope.key != "all":
        return _refusal(
            400,
            f"The table “{table.name}” covers the whole LA and cannot be narrowed: "
            "leave ?scope= out of its address. Nothing was read.",
        )
    rows = table.rows(organisation, scope)
    read_at = timezone.now().isoformat()
    if file_format == "csv":
        content = as_csv(Table(table.name, table.title, table.column_names, rows, table.note))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(
            {
                "table": table.name,
                "title": table.title,
                "scope": scope.key,
                "computed_at": read_at,
                "stale": False,
                "note": table.note,
                "columns": table.column_names,
                "rows": [dict(zip(table.column_names, row)) for row in rows],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["X-Computed-At"] = read_at
    response["X-Stale"] = "false"
    return response


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name of the key",
        max_length=100,
        validators=[reject_identifiers],
        help_text="What will read with it, so you know which key to revoke, e.g. “Power BI: SEND board report”.",
        error_messages={"required": "Enter a name for the key"},
    )
    # Letters only: a random value with digits could, by chance, look like an NHS number to the guard.
    nonce = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=32,
        validators=[RegexValidator("^[a-z]*$", "The form was changed: load the page again."), reject_identifiers],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nonce"].initial = "".join(secrets.choice(string.ascii_lowercase) for _ in range(32))


@member_required(Role.LEAD)
def feed_tokens(request):
    organisation = request.membership.organisation
    form = TokenForm()
    new_key = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        # Not an id ('²', 10,000 digits): as unknown as another LA's key, never a server error.
        token = get_object_or_404(selectors.tokens_of(organisation), pk=object_id(request.POST.get("token")))
        services.token_revoke(token=token)
        messages.success(request, f"Revoked “{token.name}”: it reads nothing from now on.")
        return redirect("feed_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, new_key = services.token_create(
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    by=request.user,
                    form_nonce=form.cleaned_data["nonce"],
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                form = TokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": selectors.tokens_of(organisation),
        "reads": selectors.recent_reads(organisation),
        "index_url": request.build_absolute_uri(reverse("feed_index")),
        "example_url": request.build_absolute_uri(
            reverse("feed_table", kwargs={"name": "outcome", "file_format": "csv"})
        ),
    }
    return render(request, "analytics/feed/tokens.html", context)
