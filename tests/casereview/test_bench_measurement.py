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


def test_an_acknowledged_answer_or_review_missing_from_the_database_is_data_lost_and_the_step_fails():
    assert _step(5, answers=(100, 100)).holds
    lost = _step(5)
    lost.answers_lost, lost.saves_lost = 2, 1
    assert lost.problems() == ["acknowledged but not stored: 2 answers, 1 reviews"]


def test_what_the_server_acknowledged_is_checked_row_by_row_against_the_database(
    phone, words_poll, choice_poll, allocations, facilitator
):
    """The phone's cookies as the benchmark holds them name the rows its answers stored; a row the
    server acknowledged but the database does not hold is counted, one held is not."""
    from bench.day import Day, _acknowledged_not_stored, phone_token
    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in phone.cookies.items())
    answered = phone.post(
        f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/",
        {"word": ["friends", "belonging"]},
        headers={"HX-Request": "true"},
    )
    assert answered.status_code == 200
    phone.post(
        f"/j/{choice_poll.workshop.join_code}/polls/{choice_poll.pk}/",
        {"choice": "Secondary"},
        headers={"HX-Request": "true"},
    )
    assert phone_token(cookies) == words_poll.responses.get(text="friends").phone

    day = Day("http://127.0.0.1", [], 0, 60.0, {})
    day.acknowledged_answers = [
        (words_poll.pk, cookies, "friends"),
        (words_poll.pk, cookies, "belonging"),
        (choice_poll.pk, cookies, "Secondary"),
    ]
    assert _acknowledged_not_stored(day) == (0, 0)

    day.acknowledged_answers += [(words_poll.pk, cookies, "never stored"), (choice_poll.pk, cookies, "Early years")]
    reviewed, unreviewed = allocations[0], allocations[1]
    review_save(allocation=reviewed, answer=ReviewAnswer(False), by=facilitator, expected_version=0)
    day.acknowledged_saves = [reviewed.pk, unreviewed.pk]
    assert _acknowledged_not_stored(day) == (2, 1)
