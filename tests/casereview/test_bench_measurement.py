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
