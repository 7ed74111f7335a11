"""Limits slide (casereview/limits.py): a client sending as fast as it may across a window's
boundary never gets more than the limit taken in any span of the window's length (with fixed
windows, twice the limit got through in a few seconds around a minute's end), while a client
keeping under the limit by more than a slice (a tenth) is never refused. On Redis as in production
and CI, and on the local-memory cache of the embedded default."""

import pytest
from django.test import RequestFactory

from casereview import limits

LIMIT = 20


@pytest.fixture(params=["configured", "local memory"])
def cache_kind(request, settings):
    if request.param == "local memory":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.name}
        }
    return request.param


def taken_at(moments, monkeypatch, address):
    """The moments at which a request from ``address`` was taken, the clock set to each in turn."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    taken = []
    for moment in moments:
        monkeypatch.setattr(limits, "_now", lambda moment=moment: moment)
        if not limits.over_any_limit(request, group="test-sliding", rates=(f"{LIMIT}/m", "100000/h")):
            taken.append(moment)
    return taken


def most_in_a_minute(taken):
    return max(sum(1 for other in taken if start <= other < start + 60) for start in taken)


def test_a_burst_across_a_minute_boundary_never_gets_more_than_the_limit_in_any_minute(cache_kind, monkeypatch):
    boundary = 1_800_000_000.0  # a whole minute
    # A request every quarter of a second from 40 s before the boundary to 100 s after it, as the
    # flooder did (1,300 answers in 28 s against 1,200 a minute).
    moments = [boundary - 40 + step / 4 for step in range(140 * 4)]
    taken = taken_at(moments, monkeypatch, "198.51.100.7")
    assert taken, "the first requests are taken"
    assert most_in_a_minute(taken) <= LIMIT
    # Bursts at the end of one minute and the start of the next, the fixed windows' weak point.
    edges = [boundary + 60 - 1 + step / 100 for step in range(200)]
    assert most_in_a_minute(taken_at(edges, monkeypatch, "198.51.100.8")) <= LIMIT


def test_a_steady_client_under_the_limit_is_never_refused(cache_kind, monkeypatch):
    every = 60 / (LIMIT * 0.85)  # 17 a minute against 20
    moments = [1_800_000_000.0 + 13 + step * every for step in range(200)]
    assert taken_at(moments, monkeypatch, "198.51.100.9") == moments
