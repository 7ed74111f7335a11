"""The live version of a workshop's polls, and what each web process keeps under it.

A phone following the presenter asks every 4 to 6 seconds whether what it shows is still current:
the answer is a short version string of the workshop's open polls and the LA's rules for answers
(``live_version``), kept in the cache and, for a second, in each web process's memory. The
services put a new version in the cache as a change commits (``services`` tells the phones). Under
that version each web process also keeps the poll a phone answers (``poll_to_answer``), and
``follow`` keeps the open polls' cards. Reads of the polls themselves are in ``selectors``."""

import hashlib
import time

from django.core.cache import cache

from workshops.models import Poll, Workshop, join_code_candidates
from workshops.polls.text import DEFAULT_BLOCKED_WORDS

DEFAULT_POLL_RULES = (True, "\n".join(DEFAULT_BLOCKED_WORDS))  # PollSettings as services.poll_settings_of makes them
# A phone following the presenter reads this version from the cache. It expires so that a
# version missed while Redis was down cannot stay wrong for longer than this.
LIVE_VERSION_SECONDS = 120
# Each web process also keeps the version it last read for this long, so that a room of phones
# asking every 4 to 6 seconds costs one cache read per process per second, not one per phone
# (docs/benchmarks.md). A phone in sight then sees a change within 6 + 1 seconds and a page load.
LIVE_VERSION_MEMO_SECONDS = 1.0
_read_versions: dict[str, tuple[float, str]] = {}


# --- The version ----------------------------------------------------------------------------------


def live_version_key(join_code: str) -> str:
    return f"polls-live:{join_code}"


# What a phone's page shows of each open poll, and the LA's rules for answers: the version covers these.
_VERSIONED_FIELDS = (
    "pk",
    "round",
    "kind",
    "question",
    "options",
    "scale_max",
    "words_per_attendee",
    "ask_role",
    "approve_first",
)
_RULE_FIELDS = ("profanity_filter_on", "blocked_words")
_OPEN_NOW = {"is_open": True, "workshop__status__in": [Workshop.Status.DRAFT, Workshop.Status.LIVE]}


def _version_of(state: list[tuple]) -> str:
    return hashlib.blake2b(repr(state).encode(), digest_size=8).hexdigest()


def live_version_from_database(join_code: str) -> str:
    """What the phones on a workshop's page should show, as a short version string: which polls
    are open, in which round and form, and whether the workshop still runs; and the LA's rules for
    answers, which decide what an answer may say (``poll_to_answer`` keeps a poll per version).
    One query."""
    rows = (
        Poll.objects.filter(workshop__join_code=join_code, **_OPEN_NOW)
        .order_by("position", "created_at", "pk")
        .values_list(*_VERSIONED_FIELDS, *(f"workshop__organisation__poll_settings__{name}" for name in _RULE_FIELDS))
    )
    # An LA without settings yet gets the defaults with its first answer: the same rules, the same version.
    return _version_of([row[:-2] + (DEFAULT_POLL_RULES if row[-1] is None else row[-2:]) for row in rows])


def open_polls_with_version(join_code: str) -> tuple[str, list[Poll]]:
    """The workshop's open polls, in the phone's order, and the version of exactly what was read
    (one query): what is kept under a version is then never newer or older than it, even when a
    poll opens or closes as it is read."""
    polls = list(
        Poll.objects.filter(workshop__join_code=join_code, **_OPEN_NOW)
        .order_by("position", "created_at", "pk")
        .select_related("workshop__organisation__poll_settings")
    )
    state = []
    for poll in polls:
        rules = getattr(poll.workshop.organisation, "poll_settings", None)
        state.append(
            tuple(getattr(poll, name) for name in _VERSIONED_FIELDS)
            + (DEFAULT_POLL_RULES if rules is None else tuple(getattr(rules, name) for name in _RULE_FIELDS))
        )
    return _version_of(state), polls


def forget_live_version(join_code: str) -> None:
    """This process's memory of the version: dropped when this process changes it."""
    _read_versions.pop(join_code, None)


def live_version(join_code: str) -> str:
    """The version: from this process's memory of the last second, else from the cache; no
    database, no session. A miss (expired, or Redis down and the cache answering None) reads the
    database and puts the answer back for the next phone."""
    now = time.monotonic()
    remembered = _read_versions.get(join_code)
    if remembered and now - remembered[0] < LIVE_VERSION_MEMO_SECONDS:
        return remembered[1]
    version = _cached_live_version(join_code)
    if len(_read_versions) > 10_000:  # a bound, whatever codes are asked for
        _read_versions.clear()
    _read_versions[join_code] = (now, version)
    return version


def _cached_live_version(join_code: str) -> str:
    # Redis down reads as a miss (the cache fails open, casereview/cache.py): slower, from the
    # database, but the phones keep following.
    key = live_version_key(join_code)
    version = cache.get(key)
    if version is None:
        version = live_version_from_database(join_code)
        cache.set(key, version, LIVE_VERSION_SECONDS)
    return version


# --- The poll a phone answers ---------------------------------------------------------------------

# A phone's answer is the busiest request of the day, and the poll it names (with its workshop, LA
# and the LA's poll settings: one query of four tables) is the same for every phone of the room.
# Each web process keeps it while the workshop's live version in the cache is unchanged (one cache
# read, not the process's memory of the last second). The version changes, as the change commits,
# whenever a poll opens, closes, resets or is edited, the workshop ends, or the LA changes its
# blocked words, so a kept poll answers as a fresh read would. It is read again after this long
# anyway, should a version have been missed.
ANSWERED_POLL_MEMO_SECONDS = 30.0
_answered_polls: dict[tuple[str, int], tuple[float, str, Poll]] = {}


def poll_to_answer(code: str, poll_pk: int) -> Poll | None:
    """The poll ``poll_pk`` of the workshop whose join code is ``code`` (look-alikes forgiven), with
    its workshop, LA and poll settings; None when there is no such poll."""
    now = time.monotonic()
    kept = _answered_polls.get((code, poll_pk))
    if (
        kept
        and now - kept[0] < ANSWERED_POLL_MEMO_SECONDS
        and _cached_live_version(kept[2].workshop.join_code) == kept[1]
    ):
        return kept[2]
    candidates = join_code_candidates(code)
    if not candidates:
        return None
    # The version is computed from the database, before the poll is read: a change landing between
    # the two reads leaves the kept poll looking out of date (read again), never a stale poll
    # looking current. (The cache's version may lag a change made without announcing it.)
    version = live_version_from_database(code) if code == candidates[0] else None
    poll = (
        Poll.objects.select_related("workshop__organisation__poll_settings")
        .filter(pk=poll_pk, workshop__join_code__in=candidates)
        .first()
    )
    if poll is not None and version is not None and poll.workshop.join_code == code:
        if len(_answered_polls) >= 1000:  # a bound, whatever polls are asked for
            _answered_polls.clear()
        _answered_polls[(code, poll_pk)] = (now, version, poll)
    return poll
