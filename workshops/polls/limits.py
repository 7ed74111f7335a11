"""Limits on what one client address may ask of the attendee pages (issue 16, item 8; hardening
round 3).

Sized for the busiest real case: a room of 300 phones behind one school's NAT, all sharing one
address, joining in the same minute and answering a words poll of up to 10 answers each. The
windows slide (casereview/limits.py): no span of a minute or an hour ever takes more than its
limit, and a client is held to it over the window and one slice more (a tenth).

| what, per client address | limit | a real room of 300 phones needs at most |
|---|---|---|
| wrong join codes (each once an hour) | 600 an hour | a mistyped code or two per phone |
| opening the attendee page | 3,300 a minute | a reload every 6 s per phone: 3,000 a minute, 3,300 a slice more |
| answers sent | 1,200 a minute, 6,000 an hour | 4 sends a phone per poll of 10 answers; several polls an hour |

A join-code miss is an unknown or ended workshop's code asked for on any attendee address: the
join page, the workshop's page, the follow check (counted before Django, workshops/polls/follow.py),
the shared cards and an answer. One limit counts them all, so a guesser gets 600 wrong codes an
hour whichever address they try, against some 729 million possible codes (6 characters of 30):
finding any of the few dozen live codes would take years. Past the limit every attendee address
refuses that client, a live code's too, so a guesser learns nothing more. Each wrong code counts
once an hour per client: phones left open on a workshop that has ended (or been deleted) keep
asking about its code, and must not use up their school's allowance.

A flooder gets at most 1,200 answers a minute, which the lead sees on the moderation page
(``refused_count``) and can hide. Refused requests get a plain page saying to wait a minute (HTTP
429). With Redis down the limits let everything through (casereview/limits.py).
"""

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render

from casereview.client_ip import client_ip
from casereview.limits import SECONDS_PER_UNIT, over_any_limit, over_limit, over_limit_for

JOIN_MISSES = "600/h"
JOIN_MISS_GROUP = "attendee-join-miss"
PAGE_OPENS = "3300/m"
ANSWERS = ("1200/m", "6000/h")
REFUSED_COUNT_SECONDS = 3600

# The follow check is the commonest request of a workshop day and is answered without any cache
# read while the workshop's version is unchanged (workshops/polls/follow.py). So each web process
# remembers that a client address was under the join-miss limit, and trusts it for up to
# UNDER_LIMIT_MEMO_SECONDS (each of 1,000 phones is read once in that long by each process it
# reaches, not once a minute) unless some client, anywhere, has gone over the limit since: one
# site-wide moment in the cache (LAST_OVER_KEY), which each process reads at most once a
# LAST_OVER_MEMO_SECONDS. A client's misses are counted in the process answering them, which
# forgets it the moment they take it over the limit and writes that moment; the other processes
# refuse it within a second. Before, each address was trusted for 3 s, which a phone asking every
# few seconds on an address of its own outlived: a Redis read on nearly every follow check, a
# fifth of gunicorn's time at 10 workshops (docs/benchmarks.md, issue 37).
UNDER_LIMIT_MEMO_SECONDS = 300.0
LAST_OVER_KEY = "attendee-join-miss-last-over"
LAST_OVER_MEMO_SECONDS = 1.0
# address -> (time.time() it was read as under the limit)
_under_join_miss_limit: dict[str, float] = {}
# cache key prefix -> (monotonic time read, the last moment a client went over, Unix time)
_last_over: dict[str, tuple[float, float]] = {}


def join_misses_over(address: str) -> bool:
    """Whether this client address has asked for more wrong codes than ``JOIN_MISSES`` allows."""
    now = time.time()
    seen = _under_join_miss_limit.get(address)
    if seen is not None and now - seen < UNDER_LIMIT_MEMO_SECONDS and seen > _last_time_over():
        return False
    over = over_limit_for(address, group=JOIN_MISS_GROUP, rates=(JOIN_MISSES,), count=False)
    _remember(address, over, now)
    return over


def count_join_miss(address: str, code: str) -> bool:
    """Count ``code`` as a wrong code from this client, once per code in the limit's window;
    whether the client is now over the limit (this request is then refused as well)."""
    seconds = SECONDS_PER_UNIT[JOIN_MISSES.split("/")[1]]
    seen = hashlib.blake2b(f"{address}\n{code.upper()[:12]}".encode(), digest_size=10).hexdigest()
    if not cache.add(f"attendee-join-miss-seen:{seen}", 1, seconds):
        # Counted already (or Redis is down, when nobody is refused anyway): as it stands.
        return join_misses_over(address)
    over = over_limit_for(address, group=JOIN_MISS_GROUP, rates=(JOIN_MISSES,))
    _remember(address, over, time.time())
    if over:
        # Every process's memory of addresses under the limit, from before now, is no longer trusted.
        cache.set(LAST_OVER_KEY, time.time(), SECONDS_PER_UNIT["h"])
        _last_over.pop(cache.key_prefix, None)
    return over


def _last_time_over() -> float:
    """When a client last went over the join-miss limit (Unix time; 0 if not in the last hour or
    Redis is down, when the limits let everything through anyway): from this process's memory of
    the last second, else one cache read."""
    now = time.monotonic()
    read_at, moment = _last_over.get(cache.key_prefix, (0.0, 0.0))
    if read_at and now - read_at < LAST_OVER_MEMO_SECONDS:
        return moment
    moment = float(cache.get(LAST_OVER_KEY) or 0.0)
    if len(_last_over) > 100:  # a bound (one entry per cache in practice; tests make many)
        _last_over.clear()
    _last_over[cache.key_prefix] = (now, moment)
    return moment


def _remember(address: str, over: bool, now: float) -> None:
    if over:
        _under_join_miss_limit.pop(address, None)
        return
    if len(_under_join_miss_limit) > 10_000:  # a bound, whatever addresses ask
        _under_join_miss_limit.clear()
    _under_join_miss_limit[address] = now


def _refused_key(code: str) -> str:
    return f"attendee-refused:{code.upper()[:12]}"


def _note_refused(code: str) -> None:
    """Count a refusal against the workshop's code, for the lead (an hour from the first)."""
    key = _refused_key(code)
    cache.add(key, 0, REFUSED_COUNT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls: the next refusal starts a new count
        pass


def refused_count(workshop) -> int:
    """How many attendee requests for this workshop were refused by the limits in about the last hour."""
    return cache.get(_refused_key(workshop.join_code)) or 0


def slow_down(request):
    return render(request, "workshops/attendee/slow_down.html", status=429)


def limit_join(view):
    """The join page: past the join-miss limit, refuse any code before looking it up; count a
    code that matches no open workshop, and refuse the one that takes the client over the limit."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        code = request.GET.get("code", "").strip()
        if code and join_misses_over(client_ip(request)):
            return slow_down(request)
        response = view(request, *args, **kwargs)
        if response.status_code == 404 and count_join_miss(client_ip(request), code):
            return slow_down(request)
        return response

    return limited


def refuse_guessers(view):
    """A workshop's attendee addresses (/j/<code>/...): past the join-miss limit, refuse before
    looking at the code, whichever it is. The view counts a code that matches no open workshop."""

    @wraps(view)
    def limited(request, code, *args, **kwargs):
        if join_misses_over(client_ip(request)):
            return slow_down(request)
        return view(request, code, *args, **kwargs)

    return limited


def limit_page_opens(view):
    @wraps(view)
    def limited(request, code, *args, **kwargs):
        if over_limit(request, group="attendee-page", rate=PAGE_OPENS):
            _note_refused(code)
            return slow_down(request)
        return view(request, code, *args, **kwargs)

    return limited


def limit_answers(view):
    @wraps(view)
    def limited(request, code, *args, **kwargs):
        if over_any_limit(request, group="attendee-answer", rates=ANSWERS):
            _note_refused(code)
            return slow_down(request)
        return view(request, code, *args, **kwargs)

    return limited
