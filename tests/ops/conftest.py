"""For the tests of the production shape: what bin/compose-smoke needs from this machine."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def run_smoke(*arguments: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """bin/compose-smoke with ``arguments``, its whole output in ``stdout``. Past ``timeout`` it is
    asked to stop (SIGTERM), so it stops its servers and removes its user, before the test fails."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ops.compose_smoke", *arguments],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        output, _ = process.communicate(timeout=120)
        pytest.fail(f"bin/compose-smoke took more than {timeout} s:\n{output}")
    return subprocess.CompletedProcess(process.args, process.returncode, output)


@pytest.fixture
def smoke_can_run(request):
    """The compose smoke test reproduces the postgres and redis images with this machine's
    PostgreSQL and Redis programs: without them it is skipped, or fails with --require-services."""
    missing = [
        program for program in ("pg_config", "pg_isready", "redis-server", "redis-cli") if not shutil.which(program)
    ]
    if missing:
        message = f"the compose smoke test needs {', '.join(missing)} (apt-get install postgresql redis-server)"
        if request.config.getoption("--require-services"):
            pytest.fail(f"--require-services: {message}.")
        pytest.skip(message)
