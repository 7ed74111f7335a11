"""With Redis down, the cache behaves as an empty cache that keeps nothing, so every page falls
back to the database without a change at its call site (issue 16, item 6)."""

import logging
import socket
import time

import pytest

from casereview import cache as cache_module
from casereview.cache import ReusingRedisCache


@pytest.fixture
def unreachable_cache():
    # A port nobody listens on: every connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ReusingRedisCache(
        f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_reads_give_their_default_and_writes_do_nothing(unreachable_cache, caplog):
    cache = unreachable_cache
    with caplog.at_level(logging.WARNING, logger="casereview.cache"):
        assert cache.get("figures", "the default") == "the default"
        cache.set("figures", "x", 30)
        assert cache.add("marker", "x", 30) is False and cache.is_down
        cache.delete("marker")
        assert cache.get_many(["a", "b"]) == {}
        assert cache.incr("count") is None
        assert cache.get_or_set("results", lambda: "from the database", 30) == "from the database"
        assert cache.has_key("figures") is False
    assert "carrying on without the cache" in caplog.text


def test_after_a_failure_it_leaves_redis_alone_for_a_few_seconds(unreachable_cache, monkeypatch):
    cache = unreachable_cache
    cache.get("warm-up")
    calls = []
    monkeypatch.setattr(cache._cache, "get", lambda *args, **kwargs: calls.append(args))
    cache.get("figures")
    assert calls == []  # not tried while it is known to be down
    now = time.monotonic()
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now + cache_module.RETRY_AFTER_SECONDS + 1)
    cache.get("figures")
    assert len(calls) == 1  # tried again once the pause is over


def test_it_works_as_before_with_redis_up(redis_url):
    cache = ReusingRedisCache(redis_url, {"KEY_PREFIX": "test-fail-open-up"})
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") == "hello"
    assert cache.add("greeting", "again", 30) is False
    cache.delete("greeting")
