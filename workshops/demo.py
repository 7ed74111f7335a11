"""Demo workshops that tell the story of DESIGN.md §4's worked example.

Three case review workshops, 28 reviews: 2 without consensus, and of the 26 analysed 18 (69%)
could have had a better outcome. Type of provision and timing of support are the most common
non-ideal areas; only 5 of the 15 CYP in maintained special schools had an ideal outcome, most
of the others better supported in mainstream; lack of parental confidence in mainstream is the
most frequent theme. A fourth workshop is still to run, its cases allocated but not reviewed.
"""

import random
from datetime import date, datetime, time

from django.utils import timezone

from casereview.models import Membership, Role, VocabularyTerm
from workshops.models import BreakoutRoom, Case, CaseAllocation, CaseReview, Discipline, RoomDiscipline, Workshop
from workshops.services import ReviewAnswer, review_save

WORKSHOPS = [
    ("Primary case reviews", date(2026, 3, 11), "Primary: mainstream and maintained special schools", Workshop.Status.CLOSED),
    ("Secondary case reviews", date(2026, 5, 20), "Secondary: special and independent schools", Workshop.Status.CLOSED),
    ("Secondary transition case reviews", date(2026, 7, 8), "Moving from year 6 to year 7", Workshop.Status.CLOSED),
    ("Early years transition case reviews", date(2026, 12, 9), "Starting school in reception", Workshop.Status.DRAFT),
]
ROOM_PEOPLE = {
    Discipline.SCHOOL: 3, Discipline.EDUCATIONAL_PSYCHOLOGY: 1, Discipline.HEALTH: 1, Discipline.SOCIAL_CARE: 1,
    Discipline.PARENT_CARER_FORUM: 1, Discipline.LA_SEND_TEAM: 1,
}

# (current provision, ideal?, better provision) for the 26 analysed reviews; None = no consensus.
OUTCOMES = (
    [("MSS", True, None)] * 5
    + [("MSS", False, "MAINSTREAM")] * 6 + [("MSS", False, "RESOURCED")] * 3 + [("MSS", False, "INMSS")]
    + [("MAINSTREAM", True, None)] * 2 + [("MAINSTREAM", False, "RESOURCED")] * 2 + [("MAINSTREAM", False, "MSS")] * 2
    + [("INMSS", False, "MSS")] * 2 + [("INMSS", False, "MAINSTREAM"), ("INMSS", False, "RESOURCED")]
    + [("RESOURCED", True, None)]
    + [("MSS", None, None), ("MAINSTREAM", None, None)]
)
AREA_WEIGHTS = {
    "TYPE_OF_PROVISION": 9, "TIMING_OF_SUPPORT": 8, "LEVEL_OF_SUPPORT": 4, "TRANSITION": 3, "HEALTH_INPUT": 2,
    "FAMILY_SUPPORT": 2, "QUALITY_OF_SUPPORT": 2, "IDENTIFICATION_AND_ASSESSMENT": 1, "SOCIAL_CARE_INPUT": 1,
}
THEME_WEIGHTS = {
    "PARENTAL_CONFIDENCE_IN_MAINSTREAM": 10, "INCLUSION_CAPACITY_IN_MAINSTREAM": 6, "GRADUATED_RESPONSE_NOT_EVIDENCED": 5,
    "WAITING_TIMES_FOR_SPECIALIST_SERVICES": 5, "TRANSITION_BETWEEN_SETTINGS": 4, "COMMUNICATION_BETWEEN_SETTINGS": 3,
    "WORKFORCE_CAPACITY": 2, "EARLY_HELP_AND_FAMILY_SUPPORT": 2,
}
NOTES = [
    "Needs could be met in mainstream with outreach from the special school and a clear transition plan.",
    "Parents lost confidence after two part-time timetables; placement followed a crisis, not a plan.",
    "Good multi-agency support from early on; the family feel listened to.",
    "Speech and language therapy waited 14 months; earlier input would likely have avoided escalation.",
    "Graduated response not evidenced before the request for assessment.",
    "",
]
NEEDS = ["ASD", "SEMH", "SLCN", "MLD", "SLD", "SPLD", "PMLD", "ASD", "SEMH"]


def load(organisation):
    people = {m.role: m.user for m in Membership.objects.filter(organisation=organisation).select_related("user")}
    terms = {(t.kind, t.code): t for t in VocabularyTerm.objects.for_organisation(organisation)}
    rng = random.Random(2026)  # the same demo every time
    reviewed = 0
    for index, (title, day, focus, status) in enumerate(WORKSHOPS):
        workshop, _ = Workshop.objects.get_or_create(
            organisation=organisation, title=title, defaults={"date": day, "focus": focus, "status": status}
        )
        rooms = [_room(workshop, "Room 1", people.get(Role.FACILITATOR)), _room(workshop, "Room 2", people.get(Role.LEAD))]
        upcoming = status == Workshop.Status.DRAFT
        count = 8 if upcoming else (10, 9, 9)[index]
        for number in range(count):
            outcome = None if upcoming else OUTCOMES[reviewed]
            case_number = 100 * (index + 1) + number + 1
            case = _case(organisation, terms, f"C-{case_number:03d}", index, number, outcome, rng)
            allocation, _ = CaseAllocation.objects.get_or_create(
                workshop=workshop, case=case, defaults={"room": rooms[number % 2], "position": number + 1}
            )
            if outcome is not None:
                reviewed += 1
                if not CaseReview.objects.filter(allocation=allocation).exists():
                    _review(allocation, outcome, terms, rng, day, by=allocation.room.facilitators.first())


def _room(workshop, name, facilitator):
    room, created = BreakoutRoom.objects.get_or_create(workshop=workshop, name=name)
    if created:
        if facilitator:
            room.facilitators.add(facilitator)
        for discipline, count in ROOM_PEOPLE.items():
            RoomDiscipline.objects.create(room=room, discipline=discipline, count=count)
    return room


def _case(organisation, terms, reference, workshop_index, number, outcome, rng):
    existing = Case.objects.filter(organisation=organisation, reference=reference).first()
    if existing:
        return existing
    provision = outcome[0] if outcome else ["EARLY_YEARS", "MAINSTREAM", "RESOURCED"][number % 3]
    phase, year = [("PRIMARY", rng.choice("123456")), ("SECONDARY", rng.choice(["8", "9", "10", "11"])),
                   ("SECONDARY", "7"), ("EARLY_YEARS", "R")][workshop_index]
    return Case.objects.create(
        organisation=organisation, reference=reference, phase=terms[("phase", phase)], year_group=year,
        primary_need=terms[("primary_need", NEEDS[(number + workshop_index) % len(NEEDS)])],
        support_level=terms[("support_level", "EHCP" if provision != "MAINSTREAM" or number % 2 else "SEN_SUPPORT")],
        current_provision=terms[("provision", provision)],
    )


def _pick(rng, weights, k):
    chosen = []
    while len(chosen) < k:
        code = rng.choices(list(weights), weights=list(weights.values()))[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def _review(allocation, outcome, terms, rng, day, by):
    _, ideal, better = outcome
    if ideal is None:
        answer = ReviewAnswer(consensus_reached=False, notes="The room could not agree whether the placement meets need.")
    else:
        themes = _pick(rng, THEME_WEIGHTS, rng.randint(1, 3))
        moved_out_of_mainstream = allocation.case.current_provision.code in ("MSS", "INMSS") and better in ("MAINSTREAM", "RESOURCED")
        if moved_out_of_mainstream and "PARENTAL_CONFIDENCE_IN_MAINSTREAM" not in themes:
            themes.insert(0, "PARENTAL_CONFIDENCE_IN_MAINSTREAM")
        areas = []
        if not ideal:
            areas = _pick(rng, AREA_WEIGHTS, rng.randint(1, 3))
            if better != allocation.case.current_provision.code and "TYPE_OF_PROVISION" not in areas and rng.random() < 0.7:
                areas.insert(0, "TYPE_OF_PROVISION")
        answer = ReviewAnswer(
            consensus_reached=True, ideal_outcome=ideal,
            non_ideal_areas=[terms[("non_ideal_area", code)] for code in areas],
            better_provision=terms[("provision", better)] if better else None,
            themes=[terms[("theme", code)] for code in themes], notes=rng.choice(NOTES),
        )
    review = review_save(allocation=allocation, answer=answer, by=by, expected_version=0, source="demo")
    # Dated on the day of the workshop, as if recorded live.
    on_the_day = timezone.make_aware(datetime.combine(day, time(10, 30)))
    CaseReview.objects.filter(pk=review.pk).update(reviewed_at=on_the_day)
    review.audit.update(changed_at=on_the_day)
