"""The demo LA's improvement plan, built from the demo's own review themes (workshops/demo.py):
four workstreams as in seed 003, actions that cite the themes the rooms named most, a few RAG
changes over the year, two risks, KPIs with a year of values, recommendations, follow-ups of some
non-ideal reviews and two frozen monitoring updates. Three themes are left without an action, so
the gap list has something to show. Loading it again adds nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from casereview.models import Membership, Role, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from improvement import services
from improvement.models import (
    ActionChange,
    ActionStatus,
    FocusArea,
    Kpi,
    KpiKind,
    Plan,
    Rag,
    Recommendation,
    Workstream,
)
from improvement.services import ActionData
from workshops.models import CaseReview

PLAN_TITLE = "SEND improvement programme 2026–28"
D = datetime.date

# workstream -> [(focus area number, statement, [theme codes], [actions])]
# action: (title, owner, due, status, [(date of the save, rag, issue, mitigation)], [progress], [next steps])
PLAN = {
    "Culture": [
        (
            1,
            "Families and schools are confident that mainstream settings can meet needs well.",
            ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"],
            [
                (
                    "Co-produce a guide to inclusive mainstream provision with the parent carer forum",
                    "Head of SEND",
                    D(2026, 12, 18),
                    ActionStatus.IN_PROGRESS,
                    [
                        (D(2026, 4, 2), Rag.GREEN, "", ""),
                        (
                            D(2026, 7, 15),
                            Rag.AMBER,
                            "Forum members' availability over the summer delays the second drafting session.",
                            "Two evening sessions in September; drafts shared online for comment.",
                        ),
                    ],
                    [
                        (D(2026, 6, 10), "First drafting session held with 14 parent carers and 6 SENCOs."),
                        (D(2026, 9, 22), "Second draft shared with the forum for comment."),
                    ],
                    [
                        ("Agree the final draft with the forum", False),
                        ("Present the guide to the SEND Improvement Board", False),
                    ],
                ),
            ],
        ),
    ],
    "Co-production": [
        (
            10,
            "Parent carers and young people shape decisions about provision from the start.",
            ["EARLY_HELP_AND_FAMILY_SUPPORT"],
            [],
        ),
    ],
    "Identify–assess–meet need": [
        (
            14,
            "The graduated response is evidenced in every school before a request for assessment.",
            ["GRADUATED_RESPONSE_NOT_EVIDENCED", "INCLUSION_CAPACITY_IN_MAINSTREAM"],
            [
                (
                    "Launch a graduated response toolkit and audit 20 requests for assessment against it",
                    "SEND Quality Assurance Lead",
                    D(2026, 10, 31),
                    ActionStatus.IN_PROGRESS,
                    [
                        (D(2026, 3, 20), Rag.GREEN, "", ""),
                        (
                            D(2026, 6, 1),
                            Rag.AMBER,
                            "Audit sample not yet agreed with schools forum.",
                            "Sample drawn from the May panel instead.",
                        ),
                        (D(2026, 9, 1), Rag.GREEN, "", ""),
                    ],
                    [
                        (D(2026, 5, 14), "Toolkit published on the Local Offer."),
                        (D(2026, 9, 1), "12 of 20 audits completed."),
                    ],
                    [("Complete the remaining 8 audits", False), ("Report audit findings to SENCO network", False)],
                ),
                (
                    "Outreach from maintained special schools to mainstream secondaries",
                    "Head of Inclusion",
                    D(2026, 9, 30),
                    ActionStatus.IN_PROGRESS,
                    [
                        (D(2026, 4, 1), Rag.GREEN, "", ""),
                        (
                            D(2026, 8, 20),
                            Rag.AMBER,
                            "Two special schools cannot release staff until January.",
                            (
                                "Start with the two schools that can; "
                                "revisit staffing at the autumn headteachers' meeting."
                            ),
                        ),
                    ],
                    [(D(2026, 7, 3), "Outreach agreement signed by two special schools.")],
                    [("Agree the January start with the other two schools", False)],
                ),
            ],
        ),
        (
            15,
            "Children get specialist assessment and therapy without long waits.",
            ["WAITING_TIMES_FOR_SPECIALIST_SERVICES"],
            [
                (
                    "Reduce the wait for speech and language therapy assessment to 18 weeks",
                    "Designated Clinical Officer",
                    D(2027, 3, 31),
                    ActionStatus.IN_PROGRESS,
                    [
                        (
                            D(2026, 4, 15),
                            Rag.AMBER,
                            "Waiting list grew after the spring referrals.",
                            "Additional sessions commissioned for the summer term.",
                        ),
                        (
                            D(2026, 10, 5),
                            Rag.RED,
                            "Two therapist posts vacant; the wait is 41 weeks.",
                            "Agency cover approved; recruitment campaign with the ICB in November.",
                        ),
                    ],
                    [(D(2026, 10, 5), "Agency cover approved by the ICB.")],
                    [("Fill the two therapist posts", False)],
                ),
            ],
        ),
    ],
    "Joint commissioning": [
        (
            30,
            "Moves between settings are planned early, with the receiving setting involved.",
            ["TRANSITION_BETWEEN_SETTINGS"],
            [
                (
                    "Commission transition support for year 6 to year 7 moves of children with an EHCP",
                    "Commissioning Manager, SEND",
                    D(2026, 7, 31),
                    ActionStatus.DONE,
                    [(D(2026, 3, 11), Rag.GREEN, "", "")],
                    [(D(2026, 7, 20), "Transition support in place for 46 children moving to secondary in September.")],
                    [("Evaluate with families in the autumn term", True)],
                ),
            ],
        ),
    ],
}

RISKS = [
    (
        "Capacity for change",
        "Workloads have increased over the last months, making additional improvement work difficult.",
        Rag.RED,
        "Actions not delivered on time; slower improvement for children and families.",
        "Clear staffing structure in place; streamline processes to free time for improvement work.",
        "Director of Education",
        D(2026, 12, 15),
    ),
    (
        "Increase in requests for EHC needs assessment",
        "Requests rose by a third between January and June.",
        Rag.AMBER,
        "Timeliness of assessments; pressure on educational psychology and health colleagues.",
        "Permanent staffing; communication to schools about the graduated response.",
        "Head of SEND",
        D(2026, 11, 1),
    ),
]

MONTHS = [D(2025, 12, 1)] + [D(2026, month, 1) for month in range(1, 12)]
# The first days of the terms from 2024/25 Autumn to 2026/27 Autumn, and of three academic years.
TERMS = [D(2024, 9, 1), D(2025, 1, 1), D(2025, 4, 1), D(2025, 9, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 9, 1)]
YEARS = [D(2023, 9, 1), D(2024, 9, 1), D(2025, 9, 1)]
# Seed 003's indicators, as the LA reports them:
# (name, kind, unit, direction, frequency, baseline, target, [focus area numbers], periods, values)
KPIS = [
    (
        # Neither more nor fewer requests is better in itself: a trend the board watches.
        "Number of requests for an EHC needs assessment",
        KpiKind.HOW_MUCH,
        "requests",
        Kpi.Direction.NEUTRAL,
        Kpi.Frequency.MONTHLY,
        Decimal(50),
        None,
        [14],
        MONTHS,
        [52, 48, 55, 61, 58, 57, 49, 38, 51, 50, 47, 44],
    ),
    (
        "Decisions to assess made within 6 weeks",
        KpiKind.HOW_WELL,
        "%",
        Kpi.Direction.UP,
        Kpi.Frequency.MONTHLY,
        Decimal(68),
        Decimal(90),
        [15],
        MONTHS,
        [71, 74, 70, 76, 79, 81, 83, 80, 85, 86, 88, 87],
    ),
    (
        "New EHCPs issued within 20 weeks",
        KpiKind.HOW_WELL,
        "%",
        Kpi.Direction.UP,
        Kpi.Frequency.MONTHLY,
        Decimal(35),
        Decimal(60),
        [15],
        MONTHS,
        [38, 41, 44, 43, 47, 50, 52, 55, 54, 58, 57, 61],
    ),
    (
        "Attendance of pupils with an EHCP",
        KpiKind.DIFFERENCE,
        "%",
        Kpi.Direction.UP,
        Kpi.Frequency.TERMLY,
        Decimal("87.1"),
        Decimal(90),
        [1],
        TERMS,
        ["87.4", "86.2", "85.9", "88.0", "87.1", "86.8", "88.9"],
    ),
    (
        "Suspensions of pupils with an EHCP (per 100 pupils)",
        KpiKind.DIFFERENCE,
        "per 100",
        Kpi.Direction.DOWN,
        Kpi.Frequency.TERMLY,
        Decimal("9.8"),
        Decimal(7),
        [1, 14],
        TERMS,
        ["9.6", "10.4", "8.9", "9.1", "8.2", "7.9", "7.4"],
    ),
    (
        "Parent carers confident their child's needs are met",
        KpiKind.DIFFERENCE,
        "%",
        Kpi.Direction.UP,
        Kpi.Frequency.ANNUAL,
        Decimal(41),
        Decimal(60),
        [1, 10],
        YEARS,
        [41, 44, 49],
    ),
]
COMPUTED_KPIS = [
    (
        "Case reviews held",
        KpiKind.HOW_MUCH,
        "reviews",
        Kpi.Direction.UP,
        Decimal(8),
        Kpi.Source.REVIEWS_PER_MONTH,
        Kpi.Frequency.MONTHLY,
    ),
    (
        "Share of reviews not ideal",
        KpiKind.DIFFERENCE,
        "%",
        Kpi.Direction.DOWN,
        Decimal(50),
        Kpi.Source.NON_IDEAL_SHARE,
        Kpi.Frequency.PER_WORKSHOP,
    ),
]

RECOMMENDATIONS = [
    (
        1,
        "PARENTAL_CONFIDENCE_IN_MAINSTREAM",
        "Publish, with the parent carer forum, what every mainstream school offers at SEN support.",
        Recommendation.Decision.ACCEPTED,
        "",
    ),
    (
        2,
        "WORKFORCE_CAPACITY",
        "Create a shared SEND workforce development offer across education, health and care.",
        Recommendation.Decision.DEFERRED,
        "Waiting for the People Plan refresh in the spring; revisit in April 2027.",
    ),
    (
        3,
        "COMMUNICATION_BETWEEN_SETTINGS",
        "Adopt one information-sharing template for every move between settings.",
        Recommendation.Decision.OPEN,
        "",
    ),
]

# (how many non-ideal reviews, outcome, note)
FOLLOW_UPS = [
    (4, "moved", "Moved at the start of the autumn term, with outreach from the special school."),
    (3, "support_changed", "Outreach support added; placement unchanged."),
    (2, "no_change", "Family chose to stay; to review at the annual review."),
    (1, "other", "Awaiting a place in the resourced provision."),
]


def load(organisation) -> None:
    if Plan.objects.for_organisation(organisation).filter(title=PLAN_TITLE).exists():
        return
    lead = Membership.objects.filter(organisation=organisation, role=Role.LEAD).select_related("user").first()
    by = lead.user if lead else None
    themes = {
        t.code: t for t in VocabularyTerm.objects.for_organisation(organisation).filter(kind=VocabularyKind.THEME)
    }
    plan = Plan.objects.create(
        organisation=organisation, title=PLAN_TITLE, purpose="What we do about what the case review workshops found."
    )
    areas, later = {}, []
    for position, (name, focus_areas) in enumerate(PLAN.items(), start=1):
        workstream = Workstream.objects.create(plan=plan, name=name, position=position)
        for number, statement, codes, actions in focus_areas:
            area = FocusArea.objects.create(workstream=workstream, ref=str(number), statement=statement)
            area.themes.set([themes[code] for code in codes if code in themes])
            areas[number] = area
            for title, owner, due, status, saves, progress, next_steps in actions:
                later += _action(
                    area,
                    title,
                    owner,
                    due,
                    status,
                    saves,
                    progress,
                    next_steps,
                    [themes[c] for c in codes if c in themes],
                    by,
                )
    for title, detail, rag, impact, mitigation, owner, review in RISKS:
        services.risk_save(
            plan=plan,
            risk=None,
            by=by,
            expected_version=0,
            values={
                "title": title,
                "detail": detail,
                "rag": rag,
                "impact": impact,
                "mitigation": mitigation,
                "owner": owner,
                "review_date": review,
                "closed": False,
            },
        )
    for name, kind, unit, direction, frequency, baseline, target, numbers, periods, values in KPIS:
        kpi = Kpi.objects.create(
            plan=plan,
            name=name,
            kind=kind,
            unit=unit,
            direction=direction,
            frequency=frequency,
            baseline=baseline,
            target=target,
        )
        kpi.focus_areas.set([areas[number] for number in numbers])
        for period, value in zip(periods, values, strict=True):
            services.kpi_value_set(kpi=kpi, period=period, value=Decimal(value), by=by)
    for name, kind, unit, direction, target, source, frequency in COMPUTED_KPIS:
        Kpi.objects.create(
            plan=plan,
            name=name,
            kind=kind,
            unit=unit,
            direction=direction,
            target=target,
            source=source,
            frequency=frequency,
        )
    for number, code, text, decision, reason in RECOMMENDATIONS:
        recommendation = Recommendation.objects.create(plan=plan, ref=str(number), theme=themes[code], text=text)
        if decision != Recommendation.Decision.OPEN:
            services.recommendation_decide(
                recommendation=recommendation,
                decision=decision,
                reason=reason,
                focus_area=areas[1],
                owner="Parent carer forum liaison officer",
                due=D(2027, 2, 26),
                by=by,
            )
    _follow_ups(organisation, by)
    first = services.update_freeze(
        plan=plan,
        title="Monitoring update – September 2026",
        as_of=FIRST_UPDATE,
        by=by,
        highlights="Graduated response toolkit published\nTransition support commissioned for 46 children\n"
        "Second draft of the inclusive mainstream guide shared with families",
    )
    first.frozen_at = timezone.make_aware(datetime.datetime(2026, 9, 30, 16, 0))
    first.save(update_fields=["frozen_at"])
    for action, day, data in later:  # what changed after the September update
        _save(action.focus_area, action, day, data, by)
    services.update_freeze(
        plan=plan,
        title="Monitoring update – November 2026",
        as_of=timezone.localdate(),
        by=by,
        highlights="Speech and language therapy waits escalated to red\n12 of 20 graduated response audits completed",
    )


FIRST_UPDATE = D(2026, 9, 30)


def _save(area, action, day, data, by):
    action = services.action_save(
        focus_area=area, action=action, data=data, by=by, expected_version=action.version if action else 0
    )
    # The demo tells a year's story: each save dated when it would have happened.
    ActionChange.objects.filter(action=action, version=action.version).update(
        changed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    )
    return action


def _action(area, title, owner, due, status, saves, progress, next_steps, themes, by):
    """Saves the action as it stood at the first update; returns the saves that came after it."""
    action, later = None, []
    for day, rag, issue, mitigation in saves:
        data = ActionData(
            title=title,
            owner=owner,
            due=due,
            status=status if day == saves[-1][0] else ActionStatus.IN_PROGRESS,
            rag=rag,
            issue=issue,
            mitigation=mitigation,
            themes=themes,
        )
        if day > FIRST_UPDATE and action is not None:
            later.append((action, day, data))
        else:
            action = _save(area, action, day, data, by)
    for day, text in progress:
        services.progress_note_add(action=action, date=day, text=text, by=by)
    for text, done in next_steps:
        step = services.next_step_add(action=action, text=text)
        if done:
            services.next_step_toggle(step=step)
    return later


def _follow_ups(organisation, by):
    reviews = list(
        CaseReview.objects.for_organisation(organisation)
        .filter(consensus_reached=True, ideal_outcome=False)
        .order_by("reviewed_at", "pk")
    )
    start = 0
    for count, outcome, note in FOLLOW_UPS:
        for review in reviews[start : start + count]:
            day = max(review.reviewed_at.date() + datetime.timedelta(days=90), review.reviewed_at.date())
            services.follow_up_add(
                review=review, date=min(day, timezone.localdate()), outcome=outcome, note=note, by=by
            )
        start += count
