""".ci/run's failure path: a service that cannot come up within its wait stops the run at once,
non-zero, with the service's log, before any test runs (CI can never pass on a missing service,
nor hang on one)."""

import socket

from tests.ops.conftest import ci_run, fake


def a_taken_port() -> socket.socket:
    """A port something already listens on (close the socket to free it)."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def test_redis_that_cannot_start_fails_the_run_with_its_log(tmp_path, smoke_can_run):
    with a_taken_port() as taken:  # the run's Redis is told to use a port that is already taken
        port = taken.getsockname()[1]
        result = ci_run(tmp_path, CI_WAIT_SECONDS="20", CI_REDIS_PORT=str(port))
    assert result.returncode != 0
    assert f"CI: FAILED: Redis on port {port} stopped while starting." in result.stdout
    assert "Address already in use" in result.stdout  # the log, shown
    assert "passed" not in result.stdout and "database casereview_ci_" not in result.stdout


def test_postgresql_that_cannot_start_fails_the_run_with_its_log(tmp_path, smoke_can_run):
    with a_taken_port() as taken:  # the run's own PostgreSQL is told to use a port that is already taken
        port = taken.getsockname()[1]
        result = ci_run(tmp_path, CI_WAIT_SECONDS="20", CI_PG_PORT=str(port))
    assert result.returncode != 0
    assert f"on port {port} stopped while starting." in result.stdout
    assert "CI: FAILED: PostgreSQL" in result.stdout
    assert "could not bind IPv4 address" in result.stdout  # the server's log, shown
    assert "passed" not in result.stdout and "database casereview_ci_" not in result.stdout


def test_postgresql_that_never_answers_fails_the_run_within_its_wait_with_its_log(tmp_path, smoke_can_run):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake(tools, "pg_isready", "exit 2")  # the run's PostgreSQL never says it accepts connections

    result = ci_run(tmp_path, tools, CI_WAIT_SECONDS="2")
    assert result.returncode != 0
    assert "did not come up within 2 s." in result.stdout
    assert "postgresql.log -----" in result.stdout  # its log, shown
    assert "passed" not in result.stdout and "database casereview_ci_" not in result.stdout
