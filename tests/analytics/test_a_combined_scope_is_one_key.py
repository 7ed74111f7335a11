"""A dashboard's scope combines at most one workshop, phase, primary need, support level and
provision: one key (its parts in a fixed order, joined by commas) that reads back as the same
scope, narrows the reviews by every part at once, and keeps polls to the scopes they belong to.
Single keys read as they always did; a key naming nothing is refused."""

import datetime

import pytest
from django.http import QueryDict

from analytics.models import ReportSnapshot
from analytics.reports import build_report
from analytics.scopes import VOCABULARY_SCOPES, Scope, UnknownScope
from analytics.selectors import reviews_in
from casereview.models import VocabularyTerm
from workshops.models import BreakoutRoom, Case, CaseAllocation, Workshop
from workshops.polls.services import poll_answer
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

FIVE = "workshop:12,phase:SECONDARY,primary_need:ASD,support_level:EHCP,provision:MSS"


@pytest.mark.parametrize(
    "key", ["all", "workshop:12", "phase:SECONDARY", "primary_need:ASD", "support_level:EHCP", "provision:MSS"]
)
def test_a_single_key_reads_as_it_always_did(key):
    scope = Scope.parse(key)
    assert scope.key == key
    assert len(scope.kinds) == (0 if key == "all" else 1)


def test_nothing_is_all():
    assert Scope.parse(None) == Scope.parse("") == Scope.parse("all") == Scope()
    assert Scope().key == "all" and Scope().kinds == ()


def test_a_combination_has_one_key_whatever_order_it_was_written_in():
    scope = Scope.parse("primary_need:ASD,workshop:12,phase:SECONDARY")
    assert scope.key == "workshop:12,phase:SECONDARY,primary_need:ASD"
    assert Scope.parse(scope.key) == scope
    assert scope.kinds == ("workshop", "phase", "primary_need") and scope.workshop_id == 12
    assert Scope.of(phase="SECONDARY", workshop=12, primary_need="ASD", provision="", support_level=None) == scope
    assert Scope.parse(FIVE).key == FIVE
    assert Scope.parse("workshop:012").key == "workshop:12"  # one workshop, one key, one snapshot


def test_the_key_arrives_as_typed_in_an_address():
    """A plus would arrive as a space: the key a Power BI address carries must survive the query string."""
    assert QueryDict(f"scope={FIVE}")["scope"] == FIVE


@pytest.mark.parametrize(
    "key",
    [
        "phase:SECONDARY,phase:PRIMARY",  # a kind given twice
        "workshop:1,workshop:2",
        "workshop:1,phase:SECONDARY,workshop:1",
        "room:1",
        "phase:SECONDARY,room:1",
        "all,phase:SECONDARY",
        "nonsense",  # unknown kinds
        "phase:",
        "workshop:",
        "workshop:1,primary_need:",
        "phase:SECONDARY,",
        ",phase:SECONDARY",  # empty values
        "workshop:abc",
        "workshop:１",  # a workshop is an id
        "phase:" + "X" * 400,  # longer than any key: it could not be kept
    ],
)
def test_a_key_naming_nothing_is_refused(key):
    with pytest.raises(UnknownScope):
        Scope.parse(key)


def test_the_longest_key_fits_the_snapshot_column():
    code = VocabularyTerm._meta.get_field("code").max_length
    longest = Scope.of(workshop=2**63 - 1, **{kind: "X" * code for kind in VOCABULARY_SCOPES})
    assert len(longest.key) <= ReportSnapshot._meta.get_field("scope").max_length
    assert Scope.parse(longest.key) == longest


def test_it_is_described_part_by_part():
    scope = Scope.parse("workshop:12,phase:SECONDARY,primary_need:ASD")
    labels = {"workshop": "Secondary case reviews", "phase": "Secondary", "primary_need": "Autistic spectrum disorder"}
    assert (
        scope.describe(labels)
        == "Workshop: Secondary case reviews · Phase: Secondary · Primary need: Autistic spectrum disorder"
    )
    assert Scope.parse("phase:SECONDARY").describe({"phase": "Secondary"}) == "Phase: Secondary"
    assert Scope().describe({}) == "All workshops"


@pytest.fixture
def two_workshops(organisation, term, facilitator):
    """Reviews in two workshops: in each, a secondary autistic child with an EHCP, a secondary
    child with SEMH on SEN support, and a primary autistic child with an EHCP."""
    made = {}
    for title in ("Spring", "Autumn"):
        workshop = Workshop.objects.create(organisation=organisation, title=title, date=datetime.date(2026, 5, 20))
        room = BreakoutRoom.objects.create(workshop=workshop, name="Room 1")
        for n, (phase, need, support) in enumerate(
            (("SECONDARY", "ASD", "EHCP"), ("SECONDARY", "SEMH", "SEN_SUPPORT"), ("PRIMARY", "ASD", "EHCP"))
        ):
            case = Case.objects.create(
                organisation=organisation,
                reference=f"{title[0]}-{n}",
                phase=term("phase", phase),
                year_group="5",
                primary_need=term("primary_need", need),
                support_level=term("support_level", support),
                current_provision=term("provision", "MAINSTREAM"),
            )
            allocation = CaseAllocation.objects.create(workshop=workshop, room=room, case=case, position=n)
            review_save(allocation=allocation, answer=ReviewAnswer(False), by=facilitator, expected_version=0)
        made[title] = workshop
    return made


def count(organisation, key):
    return reviews_in(organisation, Scope.parse(key)).count()


def test_every_part_of_a_combination_narrows_the_reviews(organisation, two_workshops):
    spring = two_workshops["Spring"].pk
    assert count(organisation, "all") == 6
    assert count(organisation, "phase:SECONDARY") == 4
    assert count(organisation, f"workshop:{spring}") == 3
    assert count(organisation, f"workshop:{spring},phase:SECONDARY") == 2
    assert count(organisation, f"workshop:{spring},phase:SECONDARY,primary_need:ASD") == 1
    assert count(organisation, "phase:SECONDARY,primary_need:ASD,support_level:EHCP,provision:MAINSTREAM") == 2
    assert count(organisation, f"workshop:{spring},phase:SECONDARY,primary_need:ASD,support_level:SEN_SUPPORT") == 0
    assert (
        count(organisation, f"workshop:{spring},phase:PRIMARY,primary_need:ASD,support_level:EHCP,provision:MAINSTREAM")
        == 1
    )


def test_polls_belong_to_all_and_to_a_workshop_alone_never_to_a_combination_with_a_kind_of_case(
    organisation, two_workshops, words_poll, workshop
):
    poll_answer(poll=words_poll, phone="p1", words=["friends"])
    assert Scope.parse(f"workshop:{workshop.pk},phase:SECONDARY").response_filter() is None
    assert Scope.parse("phase:SECONDARY,primary_need:ASD").response_filter() is None
    assert len(build_report(organisation, Scope.parse(f"workshop:{workshop.pk}"))["polls"]) == 1
    assert build_report(organisation, Scope.parse(f"workshop:{workshop.pk},phase:SECONDARY"))["polls"] == []
