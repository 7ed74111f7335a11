""".ci/run's failure path: a service that cannot come up within its wait stops the run at once,
non-zero, with the service's log, before any test runs (CI can never pass on a missing service,
nor hang on one)."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.ops.conftest import PROJECT


def ci_run(tmp_path: Path, path_first: Path | None = None, **environment) -> subprocess.CompletedProcess:
    variables = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    if path_first:
        variables["PATH"] = f"{path_first}:{variables['PATH']}"
    return subprocess.run(
        ["bash", str(PROJECT / ".ci" / "run")],
        env=variables | {"CI": "true", **environment},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def fake(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def test_redis_that_cannot_start_fails_the_run_with_its_log(tmp_path, smoke_can_run, postgresql):
    if not shutil.which("pg_lsclusters"):
        pytest.skip("needs Debian's PostgreSQL cluster tools (pg_lsclusters)")
    with socket.socket() as taken:  # the run's Redis is told to use a port that is already taken
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = ci_run(tmp_path, CI_WAIT_SECONDS="20", CI_REDIS_PORT=str(port))
    assert result.returncode != 0
    assert f"CI: FAILED: Redis on port {port} stopped while starting." in result.stdout
    assert "Address already in use" in result.stdout  # the log, shown
    assert "passed" not in result.stdout and "database casereview_ci_" not in result.stdout


def test_postgresql_that_never_answers_fails_the_run_within_its_wait_with_its_log(tmp_path):
    # A machine whose only cluster (not named main, not on 5432) is down and never answers.
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "postgresql.log"
    log.write_text("FATAL:  could not open the data directory (the cluster's own words)\n")
    fake(tools, "pg_lsclusters", f'echo "16 reports 5999 down postgres /var/lib/postgresql/16/reports {log}"')
    fake(tools, "pg_ctlcluster", "exit 0")
    fake(tools, "pg_isready", "exit 2")

    result = ci_run(tmp_path, tools, CI_WAIT_SECONDS="2")
    assert result.returncode != 0
    assert "CI: PostgreSQL 16/reports is down; starting it" in result.stdout
    assert "CI: FAILED: PostgreSQL 16/reports on port 5999 did not come up within 2 s." in result.stdout
    assert "could not open the data directory (the cluster's own words)" in result.stdout
    assert "passed" not in result.stdout
