""".ci/run on a machine whose PostgreSQL asks for a password: a fresh Debian cluster has
scram-sha-256 for connections over TCP and no password for postgres, so `createdb -h 127.0.0.1
-U postgres` there fails with "fe_sendauth: no password supplied". CI must not depend on how the
machine's cluster authenticates: the run brings up a PostgreSQL of its own, and the database the
tests would get is reachable with the DATABASE_URL they would get (CI_ONLY_SERVICES=1 stops the run
there, before the tests)."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.live import OwnPostgres
from tests.ops.conftest import ci_run, fake


class PasswordOnlyPostgres(OwnPostgres):
    """A cluster authenticating as a fresh Debian one does: peer over its socket, scram-sha-256
    over TCP, and no password set for postgres."""

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._as_postgres(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth-local=peer",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()


@pytest.fixture
def password_only_postgres(smoke_can_run):
    # Outside pytest's private temporary folders, which the postgres user may not enter.
    directory = Path(tempfile.mkdtemp(prefix="casereview-password-only-"))
    cluster = PasswordOnlyPostgres(directory)
    try:
        cluster.create()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"Could not start a password-only PostgreSQL: {getattr(error, 'stderr', error)}")
    yield cluster
    cluster.stop()
    shutil.rmtree(directory, ignore_errors=True)


def connect_without_password(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-w", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )


def test_ci_runs_where_the_machines_postgresql_wants_a_password(tmp_path, password_only_postgres):
    port = password_only_postgres.port
    refused = connect_without_password(port)
    assert refused.returncode != 0 and "no password supplied" in refused.stderr, "the cluster must want a password"

    # It is all this machine seems to have: the only cluster pg_lsclusters lists, and the
    # PostgreSQL the libpq variables point at.
    tools = tmp_path / "bin"
    tools.mkdir()
    fake(
        tools,
        "pg_lsclusters",
        f'echo "{password_only_postgres.bin.parent.name} main {port} online postgres '
        f'{password_only_postgres.data} {password_only_postgres.directory / "server.log"}"',
    )
    result = ci_run(tmp_path, tools, CI_ONLY_SERVICES="1", PGHOST="127.0.0.1", PGPORT=str(port), PGUSER="postgres")

    assert result.returncode == 0, result.stdout
    assert "FAILED" not in result.stdout and "fe_sendauth" not in result.stdout
    found = re.search(r"DATABASE_URL=postgres://postgres@127\.0\.0\.1:(\d+)/(casereview_ci_\w+)", result.stdout)
    assert found, result.stdout
    run_port, database = int(found.group(1)), found.group(2)
    assert run_port != port  # the run's own PostgreSQL, not the machine's
    assert f"database {database} (tests: test_{database}) on the run's PostgreSQL" in result.stdout
    assert "services only (CI_ONLY_SERVICES=1)" in result.stdout and "passed" not in result.stdout
    # The run's PostgreSQL is gone with the run; the machine's is as it was.
    stopped = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(run_port)], timeout=30)
    assert stopped.returncode != 0
    assert "no password supplied" in connect_without_password(port).stderr
