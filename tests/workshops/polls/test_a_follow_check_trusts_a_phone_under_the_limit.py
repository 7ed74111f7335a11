"""A phone on an address of its own asks the follow check every few seconds, most of a workshop
day's requests: once its address has been read as under the join-miss limit, its later checks read
no limit from the cache, for five minutes, unless some client has gone over the limit since (one
site-wide moment, read at most once a second per process). A guesser taken over the limit in one
process is refused by the others within a second."""

from types import SimpleNamespace

import pytest

from tests.workshops.polls.test_wrong_codes_on_every_attendee_address_count_against_one_limit import before_django
from workshops.polls import limits

PHONE = "198.51.100.7"
GUESSER = "198.51.100.40"


class Clock:
    def __init__(self):
        self.now = 1_900_000_000.0

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: clock.now, monotonic=lambda: clock.now))
    return clock


@pytest.fixture
def limit_reads(monkeypatch):
    reads = []
    real = limits.over_limit_for

    def counted(key, **kwargs):
        reads.append(key)
        return real(key, **kwargs)

    monkeypatch.setattr(limits, "over_limit_for", counted)
    return reads


def test_a_phone_under_the_limit_costs_one_limit_read_in_five_minutes(clock, limit_reads, workshop):
    follow = f"/j/{workshop.join_code}/follow/"
    assert before_django(follow, PHONE) == 200
    assert limit_reads == [PHONE]
    for _ in range(59):  # a check every 5 s for 295 s
        clock.advance(5)
        assert before_django(follow, PHONE) == 200
    assert limit_reads == [PHONE], "no limit read while the phone is trusted"
    clock.advance(6)  # past five minutes since it was read
    assert before_django(follow, PHONE) == 200
    assert limit_reads == [PHONE, PHONE]


def test_a_guesser_over_the_limit_in_one_process_is_refused_by_the_others_within_a_second(clock, monkeypatch, workshop):
    monkeypatch.setattr(limits, "JOIN_MISSES", "3/h")
    follow = f"/j/{workshop.join_code}/follow/"
    assert before_django(follow, GUESSER) == 200  # read as under the limit, in every process
    another_process = dict(limits._under_join_miss_limit), dict(limits._last_over)

    clock.advance(1)
    for wrong in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"):  # in this process: over at the fourth
        before_django(f"/j/{wrong}/follow/", GUESSER)
    assert before_django(follow, GUESSER) == 299, "refused here at once (Django says to wait)"

    # The other process trusted the guesser a second ago and last read the site-wide moment then.
    monkeypatch.setattr(limits, "_under_join_miss_limit", another_process[0])
    monkeypatch.setattr(limits, "_last_over", another_process[1])
    clock.advance(1.1)
    assert before_django(follow, GUESSER) == 299
    assert before_django(follow, PHONE) == 200, "everyone else carries on"
