"""One formatter and one linter for the whole tree: ruff, configured in pyproject.toml. CI runs it
through this test (part of the suite .ci/run runs), so unformatted code fails the run."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"
CONFIG = PROJECT / "pyproject.toml"


def ruff(*arguments: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RUFF), *arguments, "--config", str(CONFIG), "."], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_every_file_is_formatted_as_ruff_formats_it():
    result = ruff("format", "--check")
    assert result.returncode == 0, "Run `.venv/bin/ruff format .`:\n" + result.stdout + result.stderr


def test_the_linter_finds_nothing():
    result = ruff("check")
    assert result.returncode == 0, "Run `.venv/bin/ruff check .`:\n" + result.stdout + result.stderr


def test_an_unformatted_file_fails_the_check(tmp_path):
    (tmp_path / "badly_formatted.py").write_text("x = {  'a':1 }\n")
    assert ruff("format", "--check", cwd=tmp_path).returncode == 1
    (tmp_path / "badly_formatted.py").write_text('x = {"a": 1}\n')
    assert ruff("format", "--check", cwd=tmp_path).returncode == 0
