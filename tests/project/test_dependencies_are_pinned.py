"""Every package that ends up installed is pinned: requirements.txt and requirements-dev.txt are
compiled by pip-tools from requirements.in and requirements-dev.in (what we chose, and why)."""

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")
CHOSEN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(filename: str) -> dict[str, str]:
    lines = (PROJECT / filename).read_text().splitlines()
    return {normalised(m[1]): m[2] for line in lines if (m := PIN.match(line.strip()))}


def chosen(filename: str) -> set[str]:
    lines = (PROJECT / filename).read_text().splitlines()
    return {normalised(m[1]) for line in lines if (m := CHOSEN.match(line.strip()))}


def test_every_chosen_package_is_pinned():
    assert chosen("requirements.in") - pins("requirements.txt").keys() == set(), "run pip-compile (see requirements.in)"
    assert chosen("requirements-dev.in") - pins("requirements-dev.txt").keys() == set(), (
        "run pip-compile (see requirements-dev.in)"
    )


def test_the_test_pins_keep_the_runtime_pins():
    runtime, development = pins("requirements.txt"), pins("requirements-dev.txt")
    differing = {
        name: (version, development.get(name)) for name, version in runtime.items() if development.get(name) != version
    }
    assert differing == {}


@pytest.mark.skipif(
    sys.prefix == sys.base_prefix, reason="runs in the project's virtual environment (bin/test makes it)"
)
def test_every_installed_package_is_pinned():
    pinned = pins("requirements-dev.txt")
    installed = {normalised(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    unpinned = sorted(name for name in installed if name not in pinned)
    other_version = {
        name: (version, pinned[name])
        for name, version in installed.items()
        if name in pinned and pinned[name] != version
    }
    assert unpinned == [], "installed but not pinned: add it to requirements*.in and run pip-compile"
    assert other_version == {}, "installed at another version than pinned (installed, pinned)"
