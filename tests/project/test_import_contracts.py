"""The apps depend one way (casereview <- workshops <- analytics <- improvement), and the feature folders are
reached only through their services and selectors: import-linter checks it (.importlinter)."""

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ["casereview", "workshops", "analytics", "improvement"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / ".importlinter"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            PROJECT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("templates", "static", "__pycache__", "migrations"),
        )
    shutil.copy(PROJECT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}  # added by the test\n")


def test_the_apps_keep_their_import_contracts():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_against_the_layers_breaks_the_contract(tmp_path):
    root = copy_of_the_project(tmp_path)
    assert lint_imports(root).returncode == 0
    add_import(root / "casereview" / "selectors.py", "from workshops.selectors import workshops_for")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "casereview <- workshops <- analytics <- improvement BROKEN" in " ".join(result.stdout.split())


def test_reaching_into_the_polls_folder_breaks_the_contract(tmp_path):
    root = copy_of_the_project(tmp_path)
    add_import(root / "analytics" / "reports.py", "from workshops.polls.text import normalise_phrase")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "reaches into it except through its services and selectors BROKEN" in " ".join(result.stdout.split())
