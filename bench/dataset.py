"""Generated case reviews at national scale, written with PostgreSQL's COPY.

Each review is one case reviewed in one closed workshop of 40 cases (5 rooms of 8), spread over
``LOCAL_AUTHORITIES`` LAs, with the proportions the demo story uses (about 8% without consensus,
about half of the rest ideal; non-ideal reviews name one to three areas and a better provision;
analysed reviews name up to three themes). The same seed gives the same data.
"""

import random
from datetime import date, timedelta
from itertools import count

from django.db import connection, transaction
from django.utils import timezone

from casereview.models import Organisation, VocabularyTerm
from casereview.services import organisation_create
from casereview.vocabularies import VocabularyKind
from workshops.models import (
    JOIN_CODE_ALPHABET,
    BreakoutRoom,
    Case,
    CaseAllocation,
    CaseReview,
    Discipline,
    RoomDiscipline,
    Workshop,
)

LOCAL_AUTHORITIES = 10
CASES_PER_WORKSHOP = 40
ROOMS_PER_WORKSHOP = 5
NO_CONSENSUS_SHARE = 0.08
IDEAL_SHARE = 0.55


def _join_codes():
    """Distinct six-character codes in the join-code alphabet (base 31 of a counter)."""
    base = len(JOIN_CODE_ALPHABET)
    for number in count(base**5):
        digits = []
        for _ in range(6):
            number, digit = divmod(number, base)
            digits.append(JOIN_CODE_ALPHABET[digit])
        yield "".join(digits)


def _copy(cursor, model_or_table, columns: list[str], rows) -> None:
    table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def empty_database() -> None:
    """Remove every organisation and what belongs to it, and restart the id counters."""
    tables = [m._meta.db_table for m in (Organisation, Workshop, Case)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _terms(organisation) -> dict[str, list[int]]:
    ids = {}
    for kind, pk in (
        VocabularyTerm.objects.filter(organisation=organisation).order_by("position").values_list("kind", "pk")
    ):
        ids.setdefault(kind, []).append(pk)
    return ids


@transaction.atomic
def generate(reviews: int, seed: int = 2026, local_authorities: int = LOCAL_AUTHORITIES) -> list[Organisation]:
    """Replace the database's contents with ``reviews`` reviews over ``local_authorities`` LAs."""
    empty_database()
    rng = random.Random(seed)
    organisations = [
        organisation_create(slug=f"bench-la-{n:02d}", name=f"Benchmark LA {n:02d}")
        for n in range(1, local_authorities + 1)
    ]
    terms = {organisation.pk: _terms(organisation) for organisation in organisations}
    now = timezone.now()
    codes = _join_codes()
    workshops, rooms, disciplines, cases, allocations, review_rows, areas, themes = ([] for _ in range(8))
    ids = {"workshop": count(1), "room": count(1), "case": count(1)}
    disciplines_present = [d.value for d in Discipline]

    per_la = [
        reviews // local_authorities + (1 if n < reviews % local_authorities else 0) for n in range(local_authorities)
    ]
    for organisation, la_reviews in zip(organisations, per_la):
        vocabulary = terms[organisation.pk]
        workshop_count = -(-la_reviews // CASES_PER_WORKSHOP)
        for w in range(workshop_count):
            workshop_id = next(ids["workshop"])
            workshops.append(
                (
                    workshop_id,
                    organisation.pk,
                    f"Case review workshop {w + 1}",
                    date(2024, 1, 8) + timedelta(days=w % 700),
                    "Benchmark",
                    Workshop.Status.CLOSED,
                    next(codes),
                    now,
                )
            )
            room_ids = []
            for r in range(ROOMS_PER_WORKSHOP):
                room_id = next(ids["room"])
                room_ids.append(room_id)
                rooms.append((room_id, workshop_id, f"Room {r + 1}"))
                for discipline in rng.sample(disciplines_present, 3):
                    disciplines.append((len(disciplines) + 1, room_id, discipline, rng.randint(1, 4)))
            in_workshop = min(CASES_PER_WORKSHOP, la_reviews - w * CASES_PER_WORKSHOP)
            for position in range(in_workshop):
                case_id = next(ids["case"])
                provision = rng.choice(vocabulary[VocabularyKind.PROVISION])
                phase, need, support = (
                    rng.choice(vocabulary[VocabularyKind.PHASE]),
                    rng.choice(vocabulary[VocabularyKind.PRIMARY_NEED]),
                    rng.choice(vocabulary[VocabularyKind.SUPPORT_LEVEL]),
                )
                cases.append(
                    (
                        case_id,
                        organisation.pk,
                        f"C-{case_id:07d}",
                        phase,
                        str(rng.randint(1, 11)),
                        need,
                        support,
                        provision,
                        now,
                        now,
                    )
                )
                allocations.append((case_id, workshop_id, case_id, room_ids[position % ROOMS_PER_WORKSHOP], position))
                consensus = rng.random() >= NO_CONSENSUS_SHARE
                ideal = (rng.random() < IDEAL_SHARE) if consensus else None
                better = rng.choice(vocabulary[VocabularyKind.PROVISION]) if ideal is False else None
                review_rows.append(
                    (case_id, case_id, consensus, ideal, better, "", provision, phase, need, support, now, 1, now)
                )
                if ideal is False:
                    areas.extend(
                        (case_id, term)
                        for term in rng.sample(vocabulary[VocabularyKind.NON_IDEAL_AREA], rng.randint(1, 3))
                    )
                if consensus and ideal is not None:
                    themes.extend(
                        (case_id, term) for term in rng.sample(vocabulary[VocabularyKind.THEME], rng.randint(0, 3))
                    )

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        _copy(
            cursor,
            Workshop,
            ["id", "organisation_id", "title", "date", "focus", "status", "join_code", "created_at"],
            workshops,
        )
        _copy(cursor, BreakoutRoom, ["id", "workshop_id", "name"], rooms)
        _copy(cursor, RoomDiscipline, ["id", "room_id", "discipline", "count"], disciplines)
        _copy(
            cursor,
            Case,
            [
                "id",
                "organisation_id",
                "reference",
                "phase_id",
                "year_group",
                "primary_need_id",
                "support_level_id",
                "current_provision_id",
                "created_at",
                "updated_at",
            ],
            cases,
        )
        _copy(cursor, CaseAllocation, ["id", "workshop_id", "case_id", "room_id", "position"], allocations)
        _copy(
            cursor,
            CaseReview,
            [
                "id",
                "allocation_id",
                "consensus_reached",
                "ideal_outcome",
                "better_provision_id",
                "notes",
                "provision_at_review_id",
                "phase_at_review_id",
                "primary_need_at_review_id",
                "support_level_at_review_id",
                "reviewed_at",
                "version",
                "updated_at",
            ],
            review_rows,
        )
        _copy(cursor, CaseReview.non_ideal_areas.through._meta.db_table, ["casereview_id", "vocabularyterm_id"], areas)
        _copy(cursor, CaseReview.themes.through._meta.db_table, ["casereview_id", "vocabularyterm_id"], themes)
        for model in (Workshop, BreakoutRoom, RoomDiscipline, Case, CaseAllocation, CaseReview):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return organisations
