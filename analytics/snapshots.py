"""Computing and storing snapshots, and asking for them to be recomputed.

``request_refresh`` is the public function the rest of the product calls (after commit) when
reviews or poll answers change. It coalesces: while a refresh of a scope is queued and not yet
started, further requests for that scope add nothing, because the queued task will read their
data anyway. The task clears the marker as it starts, so a change that lands during a
computation queues one more run. With Redis or the worker down, requests are logged and the
periodic sweep catches up once they are back.

A queued run can be lost: a worker killed while it holds the task (waiting for its countdown, or
running) leaves the message unacknowledged in Redis until the broker's visibility timeout. So the
marker lasts only until shortly after the run should have started (``QUEUED_RUN_LOST_AFTER_SECONDS``),
and every request is also written down as pending until a run takes it up; the sweep queues again
whatever is pending with no marker left, and reports how long the oldest has waited
(``figures_age_seconds``: the health page and /metrics).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from analytics.charts import dashboard_charts
from analytics.models import ReportSnapshot
from analytics.reports import timed_report
from analytics.scopes import Scope
from analytics.selectors import data_fingerprint
from casereview.cache import cache_is_down, move_version, read_version
from casereview.metrics import REFRESHES
from casereview.models import Organisation
from casereview.pending_refreshes import note_pending

logger = logging.getLogger(__name__)

# A queued run that has not started this long after its planned start is taken as lost (a worker
# killed while holding it): its marker then expires, so the next request, a reader or the sweep
# queues it again. A healthy worker starts a run within seconds of its time (a refresh takes about
# a second: docs/benchmarks.md); one so far behind that a run waits longer gets a second run, which
# finds the snapshot current and stops after one query (analytics/tasks.py).
QUEUED_RUN_LOST_AFTER_SECONDS = 30
# A wait before the task runs, so a burst of answers or saves is computed once, after the burst.
# 5 s made the worker recompute every busy scope every 5 s: on the workshop-day benchmark's ten
# workshops that took 1.5 cores from the two the phones needed (docs/benchmarks.md). A dashboard
# at most 15 s behind the room is still current for a SEND lead; the projector shows poll
# answers live, without snapshots.
COALESCE_SECONDS = 15
# Poll answers arrive by the hundred within seconds of a poll opening, in every workshop at once,
# and the projector shows them live without snapshots: a dashboard's poll figures may lag a minute.
POLL_ANSWERS_COALESCE_SECONDS = 60
# A process that queued, or found queued, a scope's refresh does not ask Redis again for that scope
# for this long (a third of the wait at most, and never past the queued run's start): phone answers
# arrive by the hundred a second, and each asked Redis twice to learn that the refresh was queued.
REQUEST_MEMO_SECONDS = 5.0
REQUEST_MEMO_SIZE = 4096
# (organisation id, scope key) -> time.monotonic() until which this process skips Redis.
_queued_here: dict[tuple[int, str], float] = {}

# Refreshes only where read (issue 37): a write has the scopes it touched recomputed only where
# someone read them in the last READ_RECENTLY_SECONDS (a dashboard, an open dashboard's checks, a
# download, the feed), so the worker's time follows what people look at, not how many scopes a
# save touches (six, and a combination for each of them someone opened). Any other scope is
# recomputed when it is next read: ``snapshot_to_read`` finds it stale by its fingerprint, the page
# shows the figures it has marked as out of date, and a refresh is queued at once. The feed's reads
# count for a day, so that a daily scheduled refresh in Power BI reads current figures.
READ_RECENTLY_SECONDS = 6 * 3600
FEED_READ_SECONDS = 26 * 3600
# A process notes a read in the cache at most once in this long for each scope.
NOTE_READ_EVERY_SECONDS = 300
# (organisation id, scope key, seconds) -> time.monotonic() when this process last noted it.
_noted_here: dict[tuple[int, str, int], float] = {}
# What this process last read of whether a scope was read lately: (organisation id, scope key) ->
# (time.monotonic() read, read lately). Phones' answers ask by the hundred a second; a "yes" holds
# for a minute, a "no" for a second: a write in that second misses a reader who has just opened the
# scope, whose page then catches up with the sweep (a minute), as after a lost refresh.
READ_MEMO_SECONDS = {True: 60.0, False: 1.0}
_read_here: dict[tuple[int, str], tuple[float, bool]] = {}


def queued_marker(organisation_id: int, scope_key: str) -> str:
    return f"report-refresh-queued:{organisation_id}:{scope_key}"


def marker_seconds(after: float) -> int:
    """How long a marker for a run queued ``after`` seconds ahead stands: until the run is taken as lost."""
    return int(after) + QUEUED_RUN_LOST_AFTER_SECONDS


def clear_if_lost(organisation_id: int, scope_key: str) -> bool:
    """Remove the scope's marker if its run is lost: more than QUEUED_RUN_LOST_AFTER_SECONDS past its
    planned start, or a marker from before markers held one (they stood for ten minutes).
    Whether there is no marker now."""
    marker = queued_marker(organisation_id, scope_key)
    starts = _start_of(marker)
    if starts is None:
        return True
    try:
        lost = float(starts) + QUEUED_RUN_LOST_AFTER_SECONDS < time.time()
    except (TypeError, ValueError):
        lost = True
    if lost:
        logger.warning(
            "Report refresh for %s %s was lost (a worker stopped?); queueing it again.", organisation_id, scope_key
        )
        cache.delete(marker)
    return lost


# An LA's figures version: a number in the cache that grows whenever a write changes the LA's data
# (after it commits: refresh_after_commit), a refresh of one of its scopes is queued, or a snapshot
# of it is stored. An open dashboard asks for it every few seconds (one cache read, no query): while
# it is the one the page was drawn with, nothing can have changed (casereview.cache.move_version).
FIGURES_VERSION_SECONDS = 24 * 3600
# A snapshot found current (its fingerprint that of the data) is served without asking the data
# again while the LA's figures version stands, for at most this long: a change no write of the
# services announces (an edit in the admin, a case re-imported) is then seen within a minute, as
# the sweep sees it. After a workshop, when nothing is written, a dashboard is one query for its
# snapshot and no fingerprint (issue 37).
VERIFIED_SECONDS = 60


def figures_version_key(organisation_id: int) -> str:
    return f"report-figures-version:{organisation_id}"


def figures_version(organisation_id: int) -> str | None:
    """The LA's figures version, or None when the cache cannot say (Redis down, or nothing yet)."""
    return read_version(figures_version_key(organisation_id))


def _figures_changed(organisation_id: int, *, start: bool = True) -> None:
    """One more figures version. ``start=False`` (a write, or a refresh queued: phones' answers
    ask for those by the hundred) only counts on from a version that exists: one Redis call."""
    move_version(figures_version_key(organisation_id), FIGURES_VERSION_SECONDS, start=start)


def compute_snapshot(organisation_id: int, scope_key: str) -> ReportSnapshot:
    """Compute one scope's figures and store them in one write: never half-written, and running
    it twice on the same data stores the same figures."""
    organisation = Organisation.objects.get(pk=organisation_id)
    scope = Scope.parse(scope_key)
    # The fingerprint is read before the data: a change that lands meanwhile makes the snapshot
    # look stale, so it is recomputed, never mistaken for current.
    fingerprint = data_fingerprint(organisation, scope)
    figures, duration_ms = timed_report(organisation, scope)
    drawn = dashboard_charts(figures, scope.kinds)
    with transaction.atomic():
        snapshot, _ = ReportSnapshot.objects.update_or_create(
            organisation=organisation,
            scope=scope.key,
            defaults={
                "figures": figures,
                "charts": drawn,
                "fingerprint": fingerprint,
                "computed_at": timezone.now(),
                "duration_ms": duration_ms,
            },
        )
    transaction.on_commit(lambda: _figures_changed(organisation.pk))  # open dashboards reload
    return snapshot


def snapshot_to_read(
    organisation: Organisation, scope: Scope, snapshots=None, *, read_for: int = READ_RECENTLY_SECONDS
) -> tuple[ReportSnapshot | None, bool]:
    """The scope's snapshot as it stands, and whether it is stale (missing, or computed from other
    data than there is now). A stale one asks for a refresh; with no worker (the embedded default)
    that refresh has run in-process by the time this returns, and the new snapshot is returned.
    ``snapshots``: the queryset to read it from (e.g. one that defers the figures). The scope is
    noted as read: writes keep it current for ``read_for`` seconds (``note_read``)."""
    note_read(organisation.pk, scope.key, read_for)
    # The version before the data: a write committed after this moves it, so a snapshot found
    # current below is trusted only for data that was there (``VERIFIED_SECONDS``).
    version, verified = _version_and_verified(organisation.pk, scope.key)
    snapshots = (snapshots if snapshots is not None else ReportSnapshot.objects).for_organisation(organisation)
    snapshot = snapshots.filter(scope=scope.key).first()
    if snapshot is not None and version is not None and verified == _verified_as(version, snapshot):
        return snapshot, False  # found current at this version, and nothing written since
    stale = snapshot is None or snapshot.fingerprint != data_fingerprint(organisation, scope)
    if not stale and version is not None:
        _remember_verified(organisation.pk, scope.key, _verified_as(version, snapshot))
    if stale:
        request_refresh(organisation.pk, [scope.key], after=0)  # someone is waiting for these figures
        if settings.CELERY_TASK_ALWAYS_EAGER:
            snapshot = snapshots.filter(scope=scope.key).first()
            stale = snapshot is None
    return snapshot, stale


def _verified_key(organisation_id: int, scope_key: str) -> str:
    return f"report-verified:{organisation_id}:{scope_key}"


def _verified_as(version: str, snapshot: ReportSnapshot) -> str:
    """What is kept when ``snapshot`` is found current at figures version ``version``: a snapshot
    stored since (another id or fingerprint) does not match it."""
    return f"{version}|{snapshot.pk}|{snapshot.fingerprint}"


def _version_and_verified(organisation_id: int, scope_key: str) -> tuple[str | None, str | None]:
    """The LA's figures version and what the scope's snapshot was last found current at, in one
    cache read; (None, None) when the cache cannot say: the fingerprint is then asked every time."""
    version_key, verified_key = figures_version_key(organisation_id), _verified_key(organisation_id, scope_key)
    try:
        found = cache.get_many([version_key, verified_key])
    except Exception:  # noqa: BLE001
        return None, None
    version = found.get(version_key)
    return (None if version is None else str(version)), found.get(verified_key)


def _remember_verified(organisation_id: int, scope_key: str, verified: str) -> None:
    try:
        cache.set(_verified_key(organisation_id, scope_key), verified, VERIFIED_SECONDS)
    except Exception:  # noqa: BLE001 - not kept: the next view asks the fingerprint again
        pass


def request_refresh(
    organisation_id: int, scope_keys, *, after: float = COALESCE_SECONDS, announce: bool = True
) -> None:
    """Queue a recomputation of each scope in ``after`` seconds, unless one is queued already.
    Never raises. Writes wait to coalesce; a reader looking at stale figures asks with after=0.

    The marker holds when the queued run starts (Unix time), so that a process that finds it can
    skip Redis until shortly before then (``_queued_here``). Why a skipped request loses nothing:
    it skips only while a run queued for this scope has not started yet, and that run clears the
    marker and reads the fingerprint before the data, after this request's change has committed
    (requests are made after commit). Were a run to start early all the same (a clock far off
    between hosts), the change would still not be lost for long: the snapshot's fingerprint no
    longer matches the data, so a reader gets it recomputed at once (snapshot_to_read asks with
    after=0, which never skips) and the beat sweep (sweep_stale_snapshots) queues it within a minute.
    ``announce=False``: the caller has moved the figures version itself (a write, after its commit)."""
    from analytics.tasks import refresh_snapshot  # the task module imports this one

    memo = after > 0 and not settings.CELERY_TASK_ALWAYS_EAGER  # in-process tasks run at once: nothing stays queued
    now = time.monotonic()
    queued = False
    for scope_key in dict.fromkeys(scope_keys):
        if memo and _queued_here.get((organisation_id, scope_key), 0) > now:
            continue
        marker = queued_marker(organisation_id, scope_key)
        try:
            starts = time.time() + after
            if not cache.add(marker, starts, timeout=marker_seconds(after)):
                if cache_is_down():  # Redis, and so the broker, is down: logged below, not queued
                    raise ConnectionError("the cache (Redis) does not answer")
                if memo:
                    _remember_queued(organisation_id, scope_key, now, _start_of(marker), after)
                continue
            note_pending(organisation_id, scope_key)  # before queueing: it waits even if that fails
            refresh_snapshot.apply_async((organisation_id, scope_key), countdown=after)
            REFRESHES.labels("queued").inc()
            queued = True
            if memo:
                _remember_queued(organisation_id, scope_key, now, starts, after)
        except Exception:  # Redis or the broker down: the save has happened; the sweep catches up
            logger.warning(
                "Report refresh for %s %s not queued; the sweep will catch up.",
                organisation_id,
                scope_key,
                exc_info=True,
            )
            try:
                cache.delete(marker)
            except Exception:  # noqa: BLE001
                pass
    if queued and announce:  # open dashboards learn that their figures are being brought up to date
        _figures_changed(organisation_id, start=False)


def _remember_queued(organisation_id: int, scope_key: str, now: float, starts, after: float) -> None:
    """Skip Redis for this scope for a third of ``after`` (5 s at most), and never later than a
    second before the queued run starts (``starts``: Unix time, from the marker; unknown: no skip)."""
    try:
        left = float(starts) - time.time() - 1
    except (TypeError, ValueError):  # a marker from before it held the start, or gone meanwhile
        return
    skip = min(after / 3, REQUEST_MEMO_SECONDS, left)
    if skip <= 0:
        return
    if len(_queued_here) >= REQUEST_MEMO_SIZE:  # bounded: drop what has run out, or everything
        for key in [key for key, until in _queued_here.items() if until <= now]:
            del _queued_here[key]
        if len(_queued_here) >= REQUEST_MEMO_SIZE:
            _queued_here.clear()
    _queued_here[(organisation_id, scope_key)] = now + skip


def _start_of(marker: str):
    try:
        return cache.get(marker)
    except Exception:  # noqa: BLE001 - no skip then, and the request stands as it is
        return None


def forget_queued(organisation_id: int, scope_key: str) -> None:
    """The scope's queued run has started (in this process): from now on a request must queue again."""
    _queued_here.pop((organisation_id, scope_key), None)


def refresh_after_commit(organisation_id: int, scope_keys, *, after: float = COALESCE_SECONDS) -> None:
    """For writes: once the transaction has committed, move the LA's figures version (a snapshot
    found current before is no longer trusted without its fingerprint: ``snapshot_to_read``) and
    ask for a refresh of the touched scopes read lately; never fail the write.

    With no broker (the embedded default, tasks run in-process) nothing is queued here, so a phone
    or a facilitator never waits on a computation; dashboards compute on their next view instead,
    and the figures version (in this process's memory) tells open dashboards to look."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _figures_changed(organisation_id), robust=True)
        return
    scope_keys = list(scope_keys)
    transaction.on_commit(lambda: _after_write(organisation_id, scope_keys, after), robust=True)


def _after_write(organisation_id: int, scope_keys: list[str], after: float) -> None:
    _figures_changed(organisation_id, start=False)  # one INCR: a version that does not exist yet trusts nothing
    request_refresh(organisation_id, kept_scopes(organisation_id, scope_keys), after=after, announce=False)


def kept_scopes(organisation_id: int, scope_keys) -> list[str]:
    """Which of the scopes a write touched to recompute now: those someone read in the last hours
    (``READ_RECENTLY_SECONDS``; the feed's, in the last day), whether a single-part scope (all, a
    workshop, a phase...) or a combination. Any other is computed when next read (snapshot_to_read),
    from the data as it is then. One cache read, after the commit; when the cache cannot say, all
    of them, as before reads were noted."""
    scope_keys = list(dict.fromkeys(scope_keys))
    read = read_recently([(organisation_id, key) for key in scope_keys])
    return [key for key in scope_keys if (organisation_id, key) in read]


def _read_markers(organisation_id: int, scope_key: str) -> tuple[str, str]:
    """The cache keys that say a scope was read recently: on a page, by the feed (kept longer)."""
    return f"report-read:{organisation_id}:{scope_key}", f"report-read-feed:{organisation_id}:{scope_key}"


def note_read(organisation_id: int, scope_key: str, seconds: int = READ_RECENTLY_SECONDS) -> None:
    """Someone read the scope's figures: writes keep it current for ``seconds`` from now. One cache
    write per process and scope every NOTE_READ_EVERY_SECONDS at most; never raises."""
    now = time.monotonic()
    memo = (organisation_id, scope_key, seconds)
    noted = _noted_here.get(memo)
    if noted is not None and now - noted < NOTE_READ_EVERY_SECONDS:
        return
    page, feed = _read_markers(organisation_id, scope_key)
    try:
        cache.set(feed if seconds > READ_RECENTLY_SECONDS else page, 1, seconds)
    except Exception:  # noqa: BLE001 - not noted: the scope is refreshed when next read, no more
        return
    if len(_noted_here) >= REQUEST_MEMO_SIZE:
        _noted_here.clear()
    _noted_here[memo] = now
    _read_here[(organisation_id, scope_key)] = (now, True)


def read_recently(scopes: list[tuple[int, str]], *, memo: bool = True) -> set[tuple[int, str]]:
    """Which of (organisation id, scope key) someone read recently: from this process's memory
    (``READ_MEMO_SECONDS``), else one cache read; when the cache does not answer, all of them (a
    write then asks for every refresh, as it always did). ``memo=False``: the cache only (the sweep)."""
    now = time.monotonic()
    known, unknown = set(), []
    for scope in scopes:
        remembered = _read_here.get(scope) if memo else None
        if remembered is not None and now - remembered[0] < READ_MEMO_SECONDS[remembered[1]]:
            if remembered[1]:
                known.add(scope)
        else:
            unknown.append(scope)
    if not unknown:
        return known
    markers = {scope: _read_markers(*scope) for scope in unknown}
    try:
        found = cache.get_many([marker for pair in markers.values() for marker in pair])
    except Exception:  # noqa: BLE001
        return set(scopes)
    if not found and cache_is_down():
        return set(scopes)
    if len(_read_here) >= REQUEST_MEMO_SIZE:
        _read_here.clear()
    for scope, pair in markers.items():
        _read_here[scope] = (now, any(marker in found for marker in pair))
        if _read_here[scope][1]:
            known.add(scope)
    return known


def is_refresh_queued(organisation_id: int, scope_key: str) -> bool:
    try:
        return cache.get(queued_marker(organisation_id, scope_key)) is not None
    except Exception:  # noqa: BLE001
        return False


def stale_snapshots():
    """Snapshots read recently (``read_recently``) whose data changed since they were computed (one
    fingerprint query each), the combinations' among them. One nobody read lately is left as it
    is: it is recomputed when next read."""
    snapshots = list(ReportSnapshot.objects.select_related("organisation").defer("figures", "charts"))
    read = read_recently([(snapshot.organisation_id, snapshot.scope) for snapshot in snapshots], memo=False)
    for snapshot in snapshots:
        if (snapshot.organisation_id, snapshot.scope) not in read:
            continue
        if snapshot.fingerprint != data_fingerprint(snapshot.organisation, Scope.parse(snapshot.scope)):
            yield snapshot
