"""docs/operations.md's backup and restore, run as written: pg_dump in the custom format, then
pg_restore into a new, empty database. The copy must hold every review, audit row and poll answer
(every column of every row), and every other table's rows too; after the rename (the restored
database takes the live one's name, the live one is kept as ..._before_restore) the app's
database name holds them."""

import os
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from casereview.models import VocabularyTerm
from workshops.models import CaseReview, Poll, PollResponse, ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save

pytestmark = pytest.mark.django_db(transaction=True)

# The commands of docs/operations.md ("Back up" and "Restore"); keep the two in step.
BACKUP = ["pg_dump", "--format=custom"]
RESTORE = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
SWAP = [  # step 4, with casereview as {live}
    "ALTER DATABASE {live} RENAME TO {live}_before_restore",
    "ALTER DATABASE {live}_restored RENAME TO {live}",
]


def client_environment() -> dict[str, str]:
    """The test database's address for PostgreSQL's own tools."""
    database = connection.settings_dict
    return os.environ | {
        "PGHOST": database["HOST"] or "127.0.0.1",
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"] or "postgres",
        "PGPASSWORD": database["PASSWORD"] or "",
    }


def run(command: list[str]) -> None:
    done = subprocess.run(command, env=client_environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr}"


def rows(cursor, table: str) -> list[str]:
    """Every row, every column, as PostgreSQL's canonical JSON (the same whichever driver reads it)."""
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(f'SELECT to_jsonb(t)::text AS row FROM "{table}" t ORDER BY row')
    return [row for (row,) in cursor.fetchall()]


def tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


@pytest.fixture
def live_database(postgresql):
    """The name of a database standing in for the live one (casereview in the guide): the test
    makes it, its _restored and its _before_restore, and all three are dropped after it."""
    name = f"casereview_{uuid.uuid4().hex[:8]}"
    yield name
    for database in (name, f"{name}_restored", f"{name}_before_restore"):
        subprocess.run(
            ["dropdb", "--if-exists", "--force", database], env=client_environment(), capture_output=True, timeout=120
        )


@pytest.fixture
def a_workshops_reviews(organisation, facilitator, workshop, allocations):
    """Reviews of a workshop saved as the console saves them (each with its audit row), one of
    them changed afterwards, and answers to one of its polls."""
    themes = list(VocabularyTerm.objects.filter(organisation=organisation, kind="theme")[:2])
    provision = VocabularyTerm.objects.get(organisation=organisation, kind="provision", code="MAINSTREAM")
    areas = list(VocabularyTerm.objects.filter(organisation=organisation, kind="non_ideal_area")[:1])
    review_save(
        allocation=allocations[0], answer=ReviewAnswer(True, True, themes=themes), by=facilitator, expected_version=0
    )
    review_save(
        allocation=allocations[1],
        answer=ReviewAnswer(True, False, areas, provision, themes[:1], "Needs a plan"),
        by=facilitator,
        expected_version=0,
    )
    review_save(
        allocation=allocations[1],
        answer=ReviewAnswer(True, True, themes=themes[1:]),
        by=facilitator,
        expected_version=1,
    )
    review_save(
        allocation=allocations[2], answer=ReviewAnswer(False, notes="Split room"), by=facilitator, expected_version=0
    )
    poll = Poll.objects.create(workshop=workshop, question="One word for today", kind=Poll.Kind.WORDS, is_open=True)
    PollResponse.objects.bulk_create(
        PollResponse(
            poll=poll, round=1, phone=f"phone{n}", slot=1, text=word, normalised=word, created_at=timezone.now()
        )
        for n, word in enumerate(["belonging", "hopeful", "clearer"])
    )


def test_a_restored_backup_holds_every_review_audit_row_and_poll_answer(tmp_path, live_database, a_workshops_reviews):
    call_command("demo", force=True, verbosity=0)
    kept = {model: model._meta.db_table for model in (CaseReview, ReviewAudit, PollResponse)}
    for model in kept:
        assert model.objects.count() > 3, f"nothing to prove with {model.__name__}"
    dump = tmp_path / "casereview.dump"

    restored_database = f"{live_database}_restored"
    run(["createdb", live_database])  # what the app ran on until the restore, to be kept as it is
    run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", live_database, "-c", "CREATE TABLE the_old_one ()"])

    run([*BACKUP, f"--file={dump}", f"--dbname={connection.settings_dict['NAME']}"])
    run(["createdb", restored_database])
    run([*RESTORE, f"--dbname={restored_database}", str(dump)])
    check_copy(restored_database, kept)

    swap = [part for statement in SWAP for part in ("-c", statement.format(live=live_database))]
    run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", "postgres", *swap])
    check_copy(live_database, kept)  # the app's database name now holds the restored rows
    with connect(f"{live_database}_before_restore") as before, before.cursor() as cursor:
        assert tables(cursor) == ["the_old_one"], "the database the app ran on is kept as it was"


def connect(database: str) -> psycopg.Connection:
    environment = client_environment()
    return psycopg.connect(
        host=environment["PGHOST"],
        port=environment["PGPORT"],
        user=environment["PGUSER"],
        password=environment["PGPASSWORD"],
        dbname=database,
    )


def check_copy(database: str, kept: dict) -> None:
    """Every row of every table of ``database`` is the test database's."""
    with connection.cursor() as source, connect(database) as copy:
        with copy.cursor() as restored:
            for model, table in kept.items():
                assert rows(restored, table) == rows(source, table), f"{model.__name__} rows differ after the restore"
            assert tables(restored) == tables(source)
            for table in tables(source):
                assert rows(restored, table) == rows(source, table), f"{table} differs after the restore"
            # The restored sequences carry on after the highest id: a new review gets a new id.
            restored.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [kept[CaseReview]])
            assert restored.fetchone()[0] > CaseReview.objects.order_by("-pk").first().pk
