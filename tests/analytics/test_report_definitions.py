"""Each report definition of docs/design.md, “Report definitions”, against figures worked out by hand."""

import math

import pytest
from django.utils import timezone

from analytics.reports import build_report
from analytics.scopes import Scope
from tests.fixtures import make_case
from workshops.models import BreakoutRoom, CaseAllocation, PollResponse, RoomDiscipline, Workshop
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def wilson(successes, n, z=1.959964):
    """The Wilson score interval, written out, to check the library's."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.fixture
def record(organisation, term, workshop, room, facilitator):
    """record("C-1", "MSS", ideal=False, areas=[...], better="MAINSTREAM", themes=[...]) stores one review."""
    count = {"n": 0}

    def save(
        reference,
        provision,
        *,
        consensus=True,
        ideal=None,
        areas=(),
        better=None,
        themes=("WORKFORCE_CAPACITY",),
        where=None,
    ):
        count["n"] += 1
        allocation = CaseAllocation.objects.create(
            workshop=where or workshop,
            room=room if where is None else None,
            case=make_case(organisation, term, reference, provision),
            position=count["n"],
        )
        answer = ReviewAnswer(
            consensus_reached=consensus,
            ideal_outcome=ideal,
            non_ideal_areas=[term("non_ideal_area", a) for a in areas],
            better_provision=term("provision", better) if better else None,
            themes=[term("theme", t) for t in themes] if consensus else [],
        )
        return review_save(allocation=allocation, answer=answer, by=facilitator, expected_version=0)

    return save


@pytest.fixture
def example(record):
    """Six reviews: 2 ideal, 3 not ideal, 1 without consensus."""
    record("C-1", "MSS", ideal=True)
    record(
        "C-2",
        "MSS",
        ideal=False,
        areas=["TYPE_OF_PROVISION", "TIMING_OF_SUPPORT"],
        better="MAINSTREAM",
        themes=["PARENTAL_CONFIDENCE_IN_MAINSTREAM", "WORKFORCE_CAPACITY"],
    )
    record(
        "C-3",
        "MSS",
        ideal=False,
        areas=["TYPE_OF_PROVISION"],
        better="MAINSTREAM",
        themes=["PARENTAL_CONFIDENCE_IN_MAINSTREAM"],
    )
    record("C-4", "MAINSTREAM", ideal=False, areas=["LEVEL_OF_SUPPORT"], better="RESOURCED")
    record("C-5", "MAINSTREAM", ideal=True)
    record("C-6", "MSS", consensus=False)


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_no_consensus_is_counted_beside_and_left_out_of_every_share(organisation, example):
    figures = build_report(organisation, Scope())
    assert (figures["reviewed"], figures["excluded"], figures["analysed"]) == (6, 1, 5)
    outcome = figures["outcome"]
    assert (outcome["ideal"], outcome["non_ideal"], outcome["n"]) == (2, 3, 5)
    assert outcome["non_ideal_share"] == 0.6 and outcome["ideal_share"] == 0.4
    low, high = wilson(3, 5)
    assert outcome["ci95"] == [round(low, 4), round(high, 4)]  # 23.1% to 88.2%
    assert outcome["small"] is False
    mss = by_code(figures["provision"])["MSS"]
    assert (mss["reviewed"], mss["ideal"], mss["ideal_share"], mss["excluded"], mss["small"]) == (3, 1, 0.3333, 1, True)


def test_areas_count_reviews_over_the_non_ideal_ones_and_may_add_up_past_100(organisation, example):
    areas = by_code(build_report(organisation, Scope())["non_ideal_areas"])
    assert (areas["TYPE_OF_PROVISION"]["count"], areas["TYPE_OF_PROVISION"]["share"]) == (2, 0.6667)
    assert (areas["TIMING_OF_SUPPORT"]["count"], areas["LEVEL_OF_SUPPORT"]["count"], areas["TRANSITION"]["count"]) == (
        1,
        1,
        0,
    )
    assert areas["TYPE_OF_PROVISION"]["n"] == 3
    assert sum(row["share"] for row in areas.values()) > 1
    assert list(areas)[0] == "TYPE_OF_PROVISION"  # ranked


def test_themes_count_over_analysed_reviews_ranked(organisation, example):
    themes = build_report(organisation, Scope())["themes"]
    assert [(t["code"], t["count"], t["share"]) for t in themes[:2]] == [
        ("WORKFORCE_CAPACITY", 4, 0.8),
        ("PARENTAL_CONFIDENCE_IN_MAINSTREAM", 2, 0.4),
    ]


def test_the_crosstab_pairs_current_and_better_provision_of_non_ideal_reviews(organisation, example):
    crosstab = build_report(organisation, Scope())["provision_crosstab"]
    assert [(r["current"], r["better"], r["count"]) for r in crosstab] == [
        ("MAINSTREAM", "RESOURCED", 1),
        ("MSS", "MAINSTREAM", 2),
    ]


def test_a_retired_entry_stays_where_it_was_used_and_disappears_where_it_was_not(organisation, example, term):
    for code in ("TYPE_OF_PROVISION", "TRANSITION"):
        retired = term("non_ideal_area", code)
        retired.retired_at = timezone.now()
        retired.save()
    areas = by_code(build_report(organisation, Scope())["non_ideal_areas"])
    assert areas["TYPE_OF_PROVISION"]["count"] == 2 and areas["TYPE_OF_PROVISION"]["retired"] is True
    assert "TRANSITION" not in areas


def test_an_empty_scope_has_zeros_and_no_shares(organisation, workshop):
    figures = build_report(organisation, Scope())
    assert (figures["reviewed"], figures["excluded"], figures["analysed"]) == (0, 0, 0)
    assert figures["outcome"] == {
        "ideal": 0,
        "non_ideal": 0,
        "ideal_share": None,
        "non_ideal_share": None,
        "ci95": None,
        "ci95_of": "non_ideal_share",
        "ideal_ci95": None,
        "n": 0,
        "children": 0,
        "small": True,
    }
    assert figures["provision"] == [] and figures["provision_crosstab"] == []
    assert all(row["count"] == 0 and row["share"] is None for row in figures["non_ideal_areas"])


def test_a_scope_with_one_review_is_flagged_as_small_numbers(organisation, record):
    record("C-1", "MSS", ideal=False, areas=["TIMING_OF_SUPPORT"], better="MAINSTREAM")
    figures = build_report(organisation, Scope())
    assert figures["outcome"]["non_ideal_share"] == 1.0 and figures["outcome"]["small"] is True
    low, high = wilson(1, 1)
    assert figures["outcome"]["ci95"] == [round(low, 4), round(high, 4)]
    assert by_code(figures["non_ideal_areas"])["TIMING_OF_SUPPORT"]["small"] is True


def test_scopes_narrow_to_a_workshop_a_phase_or_a_provision(organisation, record, workshop):
    later = Workshop.objects.create(organisation=organisation, title="Later", date=workshop.date)
    record("C-1", "MSS", ideal=True)
    record("C-2", "MAINSTREAM", ideal=False, areas=["TIMING_OF_SUPPORT"], better="RESOURCED", where=later)
    assert build_report(organisation, Scope.of(workshop=later.pk))["reviewed"] == 1
    assert build_report(organisation, Scope.of(provision="MSS"))["outcome"]["ideal"] == 1
    assert build_report(organisation, Scope.of(phase="SECONDARY"))["reviewed"] == 2
    assert build_report(organisation, Scope.of(phase="PRIMARY"))["reviewed"] == 0


def test_another_las_reviews_never_count(organisation, other_organisation, example):
    assert build_report(other_organisation, Scope())["reviewed"] == 0
    assert build_report(organisation, Scope())["reviewed"] == 6


def test_breakdowns_and_disciplines(organisation, example, room):
    RoomDiscipline.objects.create(room=room, discipline="health", count=2)
    RoomDiscipline.objects.create(room=room, discipline="school", count=3)
    BreakoutRoom.objects.create(workshop=room.workshop, name="Empty room")
    figures = build_report(organisation, Scope())
    by_workshop = figures["breakdowns"]["workshop"]
    assert [(r["label"], r["reviewed"], r["excluded"], r["analysed"], r["non_ideal"]) for r in by_workshop] == [
        ("Secondary case reviews", 6, 1, 5, 3)
    ]
    by_provision = {r["key"]: r for r in figures["breakdowns"]["provision"]}
    assert (by_provision["MAINSTREAM"]["analysed"], by_provision["MAINSTREAM"]["non_ideal_share"]) == (2, 0.5)
    assert [(d["code"], d["people"], d["rooms"]) for d in figures["disciplines"]] == [
        ("school", 3, 1),
        ("health", 2, 1),
    ]


def test_words_polls_count_visible_answers_of_the_current_round_by_role(organisation, words_poll):
    rows = [("p1", "happiness", "health"), ("p2", "happiness", "school"), ("p3", "friends", ""), ("p4", "hidden", "")]
    for phone, word, role in rows:
        PollResponse.objects.create(
            poll=words_poll,
            round=1,
            phone=phone,
            slot=1,
            text=word,
            normalised=word,
            role=role,
            hidden=word == "hidden",
        )
    PollResponse.objects.create(poll=words_poll, round=0, phone="old", slot=1, text="old round", normalised="old round")
    poll = build_report(organisation, Scope())["polls"][0]
    assert (poll["answers"], poll["phones"]) == (3, 3)
    assert poll["words"] == [{"word": "happiness", "count": 2}, {"word": "friends", "count": 1}]
    assert [(g["label"], g["answers"]) for g in poll["by_role"]] == [("Health", 1), ("School / SENCO", 1)]
    assert build_report(organisation, Scope.of(phase="PRIMARY"))["polls"] == []  # polls describe rooms, not cases
