"""The benchmark's arithmetic: nearest-rank percentiles and rates."""

from bench.load import Measurement


def test_percentiles_are_nearest_rank_in_milliseconds():
    measurement = Measurement("x", clients=1, seconds=2.0, latencies=[n / 1000 for n in range(1, 101)])
    assert measurement.percentile(50) == 50
    assert measurement.percentile(95) == 95
    assert measurement.percentile(99) == 99
    assert measurement.rate == 50


def test_errors_keep_a_few_examples_and_count_them_all():
    measurement = Measurement("x", clients=1, seconds=1.0)
    for n in range(5):
        measurement.error(f"HTTP 50{n}")
    assert measurement.errors == 5
    assert measurement.error_examples == ["HTTP 500", "HTTP 501", "HTTP 502"]
    assert measurement.requests == 0


def _step(workshops, latencies_ms=(10,) * 100, errors=0, answers=(100, 100), saves=(5, 5)):
    from bench.day import KINDS, StepResult

    measurements = {kind: Measurement(kind, 0, 60.0) for kind in KINDS}
    measurements[KINDS[0]].latencies = [ms / 1000 for ms in latencies_ms]
    for n in range(errors):
        measurements[KINDS[2]].error("answer: HTTP 500")
    return StepResult(workshops, 60.0, measurements, answers[0], answers[1], saves[0], saves[1], {}, 0.0)


def test_a_workshop_day_step_holds_only_below_both_percentile_limits_with_nothing_lost():
    assert _step(5).holds
    assert not _step(5, latencies_ms=[10] * 94 + [400] * 6).holds  # p95 over 300 ms
    assert not _step(5, latencies_ms=[10] * 98 + [1200] * 2).holds  # p99 over 1 s
    assert not _step(5, errors=1).holds
    assert _step(5, answers=(100, 99)).problems() == ["answers stored 99 of 100"]
    assert not _step(5, saves=(5, 4)).holds


def test_the_capacity_is_the_last_step_held_with_every_step_below_it_held():
    from bench.day import capacity

    assert capacity([_step(1), _step(2), _step(3, errors=1), _step(5)]) == 2
    assert capacity([_step(1, errors=1)]) == 0
    assert capacity([_step(1), _step(5), _step(10)]) == 10
