"""A version in the cache (casereview.cache.move_version, read_version): the LA's figures version
and the plans' version say by moving that something changed, and whatever was kept or checked
under an older number is never trusted again, even after the version was lost from the cache."""

from unittest import mock

from django.core.cache import cache

from casereview.cache import move_version, read_version

KEY = "a-version"


def test_a_write_moves_a_version_a_reader_made():
    made = int(read_version(KEY, make_for_seconds=60))
    move_version(KEY, 60)
    assert int(read_version(KEY)) == made + 1


def test_a_version_lost_comes_back_past_every_number_it_had():
    move_version(KEY, 60)
    for _ in range(5):
        move_version(KEY, 60)
    before = int(read_version(KEY))
    cache.delete(KEY)  # evicted, or Redis restarted empty
    assert read_version(KEY) is None  # a reader alone makes none unless asked to
    move_version(KEY, 60)
    assert int(read_version(KEY)) > before


def test_without_start_a_missing_version_stays_missing():
    move_version(KEY, 60, start=False)
    assert read_version(KEY) is None


def test_a_version_made_by_a_reader_between_the_write_s_two_steps_is_still_moved():
    real_add = cache.add

    def a_reader_first(key, value, timeout):
        real_add(key, 111, timeout)  # a reader made the version (and may keep something under 111)
        return real_add(key, value, timeout)  # so the write's own add finds it made

    with mock.patch.object(cache, "add", side_effect=a_reader_first):
        move_version(KEY, 60)
    assert read_version(KEY) == "112"  # moved past what the reader may have kept


def test_with_the_cache_failing_nothing_is_raised():
    with mock.patch.object(cache, "incr", side_effect=ConnectionError("Redis is down")):
        move_version(KEY, 60)
    with mock.patch.object(cache, "get", side_effect=ConnectionError("Redis is down")):
        assert read_version(KEY, make_for_seconds=60) is None
