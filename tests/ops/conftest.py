"""For the tests of the production shape: what bin/compose-smoke needs from this machine."""

import os
import shutil
import signal
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


def ci_run(folder: Path, path_first: Path | None = None, **environment) -> subprocess.CompletedProcess:
    """.ci/run with ``environment`` (and ``path_first`` ahead of PATH), run from ``folder``, its whole
    output in ``stdout``. Apart from any terminal, so nothing can ever wait for a typed password."""
    variables = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    if path_first:
        variables["PATH"] = f"{path_first}:{variables['PATH']}"
    process = subprocess.Popen(
        ["bash", str(PROJECT / ".ci" / "run")],
        env=variables | {"CI": "true", **environment},
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # The run and everything it started (its servers, bin/test), not the shell alone.
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f".ci/run took more than 120 s:\n{output}")
    return subprocess.CompletedProcess(process.args, process.returncode, output)


def fake(folder: Path, name: str, script: str) -> None:
    """A program ``name`` in ``folder`` that runs the shell ``script``."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
