"""``over_any_limit`` counts a request in every window of a limit at once (one Redis round trip
for a phone's answer, docs/benchmarks.md), on Redis as in production and CI and on the
local-memory cache of the embedded default: each window refuses past its own limit, each address
is counted on its own, and a cache that does not answer refuses nobody."""

import socket

import pytest
from django.test import RequestFactory

from casereview.limits import over_any_limit


def from_address(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.fixture(params=["configured", "local memory"])
def cache_kind(request, settings):
    if request.param == "local memory":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.name}
        }
    return request.param


def test_the_short_window_refuses_past_its_limit_and_another_address_is_counted_apart(cache_kind):
    answers = [
        over_any_limit(from_address("198.51.100.1"), group="test-answer", rates=("3/m", "100/h")) for _ in range(5)
    ]
    assert answers == [False, False, False, True, True]
    assert over_any_limit(from_address("203.0.113.5"), group="test-answer", rates=("3/m", "100/h")) is False


def test_the_long_window_counts_every_request_too(cache_kind):
    answers = [
        over_any_limit(from_address("198.51.100.2"), group="test-answer", rates=("100/m", "2/h")) for _ in range(3)
    ]
    assert answers == [False, False, True]


def test_a_cache_that_does_not_answer_refuses_nobody(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "casereview.cache.ReusingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert not any(
        over_any_limit(from_address("198.51.100.3"), group="test-answer", rates=("1/m", "1/h")) for _ in range(3)
    )


def test_on_redis_each_window_is_three_commands_in_the_one_round_trip(redis_url, monkeypatch):
    """One counter a slice (issue 37): a phone's answer in two windows sends 6 commands, not the 44
    of a counter for each span it fell into (22 counters, each made and added to)."""
    from django.core.cache import cache
    from redis.client import Pipeline

    assert hasattr(cache, "count_in_slices"), "with REDIS_URL the cache is Redis"
    sent = []
    execute = Pipeline.execute

    def counted(pipeline, *args, **kwargs):
        sent.append([command[0] for command, _ in pipeline.command_stack])
        return execute(pipeline, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)
    assert over_any_limit(from_address("198.51.100.9"), group="test-answer", rates=("1200/m", "6000/h")) is False
    assert sent == [["SET", "INCRBY", "MGET"] * 2]
