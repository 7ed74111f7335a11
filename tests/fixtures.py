"""The workshop day's data for tests of every app: a workshop, rooms, cases, polls."""

import datetime

import pytest

from casereview import services as core_services
from casereview.models import Role, VocabularyTerm
from workshops.models import BreakoutRoom, Case, CaseAllocation, Poll, Workshop


@pytest.fixture
def term(organisation):
    """term("provision", "MSS") -> that LA's VocabularyTerm."""

    def lookup(kind, code, organisation_=None):
        return VocabularyTerm.objects.get(organisation=organisation_ or organisation, kind=kind, code=code)

    return lookup


@pytest.fixture
def workshop(organisation):
    return Workshop.objects.create(
        organisation=organisation, title="Secondary case reviews", date=datetime.date(2026, 5, 20)
    )


@pytest.fixture
def other_facilitator(organisation):
    membership, _ = core_services.membership_add(
        organisation=organisation, email="facilitator2@northshire.test", role=Role.FACILITATOR
    )
    return membership.user


@pytest.fixture
def room(workshop, facilitator):
    room = BreakoutRoom.objects.create(workshop=workshop, name="Room 1")
    room.facilitators.add(facilitator)
    return room


@pytest.fixture
def other_room(workshop, other_facilitator):
    room = BreakoutRoom.objects.create(workshop=workshop, name="Room 2")
    room.facilitators.add(other_facilitator)
    return room


def make_case(organisation, term, reference, provision="MSS"):
    return Case.objects.create(
        organisation=organisation,
        reference=reference,
        phase=term("phase", "SECONDARY"),
        year_group="9",
        primary_need=term("primary_need", "ASD"),
        support_level=term("support_level", "EHCP"),
        current_provision=term("provision", provision),
    )


@pytest.fixture
def allocations(organisation, term, workshop, room):
    """Three cases in Room 1, in order."""
    return [
        CaseAllocation.objects.create(
            workshop=workshop, room=room, case=make_case(organisation, term, f"C-00{n}"), position=n
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def other_allocation(organisation, term, workshop, other_room):
    return CaseAllocation.objects.create(
        workshop=workshop, room=other_room, case=make_case(organisation, term, "C-900")
    )


@pytest.fixture
def outsider_allocation(other_organisation, outsider):
    """A case of another LA, in a room its own lead runs."""
    workshop = Workshop.objects.create(organisation=other_organisation, title="Theirs", date=datetime.date(2026, 5, 1))
    room = BreakoutRoom.objects.create(workshop=workshop, name="Their room")
    room.facilitators.add(outsider)

    def their(kind, code):
        return VocabularyTerm.objects.get(organisation=other_organisation, kind=kind, code=code)

    case = Case.objects.create(
        organisation=other_organisation,
        reference="S-001",
        phase=their("phase", "PRIMARY"),
        primary_need=their("primary_need", "SEMH"),
        support_level=their("support_level", "EHCP"),
        current_provision=their("provision", "MAINSTREAM"),
    )
    return CaseAllocation.objects.create(workshop=workshop, room=room, case=case)


def not_ideal_post(term, version=0, **extra):
    """Form data for: consensus, not ideal, two areas, better in mainstream, one theme."""
    return {
        "action": "save",
        "version": version,
        "ideal_outcome": "no",
        "non_ideal_areas": [
            term("non_ideal_area", "TYPE_OF_PROVISION").pk,
            term("non_ideal_area", "TIMING_OF_SUPPORT").pk,
        ],
        "better_provision": term("provision", "MAINSTREAM").pk,
        "themes": [term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM").pk],
        "notes": "",
        **extra,
    }


@pytest.fixture
def words_poll(workshop):
    """A words poll whose answers are shown at once (approve before showing off)."""
    return Poll.objects.create(
        workshop=workshop,
        question="What does an ideal outcome mean to you?",
        kind="words",
        is_open=True,
        ask_role=True,
        approve_first=False,
    )


@pytest.fixture
def choice_poll(workshop):
    return Poll.objects.create(
        workshop=workshop, question="Where first?", kind="choice", options=["Early years", "Secondary"], is_open=True
    )


@pytest.fixture
def scale_poll(workshop):
    return Poll.objects.create(workshop=workshop, question="How confident?", kind="scale", scale_max=5, is_open=True)


@pytest.fixture
def phone(client, workshop):
    """An attendee's phone: a client that has opened the workshop's page (and so has its cookie)."""
    client.get(f"/j/{workshop.join_code}/")
    return client


def answer(client, poll, **data):
    return client.post(f"/j/{poll.workshop.join_code}/polls/{poll.pk}/", data, follow=True)


def save_ideal_and_not_ideal(allocations, facilitator, term):
    """The dashboards' worked example: Room 1 finds the first case ideal, and the second not ideal
    (timing of support; mainstream would be better), both for workforce capacity."""
    from workshops.services.answers import ReviewAnswer
    from workshops.services.reviews import review_save

    theme = term("theme", "WORKFORCE_CAPACITY")
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(True, True, themes=[theme]), by=facilitator, expected_version=0
    )
    not_ideal = ReviewAnswer(
        True, False, [term("non_ideal_area", "TIMING_OF_SUPPORT")], term("provision", "MAINSTREAM"), [theme]
    )
    review_save(allocation=allocations[1], answer=not_ideal, by=facilitator, expected_version=0)
