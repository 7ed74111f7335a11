"""Demo workshops that tell the story of a worked example of the figures (docs/design.md, “Report definitions”).

Three case review workshops, 28 reviews: 2 without consensus, and of the 26 analysed 18 (69%)
could have had a better outcome. Type of provision and timing of support are the most common
non-ideal areas; only 5 of the 15 CYP in maintained special schools had an ideal outcome, most
of the others better supported in mainstream; lack of parental confidence in mainstream is the
most frequent theme. A fourth workshop is still to run, its cases allocated but not reviewed.
A few cases were reviewed by a second room too (a calibration case, blind double reviews), one
of them a disagreement awaiting moderation; each counts once, so the figures above hold.
"""

import random
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casereview.models import Membership, Role, TermScope, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from workshops.models import (
    BreakoutRoom,
    Case,
    CaseAllocation,
    CaseReview,
    Discipline,
    FindingKind,
    Poll,
    PollResponse,
    ProcessFinding,
    ProcessMap,
    ProcessStep,
    RoomDiscipline,
    Workshop,
)
from workshops.polls.services import words_answer_record
from workshops.services.allocation import allocation_save
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

WORKSHOPS = [
    (
        "Primary case reviews",
        date(2026, 3, 11),
        "Primary: mainstream and maintained special schools",
        Workshop.Status.CLOSED,
    ),
    ("Secondary case reviews", date(2026, 5, 20), "Secondary: special and independent schools", Workshop.Status.CLOSED),
    ("Secondary transition case reviews", date(2026, 7, 8), "Moving from year 6 to year 7", Workshop.Status.CLOSED),
    ("Early years transition case reviews", date(2026, 12, 9), "Starting school in reception", Workshop.Status.DRAFT),
]
ROOM_PEOPLE = {
    Discipline.SCHOOL: 3,
    Discipline.EDUCATIONAL_PSYCHOLOGY: 1,
    Discipline.HEALTH: 1,
    Discipline.SOCIAL_CARE: 1,
    Discipline.PARENT_CARER_FORUM: 1,
    Discipline.LA_SEND_TEAM: 1,
}

# (current provision, ideal?, better provision) for the 26 analysed reviews; None = no consensus.
OUTCOMES = (
    [("MSS", True, None)] * 5
    + [("MSS", False, "MAINSTREAM")] * 6
    + [("MSS", False, "RESOURCED")] * 3
    + [("MSS", False, "INMSS")]
    + [("MAINSTREAM", True, None)] * 2
    + [("MAINSTREAM", False, "RESOURCED")] * 2
    + [("MAINSTREAM", False, "MSS")] * 2
    + [("INMSS", False, "MSS")] * 2
    + [("INMSS", False, "MAINSTREAM"), ("INMSS", False, "RESOURCED")]
    + [("RESOURCED", True, None)]
    + [("MSS", None, None), ("MAINSTREAM", None, None)]
)
AREA_WEIGHTS = {
    "TYPE_OF_PROVISION": 9,
    "TIMING_OF_SUPPORT": 8,
    "LEVEL_OF_SUPPORT": 4,
    "TRANSITION": 3,
    "HEALTH_INPUT": 2,
    "FAMILY_SUPPORT": 2,
    "QUALITY_OF_SUPPORT": 2,
    "IDENTIFICATION_AND_ASSESSMENT": 1,
    "SOCIAL_CARE_INPUT": 1,
}
THEME_WEIGHTS = {
    "PARENTAL_CONFIDENCE_IN_MAINSTREAM": 10,
    "INCLUSION_CAPACITY_IN_MAINSTREAM": 6,
    "GRADUATED_RESPONSE_NOT_EVIDENCED": 5,
    "WAITING_TIMES_FOR_SPECIALIST_SERVICES": 5,
    "TRANSITION_BETWEEN_SETTINGS": 4,
    "COMMUNICATION_BETWEEN_SETTINGS": 3,
    "WORKFORCE_CAPACITY": 2,
    "EARLY_HELP_AND_FAMILY_SUPPORT": 2,
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

IDEAL_OUTCOME = "What does an ideal outcome mean to you?"
# (answer, how many phones gave it, the role those phones said they had)
IDEAL_OUTCOME_ANSWERS = [
    ("Happiness", 7, Discipline.PARENT_CARER_FORUM),
    ("happy", 2, Discipline.SCHOOL),
    ("Realistic", 5, Discipline.LA_SEND_TEAM),
    ("Independence", 5, Discipline.SOCIAL_CARE),
    ("friends", 4, Discipline.PARENT_CARER_FORUM),
    ("feeling safe", 3, Discipline.HEALTH),
    ("Included", 3, Discipline.SCHOOL),
    ("right support at the right time", 3, Discipline.EDUCATIONAL_PSYCHOLOGY),
    ("achieving their potential", 2, Discipline.SCHOOL),
    ("listened to", 2, Discipline.PARENT_CARER_FORUM),
    ("confidence", 2, Discipline.EDUCATIONAL_PSYCHOLOGY),
    ("local school", 2, Discipline.PARENT_CARER_FORUM),
    ("belonging", 1, Discipline.SCHOOL),
    ("aspiration", 1, Discipline.LA_SEND_TEAM),
    ("being understood", 1, Discipline.HEALTH),
    ("thriving", 1, Discipline.SOCIAL_CARE),
    ("good transitions", 1, Discipline.SCHOOL),
    ("family feels supported", 1, Discipline.SENDIASS),
    ("Healthy", 1, Discipline.HEALTH),
    ("preparing for adulthood", 1, Discipline.LA_SEND_TEAM),
]
PROCESS_WORKSHOP = (
    "Graduated response process mapping",
    date(2026, 9, 16),
    "Where the graduated response breaks at transition",
)
MAP_TITLE = "Graduated response at secondary transition"
W, C, B, R, X = (
    FindingKind.WORKING_WELL,
    FindingKind.CHALLENGE,
    FindingKind.BLOCKER,
    FindingKind.ROOT_CAUSE,
    FindingKind.CHANGE_NEEDED,
)
# (step, who is responsible, [(kind, finding, theme codes)])
MAP_STEPS = [
    (
        "Need identified in primary school",
        ProcessStep.Responsible.SCHOOL,
        [
            (W, "SENCOs know their cohort well and raise concerns early", []),
            (C, "Each primary records needs differently", ["COMMUNICATION_BETWEEN_SETTINGS"]),
        ],
    ),
    (
        "Assess, plan, do, review",
        ProcessStep.Responsible.SCHOOL,
        [
            (C, "Cycles happen but are rarely written down", ["GRADUATED_RESPONSE_NOT_EVIDENCED"]),
            (B, "No shared format for SEN support plans", ["GRADUATED_RESPONSE_NOT_EVIDENCED"]),
            (R, "No LA-wide framework for the graduated response", ["GRADUATED_RESPONSE_NOT_EVIDENCED"]),
            (X, "Agree one SEN support plan template across all schools", []),
        ],
    ),
    (
        "Transition planning in year 6",
        ProcessStep.Responsible.SEVERAL,
        [
            (B, "Secondaries receive information after places are allocated", ["TRANSITION_BETWEEN_SETTINGS"]),
            (R, "Many feeder schools into a small number of secondaries", ["TRANSITION_BETWEEN_SETTINGS"]),
            (X, "Transition meetings for pupils on SEN support by Easter of year 6", ["TRANSITION_BETWEEN_SETTINGS"]),
        ],
    ),
    (
        "Information shared with the secondary school",
        ProcessStep.Responsible.SEVERAL,
        [
            (W, "Some clusters run SENCO handover days", []),
            (B, "No data-sharing framework between settings", ["COMMUNICATION_BETWEEN_SETTINGS"]),
            (R, "No agreement on what may be shared, so little is", ["COMMUNICATION_BETWEEN_SETTINGS"]),
            (X, "An LA data-sharing agreement for transition", ["COMMUNICATION_BETWEEN_SETTINGS"]),
        ],
    ),
    (
        "Support in place in year 7",
        ProcessStep.Responsible.SCHOOL,
        [
            (C, "Support often starts late in the autumn term", ["TRANSITION_BETWEEN_SETTINGS", "WORKFORCE_CAPACITY"]),
            (X, "Review every pupil on SEN support by October half term", []),
        ],
    ),
    (
        "Request for statutory assessment",
        ProcessStep.Responsible.LA,
        [
            (C, "Requests arrive without evidence of the graduated response", ["GRADUATED_RESPONSE_NOT_EVIDENCED"]),
            (W, "The panel gives schools written feedback on every request", []),
        ],
    ),
]
CONFIDENCE = "How confident are you that children get the right support at the right time?"
CONFIDENCE_ANSWERS = {1: 3, 2: 7, 3: 6, 4: 3, 5: 1}
PILOT = "Where should we try a change first?"
PILOT_OPTIONS = [
    "Transition from nursery to reception",
    "Primary to secondary transition",
    "Early help for families",
    "Sharing information between settings",
]
PILOT_ANSWERS = [5, 8, 3, 6]


# Seed 004's strategic review: six themes its recommendations sit under. For plans only, so they never
# crowd the review rooms' theme buttons (casereview.models.TermScope).
STRATEGIC_REVIEW_THEMES = [
    ("SR_COPRODUCTION", "Strategic partnership working & co-production with parents & young people"),
    ("SR_JOINT_COMMISSIONING", "Partnership working and joint commissioning across education, health and care"),
    ("SR_IDENTIFICATION_ASSESSMENT", "Identification & assessment of needs, information and access to support"),
    (
        "SR_INCLUSIVE_CAPACITY",
        "Building inclusive capacity in mainstream schools and settings, and providing targeted support for inclusion",
    ),
    ("SR_SPECIALIST_PROVISION", "Developing responsive, effective local specialist provision"),
    ("SR_PREPARATION_FOR_ADULTHOOD", "Preparation for adulthood"),
]


def _strategic_review_themes(organisation) -> None:
    """The strategic review's themes, for plans only: only those missing (by code, or by a label the
    LA already uses), so loading the demo again adds nothing and keeps a person's edits."""
    themes = VocabularyTerm.objects.for_organisation(organisation).filter(kind=VocabularyKind.THEME)
    codes = set(themes.values_list("code", flat=True))
    labels = {label.casefold() for label in themes.values_list("label", flat=True)}
    position = max(themes.values_list("position", flat=True), default=0)
    for code, label in STRATEGIC_REVIEW_THEMES:
        position += 1
        if code in codes or label.casefold() in labels:
            continue
        VocabularyTerm.objects.create(
            organisation=organisation,
            kind=VocabularyKind.THEME,
            code=code,
            label=label,
            position=position,
            scope=TermScope.PLANS,
        )


def load(organisation) -> list[str]:
    """The demo LA's workshops, rooms, cases, reviews, polls and process map: only what is missing,
    so that it can run again whatever a person did with the demo. Returns a line for each thing it
    could not re-apply (and left as the person made it)."""
    skipped = []
    _strategic_review_themes(organisation)
    people = {m.role: m.user for m in Membership.objects.filter(organisation=organisation).select_related("user")}
    terms = {(t.kind, t.code): t for t in VocabularyTerm.objects.for_organisation(organisation)}
    rng = random.Random(2026)  # the same demo every time
    reviewed = 0
    for index, (title, day, focus, status) in enumerate(WORKSHOPS):
        workshop, _ = Workshop.objects.get_or_create(
            organisation=organisation, title=title, defaults={"date": day, "focus": focus, "status": status}
        )
        rooms = [
            _room(workshop, "Room 1", people.get(Role.FACILITATOR)),
            _room(workshop, "Room 2", people.get(Role.LEAD)),
        ]
        upcoming = status == Workshop.Status.DRAFT
        count = 8 if upcoming else (10, 9, 9)[index]
        for number in range(count):
            outcome = None if upcoming else OUTCOMES[reviewed]
            case_number = 100 * (index + 1) + number + 1
            case = _case(organisation, terms, f"C-{case_number:03d}", index, number, outcome, rng)
            allocation, _ = CaseAllocation.objects.get_or_create(
                workshop=workshop,
                case=case,
                kind=CaseAllocation.Kind.FIRST,
                defaults={"room": rooms[number % 2], "position": number + 1},
            )
            if outcome is not None:
                reviewed += 1
                if not CaseReview.objects.filter(allocation=allocation).exists():
                    _review(allocation, outcome, terms, rng, day, by=allocation.room.facilitators.first())
        if index == 0 or upcoming:
            _polls(workshop, live=upcoming)
        try:
            with transaction.atomic():
                # Its own draws: the story's stay as they are.
                _agreement(workshop, index, terms, random.Random(19 + index), day)
        except ValidationError as problem:
            skipped.append(f"Left the second rooms of “{workshop.title}” as they are: {' '.join(problem.messages)}")
    _process_map(organisation, terms, people.get(Role.FACILITATOR))
    return skipped


# Agreement between rooms (docs/design.md, “Report definitions”). Second rooms' answers: (ideal?, better provision). The
# first room's answer still counts in every report, so the worked example's figures stay as they are.
CALIBRATION = {"C-201": (False, "MAINSTREAM"), "C-401": None}  # C-401: the workshop to come, not reviewed yet
DOUBLE_REVIEWS = {
    "C-102": (True, None),
    "C-202": (False, "RESOURCED"),
    "C-203": (True, None),  # the first room said not ideal: a disagreement to moderate
    "C-204": (False, "RESOURCED"),
}


def _agreement(workshop, index, terms, rng, day):
    """A calibration case, a few blind double reviews, and one disagreement awaiting moderation."""
    firsts = {
        a.case.reference: a
        for a in workshop.allocations.filter(kind=CaseAllocation.Kind.FIRST).select_related("case", "room")
    }
    # What the allocation page shows now (a person may have changed it): kept, the story's added.
    calibration = {first.pk for first in firsts.values() if first.calibration}
    second_rooms = {
        other.first_allocation_id: other.room
        for other in workshop.allocations.filter(kind=CaseAllocation.Kind.OTHER_ROOM).select_related("room")
        if other.first_allocation_id not in calibration
    }
    untouched = [ref for ref in firsts if firsts[ref].pk not in calibration and firsts[ref].pk not in second_rooms]
    wanted_calibration = {firsts[ref].pk for ref in CALIBRATION if ref in untouched}
    rooms = list(workshop.rooms.order_by("name"))
    wanted_second = {
        firsts[ref].pk: next((room for room in rooms if room.pk != firsts[ref].room_id), None)
        for ref in DOUBLE_REVIEWS
        if ref in untouched
    }
    if not wanted_calibration and not any(wanted_second.values()):
        return
    allocation_save(
        workshop=workshop,
        placements={},
        second_rooms=second_rooms | wanted_second,
        calibration=calibration | wanted_calibration,
    )
    answers = {**CALIBRATION, **DOUBLE_REVIEWS}
    others = CaseAllocation.objects.filter(workshop=workshop, kind=CaseAllocation.Kind.OTHER_ROOM).select_related(
        "case__current_provision", "room"
    )
    for other in others:
        second = answers.get(other.case.reference)
        if second is not None and not CaseReview.objects.filter(allocation=other).exists():
            ideal, better = second
            _review(
                other,
                (other.case.current_provision.code, ideal, better),
                terms,
                rng,
                day,
                by=other.room.facilitators.first(),
            )


def _process_map(organisation, terms, facilitator):
    """A workshop that mapped a process instead of reviewing cases (the DBV case study)."""
    title, day, focus = PROCESS_WORKSHOP
    workshop, _ = Workshop.objects.get_or_create(
        organisation=organisation, title=title, defaults={"date": day, "focus": focus, "status": Workshop.Status.CLOSED}
    )
    _room(workshop, "Main room", facilitator)  # so the facilitator can open the map from their workshops
    process_map, created = ProcessMap.objects.get_or_create(
        workshop=workshop,
        title=MAP_TITLE,
        defaults={"process": "The graduated response for pupils on SEN support moving to secondary school"},
    )
    if not created:
        return
    for position, (step_title, responsible, findings) in enumerate(MAP_STEPS, start=1):
        step = ProcessStep.objects.create(
            process_map=process_map, position=position, title=step_title, responsible=responsible
        )
        for kind, text, themes in findings:
            finding = ProcessFinding.objects.create(step=step, kind=kind, text=text, added_by=facilitator)
            finding.themes.set([terms[("theme", code)] for code in themes])


def _polls(workshop, live):
    """The ideal-outcome word cloud (DBV case study), and for the workshop to come a scale and a choice poll."""
    words, _ = Poll.objects.get_or_create(
        workshop=workshop,
        question=IDEAL_OUTCOME,
        defaults={"kind": Poll.Kind.WORDS, "ask_role": True, "is_open": live, "position": 1},
    )
    if not words.responses.exists():
        phone = 0
        for text, phones, role in IDEAL_OUTCOME_ANSWERS:
            for _ in range(phones):
                phone += 1
                words_answer_record(poll=words, phone=f"demo{phone:04d}", text=text, role=role)
    if not live:
        return
    scale, _ = Poll.objects.get_or_create(
        workshop=workshop,
        question=CONFIDENCE,
        defaults={
            "kind": Poll.Kind.SCALE,
            "scale_max": 5,
            "scale_low_label": "not at all",
            "scale_high_label": "very",
            "position": 2,
        },
    )
    if not scale.responses.exists():
        values = [value for value, n in CONFIDENCE_ANSWERS.items() for _ in range(n)]
        PollResponse.objects.bulk_create(
            PollResponse(poll=scale, round=1, phone=f"demo{i:04d}", slot=1, value=value)
            for i, value in enumerate(values)
        )
    choice, _ = Poll.objects.get_or_create(
        workshop=workshop, question=PILOT, defaults={"kind": Poll.Kind.CHOICE, "options": PILOT_OPTIONS, "position": 3}
    )
    if not choice.responses.exists():
        picks = [option for option, n in zip(PILOT_OPTIONS, PILOT_ANSWERS) for _ in range(n)]
        PollResponse.objects.bulk_create(
            PollResponse(poll=choice, round=1, phone=f"demo{i:04d}", slot=1, choice=option)
            for i, option in enumerate(picks)
        )


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
    phase, year = [
        ("PRIMARY", rng.choice("123456")),
        ("SECONDARY", rng.choice(["8", "9", "10", "11"])),
        ("SECONDARY", "7"),
        ("EARLY_YEARS", "R"),
    ][workshop_index]
    return Case.objects.create(
        organisation=organisation,
        reference=reference,
        phase=terms[("phase", phase)],
        year_group=year,
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
        answer = ReviewAnswer(
            consensus_reached=False, notes="The room could not agree whether the placement meets need."
        )
    else:
        themes = _pick(rng, THEME_WEIGHTS, rng.randint(1, 3))
        moved_out_of_mainstream = allocation.case.current_provision.code in ("MSS", "INMSS") and better in (
            "MAINSTREAM",
            "RESOURCED",
        )
        if moved_out_of_mainstream and "PARENTAL_CONFIDENCE_IN_MAINSTREAM" not in themes:
            themes.insert(0, "PARENTAL_CONFIDENCE_IN_MAINSTREAM")
        areas = []
        if not ideal:
            areas = _pick(rng, AREA_WEIGHTS, rng.randint(1, 3))
            if (
                better != allocation.case.current_provision.code
                and "TYPE_OF_PROVISION" not in areas
                and rng.random() < 0.7
            ):
                areas.insert(0, "TYPE_OF_PROVISION")
        answer = ReviewAnswer(
            consensus_reached=True,
            ideal_outcome=ideal,
            non_ideal_areas=[terms[("non_ideal_area", code)] for code in areas],
            better_provision=terms[("provision", better)] if better else None,
            themes=[terms[("theme", code)] for code in themes],
            notes=rng.choice(NOTES),
        )
    review = review_save(allocation=allocation, answer=answer, by=by, expected_version=0, source="demo")
    # Dated on the day of the workshop, as if recorded live.
    on_the_day = timezone.make_aware(datetime.combine(day, time(10, 30)))
    CaseReview.objects.filter(pk=review.pk).update(reviewed_at=on_the_day)
    review.audit.update(changed_at=on_the_day)
