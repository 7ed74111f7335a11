"""Limits on what one client address may ask of the attendee pages (issue 16, item 8).

Sized for the busiest real case: a room of 300 phones behind one school's NAT, all sharing one
address, joining in the same minute and answering a words poll of up to 10 answers each.

| what, per client address | limit | a real room of 300 phones needs at most |
|---|---|---|
| join codes that match no open workshop | 600 an hour | a mistyped code or two per phone |
| opening the attendee page | 3,000 a minute | each phone reloading every 6 seconds |
| answers sent | 1,200 a minute, 6,000 an hour | per phone: 4 sends a minute; 10 answers a poll, several polls an hour |

A guesser gets 600 wrong codes an hour against some 729 million possible codes (6 characters of
30), so finding any of the few dozen live codes would take years; a flooder gets at most 1,200
answers a minute, which the lead sees on the moderation page (``refused_count``) and can hide.
Refused requests get a plain page saying to wait a minute (HTTP 429). With Redis down the limits
let everything through (casereview/limits.py).
"""

from functools import wraps

from django.core.cache import cache
from django.shortcuts import render

from casereview.limits import over_any_limit, over_limit

JOIN_MISSES = "600/h"
PAGE_OPENS = "3000/m"
ANSWERS = ("1200/m", "6000/h")
REFUSED_COUNT_SECONDS = 3600


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


def _slow_down(request):
    return render(request, "workshops/attendee/slow_down.html", status=429)


def limit_join(view):
    """Count the codes that match no open workshop; past the limit, refuse before looking."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.GET.get("code") and over_limit(request, group="attendee-join-miss", rate=JOIN_MISSES, count=False):
            return _slow_down(request)
        response = view(request, *args, **kwargs)
        if response.status_code == 404:
            over_limit(request, group="attendee-join-miss", rate=JOIN_MISSES)
        return response

    return limited


def limit_page_opens(view):
    @wraps(view)
    def limited(request, code, *args, **kwargs):
        if over_limit(request, group="attendee-page", rate=PAGE_OPENS):
            _note_refused(code)
            return _slow_down(request)
        return view(request, code, *args, **kwargs)

    return limited


def limit_answers(view):
    @wraps(view)
    def limited(request, code, *args, **kwargs):
        if over_any_limit(request, group="attendee-answer", rates=ANSWERS):
            _note_refused(code)
            return _slow_down(request)
        return view(request, code, *args, **kwargs)

    return limited
