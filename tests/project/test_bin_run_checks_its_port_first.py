"""bin/run takes --port (or PORT), and refuses a busy or malformed port before installing,
migrating or loading anything, saying what to do instead."""

import os
import socket
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def bin_run(*args, **variables):
    environment = {**os.environ, **variables}
    return subprocess.run(
        [str(PROJECT / "bin" / "run"), *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_busy_port_is_refused_before_anything_else():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = bin_run("--port", str(port))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"bin/run --port {port + 1}" in result.stderr
    assert "Installing" not in result.stdout and "migrat" not in result.stdout.lower()


def test_the_port_variable_is_read_too():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = bin_run(PORT=str(port))
    assert result.returncode == 1 and f"port {port}" in result.stderr


def test_a_port_that_is_not_a_number_is_refused():
    result = bin_run("--port", "eighty")
    assert result.returncode == 2
    assert "must be a number from 1 to 65535, not 'eighty'" in result.stderr
    assert bin_run("--colour").returncode == 2
