"""Shared fixtures: an LA with one person per role, and an outsider from another LA.

Tests that need PostgreSQL or Redis skip when those are not configured, except with
--require-services (CI), where a missing service fails the run instead: CI can never pass
by skipping.
"""

import os
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

from casereview import services
from casereview.models import Role

# In CI the generated examples are the same every run (a run that lands is a run that can be
# repeated); on a developer's machine they differ each time, to go on finding new ones.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption(
        "--require-services",
        action="store_true",
        help="Fail, rather than skip, when PostgreSQL (DATABASE_URL) or Redis (REDIS_URL) is not available.",
    )


def _require_services(config) -> bool:
    return config.getoption("--require-services")


@pytest.fixture(scope="session", autouse=True)
def _database_is_postgresql_when_required(request, django_db_setup, django_db_blocker):
    if _require_services(request.config) and connection.vendor != "postgresql":
        pytest.fail(f"--require-services: DATABASE_URL must point at PostgreSQL, not {connection.vendor}.")


@pytest.fixture(autouse=True)
def cache_of_its_own(settings):
    """Each test gets its own cache keys: nothing carries over between tests or test runs, even
    on a shared Redis. Worker tests hand the same prefix to their worker (CACHE_KEY_PREFIX)."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    return prefix


@pytest.fixture(autouse=True)
def process_memories_of_its_own(monkeypatch):
    """Each test starts with empty per-process memories (what a web process keeps between requests:
    the versions read, the polls answered, the shared cards, the open codes, the addresses under the
    join-miss limit, the refreshes queued). On SQLite ids
    repeat from test to test, so one test's memory of organisation 1 or poll 1 would otherwise
    answer for the next test's."""
    from analytics import snapshots
    from workshops.polls import follow, versions
    from workshops.polls import limits as poll_limits

    for module, name in (
        (snapshots, "_queued_here"),
        (snapshots, "_noted_here"),
        (snapshots, "_read_here"),
        (versions, "_read_versions"),
        (versions, "_answered_polls"),
        (follow, "_shared_cards"),
        (follow, "_open_codes"),
        (poll_limits, "_under_join_miss_limit"),
        (poll_limits, "_last_over"),
    ):
        monkeypatch.setattr(module, name, {})


@pytest.fixture
def postgresql(request):
    """For tests whose point needs PostgreSQL's concurrency (SQLite serialises every write)."""
    if connection.vendor != "postgresql":
        if _require_services(request.config):
            pytest.fail("--require-services: DATABASE_URL must point at PostgreSQL.")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url(request):
    """The Redis URL the app is configured with, once it answers a PING."""
    problem = None
    if not settings.REDIS_URL:
        problem = "REDIS_URL is not set"
    else:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            problem = f"Redis at {settings.REDIS_URL} does not answer: {error}"
    if problem:
        if _require_services(request.config):
            pytest.fail(f"--require-services: {problem}.")
        pytest.skip(problem)
    return settings.REDIS_URL


@pytest.fixture
def own_postgres(postgresql):
    """A PostgreSQL of this test's own, which the test may stop (tests/live.py). Its folder is outside
    pytest's private temporary folders, which the postgres user may not enter."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from tests.live import OwnPostgres

    directory = Path(tempfile.mkdtemp(prefix="casereview-postgres-"))
    database = OwnPostgres(directory)
    try:
        database.create()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"Could not start a PostgreSQL of the test's own: {getattr(error, 'stderr', error)}")
    yield database
    database.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def organisation(db):
    return services.organisation_create(slug="northshire", name="Northshire County Council")


@pytest.fixture
def other_organisation(db):
    return services.organisation_create(slug="southvale", name="Southvale Borough Council")


def _member(organisation, email, role):
    membership, _ = services.membership_add(organisation=organisation, email=email, role=role)
    return membership.user


@pytest.fixture
def lead(organisation):
    return _member(organisation, "lead@northshire.test", Role.LEAD)


@pytest.fixture
def facilitator(organisation):
    return _member(organisation, "facilitator@northshire.test", Role.FACILITATOR)


@pytest.fixture
def viewer(organisation):
    return _member(organisation, "viewer@northshire.test", Role.VIEWER)


@pytest.fixture
def outsider(other_organisation):
    """A lead, but of another LA: the strongest role, in the wrong place."""
    return _member(other_organisation, "lead@southvale.test", Role.LEAD)


@pytest.fixture
def client_for(client):
    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


# The workshop day's fixtures (workshop, rooms, cases, polls...), for the tests of every app.
from tests.fixtures import *  # noqa: E402, F403
