import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casereview import services
from casereview.forms import VocabularyTermAddForm, VocabularyTermForm
from casereview.limits import over_limit
from casereview.metrics import ping, uses_redis
from casereview.models import Role, TermScope, VocabularyTerm
from casereview.pending_refreshes import figures_age_seconds
from casereview.selectors import vocabularies_of
from casereview.signin.selectors import password_refused_for
from casereview.tasks import HEARTBEAT_KEY
from casereview.tenancy import get_for_member_or_404, member_required, membership_of
from casereview.vocabularies import OPEN_KINDS, VocabularyKind


@login_required
def home(request):
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "casereview/no_membership.html", status=403)
    return render(request, "casereview/home.html", {"membership": membership})


@never_cache
def alive(request):
    """Liveness: the web process answers. No database or cache, so a restart is never triggered by
    a dependency being down (that is what ``health`` reports); also the benchmark's ceiling."""
    return HttpResponse("ok", content_type="text/plain")


# The worker counts as gone when beat's heartbeat (every minute) has been missed this many times.
WORKER_GONE_AFTER_HEARTBEATS = 3


@never_cache
def health(request):
    """For load balancers, docker health checks and people: each dependency as it really is, read
    directly, so a failing one cannot look fine (docs/operations.md, "Monitoring").

    503 only when the database does not answer (nothing works without it). 200 otherwise, with
    "status": "degraded" when Redis (the cache), the broker or the worker is not ok, "ok" when all
    are. "redis" and "broker" are a PING straight to REDIS_URL and CELERY_BROKER_URL with a 0.5 s
    timeout (the cache itself fails open and never says), each {"state": "ok"|"unavailable", "ms"};
    "cache" repeats Redis's state. "worker": when beat's heartbeat was last seen, "unavailable" when
    it is older than three heartbeats or cannot be read. "figures_age_seconds": how long the
    longest-waiting report refresh request has gone unserved, null when none waits
    (casereview.pending_refreshes.figures_age_seconds). In the embedded shape (no REDIS_URL: local-memory
    cache, tasks in-process) Redis, the broker and the worker are "not used". A few milliseconds
    when all is well, a second at most when Redis is down; never raises."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy", reported as such
        database = "unavailable"
    database_ms = round((time.perf_counter() - started) * 1000, 1)
    embedded = not settings.REDIS_URL
    not_used = {"state": "not used", "ms": 0}
    redis_state = not_used if embedded else ping(settings.REDIS_URL)
    broker = not_used if not uses_redis(settings.CELERY_BROKER_URL) else ping(settings.CELERY_BROKER_URL)
    worker = {"last_seen": None, "seconds_ago": None, "state": "not used" if embedded else "unavailable"}
    if not embedded and redis_state["state"] == "ok":
        try:
            heartbeat = cache.get(HEARTBEAT_KEY)
            if heartbeat:
                seconds_ago = round((timezone.now() - parse_datetime(heartbeat["at"])).total_seconds())
                gone_after = (
                    WORKER_GONE_AFTER_HEARTBEATS * settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["schedule"]
                )
                worker = {
                    "last_seen": heartbeat["at"],
                    "seconds_ago": seconds_ago,
                    "state": "ok" if seconds_ago <= gone_after else "unavailable",
                }
        except Exception:  # noqa: BLE001 - a heartbeat that cannot be read leaves the worker unavailable
            pass
    figures_age = None
    if redis_state["state"] == "ok":  # not tried with Redis down: the cache would stay away for seconds after
        try:
            figures_age = figures_age_seconds()
        except Exception:  # noqa: BLE001
            pass
    degraded = any(part["state"] not in ("ok", "not used") for part in (redis_state, broker, worker))
    body = {
        # These three first, in this order: what the compose smoke test (ops/compose_smoke.py) reads.
        "database": database,
        "cache": "ok" if embedded else redis_state["state"],
        "worker": worker,
        "status": "unavailable" if database != "ok" else "degraded" if degraded else "ok",
        "database_ms": database_ms,
        "redis": redis_state,
        "broker": broker,
        "figures_age_seconds": figures_age,
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)


@member_required()
def vocabulary_list(request):
    return render(
        request,
        "casereview/vocabulary_list.html",
        {"vocabularies": vocabularies_of(request.membership.organisation), "can_edit": request.membership.is_lead},
    )


@member_required(Role.LEAD)
def vocabulary_term_edit(request, pk):
    term = get_for_member_or_404(request.user, VocabularyTerm, pk=pk)
    form = VocabularyTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{term.label}”.")
        return redirect("vocabulary")
    return render(request, "casereview/vocabulary_term_form.html", {"form": form, "term": term})


@member_required(Role.LEAD)
def vocabulary_term_add(request, kind):
    if kind not in OPEN_KINDS:
        raise Http404("Only non-ideal areas and themes can be added to.")
    form = VocabularyTermAddForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.vocabulary_term_add(
                organisation=request.membership.organisation,
                kind=kind,
                label=form.cleaned_data["label"],
                scope=form.cleaned_data.get("scope") or TermScope.BOTH,
            )
        except ValidationError as error:
            form.add_error("label", error)
        else:
            messages.success(request, f"Added “{term.label}”.")
            return redirect("vocabulary")
    return render(
        request, "casereview/vocabulary_term_form.html", {"form": form, "kind_title": VocabularyKind(kind).label}
    )


@require_POST
@member_required(Role.LEAD)
def vocabulary_term_retire(request, pk):
    term = get_for_member_or_404(request.user, VocabularyTerm, pk=pk)
    retire = request.POST.get("retired") == "yes"
    services.vocabulary_term_set_retired(term=term, retired=retire)
    if retire:
        messages.success(request, f"Retired “{term.label}”: new forms no longer offer it; past records keep it.")
    else:
        messages.success(request, f"Restored “{term.label}”.")
    return redirect("vocabulary")


# Password reset limits (issue 16, item 12): one address gets at most a few emails an hour, however
# many clients ask for it, and one client address can ask for only so many addresses.
PASSWORD_RESET_PER_ADDRESS = "3/h"
PASSWORD_RESET_PER_CLIENT = "30/h"


class ResetForm(PasswordResetForm):
    """No reset link for a member of an LA that signs its staff in itself (the page reads the same)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not password_refused_for(user))


class ThrottledPasswordResetView(PasswordResetView):
    form_class = ResetForm

    def post(self, request, *args, **kwargs):
        if over_limit(request, group="password-reset-client", rate=PASSWORD_RESET_PER_CLIENT):
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if over_limit(
            self.request,
            group="password-reset-address",
            rate=PASSWORD_RESET_PER_ADDRESS,
            key=lambda group, request: email,
        ):
            # The same page as when an email is sent, so nobody learns whether the address has an
            # account or has been asked for; the owner already has a link from the first requests.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = ThrottledPasswordResetView.as_view()
