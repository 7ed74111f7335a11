"""The side-by-side mode of the workshop-day benchmark (bench/compare.py, bin/bench --only day
--compare REV): the order of the steps, the ratio table, the worktree of the baseline and the
refusal to measure it with other packages. The full day itself is run by hand (docs/benchmarks.md)."""

import subprocess
from pathlib import Path

import pytest

from bench import compare
from bench.cpu import one_stack
from bench.day import KINDS


def test_the_sides_alternate_which_goes_first_at_each_step():
    assert compare.step_order(4) == [
        (0, "old"),
        (0, "new"),
        (1, "new"),
        (1, "old"),
        (2, "old"),
        (2, "new"),
        (3, "new"),
        (3, "old"),
    ]
    assert compare.step_order(1) == [(0, "old"), (0, "new")]
    assert compare.step_order(0) == []


def _step(workshops, cpu, p95=20.0, p99=40.0, holds=True, kinds=KINDS[:2]):
    return {
        "workshops": workshops,
        "holds": holds,
        "problems": [] if holds else ["Follow check (phone): p95 400 ms"],
        "cpu_percent": cpu,
        "kinds": [{"name": kind, "p95_ms": p95, "p99_ms": p99} for kind in kinds],
    }


def _row(rows, workshops, measure):
    (found,) = [row for row in rows if row["workshops"] == workshops and row["measure"] == measure]
    return found


def test_the_ratios_are_new_over_old_per_workshop_and_by_kind_of_process():
    old = {
        0: _step(1, {"gunicorn": 8.0, "celery": 2.0, "postgres": 1.0, "redis": 0.5, "load generator": 3.0}),
        1: _step(5, {"gunicorn": 40.0, "celery": 10.0, "postgres": 5.0, "redis": 2.0}, p95=100.0, p99=200.0),
    }
    new = {
        0: _step(1, {"gunicorn": 4.0, "celery": 2.0, "postgres": 2.0, "redis": 0.5}),
        1: _step(5, {"gunicorn": 20.0, "celery": 5.0, "postgres": 5.0, "redis": 1.0}, p95=50.0, p99=300.0),
    }
    rows = compare.ratio_rows([1, 5], old, new)

    gunicorn = _row(rows, 5, "CPU per workshop, % of a core: gunicorn")
    assert (gunicorn["old"], gunicorn["new"], gunicorn["ratio"]) == (8.0, 4.0, 0.5)  # 40% over 5 workshops: 8%
    assert _row(rows, 1, "CPU per workshop, % of a core: PostgreSQL")["ratio"] == 2.0
    together = _row(rows, 5, "CPU per workshop, % of a core: the four together")
    assert together["old"] == pytest.approx(57.0 / 5) and together["new"] == pytest.approx(31.0 / 5)
    assert together["ratio"] == pytest.approx(31.0 / 57.0)
    # The load generator is no server process: not among the ratios.
    assert not [row for row in rows if "load generator" in row["measure"]]

    assert _row(rows, 5, f"{KINDS[0]}: p95 ms")["ratio"] == 0.5
    assert _row(rows, 5, f"{KINDS[1]}: p99 ms")["ratio"] == 1.5
    assert _row(rows, 1, "holds") == {"workshops": 1, "measure": "holds", "old": "yes", "new": "yes", "ratio": None}
    # Only the kinds that had requests in the step.
    assert not [row for row in rows if row["measure"].startswith(KINDS[2])]


def test_a_zero_or_absent_old_value_is_shown_as_a_dash_never_a_division_error():
    old = {0: _step(1, {"gunicorn": 8.0, "celery": 0.0}, p95=float("nan"))}  # no Redis process seen, p95 of nothing
    new = {
        0: _step(1, {"gunicorn": 8.0, "celery": 1.0, "redis": 0.5}),
        1: _step(5, {"gunicorn": 30.0}, holds=False),  # the old side never ran this step
    }
    rows = compare.ratio_rows([1, 5], old, new)

    assert _row(rows, 1, "CPU per workshop, % of a core: Celery worker")["ratio"] is None  # old 0
    assert _row(rows, 1, "CPU per workshop, % of a core: Redis")["ratio"] is None  # old absent
    assert _row(rows, 1, f"{KINDS[0]}: p95 ms")["ratio"] is None  # old NaN
    assert _row(rows, 5, "CPU per workshop, % of a core: gunicorn")["old"] is None
    assert _row(rows, 5, "holds")["old"] == "not run" and _row(rows, 5, "holds")["new"] == "no"

    lines = compare.table(rows)
    assert "| 1 | CPU per workshop, % of a core: Celery worker | 0.00 | 1.00 | — |" in lines
    assert "| 1 | CPU per workshop, % of a core: Redis | — | 0.50 | — |" in lines
    assert f"| 1 | {KINDS[0]}: p95 ms | — | 20.0 | — |" in lines
    assert "| 5 | CPU per workshop, % of a core: gunicorn | — | 6.00 | — |" in lines
    assert "| 5 | holds | not run | no |  |" in lines
    assert "| 1 | CPU per workshop, % of a core: gunicorn | 8.00 | 8.00 | 1.00 |" in lines

    assert compare.ratio(None, None) is None and compare.ratio(1.0, 0) is None and compare.ratio(0, 2.0) == 0.0


def test_a_step_that_ended_in_an_error_counts_as_not_held_and_the_capacity_keeps_the_existing_rule():
    steps = [
        _step(1, {"gunicorn": 1.0}),
        _step(5, {"gunicorn": 1.0}),
        {"workshops": 10, "holds": False, "error": "SystemExit: gunicorn did not answer"},
    ]
    assert compare.side_capacity(steps) == 5
    assert compare.side_capacity([_step(1, {}, holds=False), _step(5, {})]) == 0
    assert compare.side_capacity([]) == 0
    rows = compare.ratio_rows([10], {0: steps[2]}, {0: _step(10, {"gunicorn": 50.0})})
    assert _row(rows, 10, "holds")["old"] == "error"
    assert _row(rows, 10, "CPU per workshop, % of a core: gunicorn")["ratio"] is None


def test_the_results_file_holds_plain_json_without_nan():
    assert compare.finite({"a": [1.0, float("nan")], "b": {"c": float("nan")}, "d": "x"}) == {
        "a": [1.0, None],
        "b": {"c": None},
        "d": "x",
    }


def test_each_side_has_its_own_database_and_redis_database():
    class Options:
        database_url = "postgres://postgres@127.0.0.1:5432/casereview_bench?sslmode=disable"
        redis_url = "redis://127.0.0.1:6379/2"
        workers, facilitators, phones, seconds, step_seconds = 5, 10, 50, 10.0, 60.0

    old, new = (compare.side_config(name, Options, [1, 5]) for name in ("old", "new"))
    assert old["database_url"] == "postgres://postgres@127.0.0.1:5432/bench_cmp_old?sslmode=disable"
    assert new["database_url"] == "postgres://postgres@127.0.0.1:5432/bench_cmp_new?sslmode=disable"
    assert (old["redis_url"], new["redis_url"]) == ("redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/11")
    assert old["steps"] == new["steps"] == [1, 5]


def test_only_one_stacks_servers_and_its_own_databases_backends_count():
    keep = one_stack({100, 200}, "bench_cmp_old")
    assert keep("gunicorn", "/venv/bin/python /venv/bin/gunicorn -c python:casereview.gunicorn_config", 100)
    assert not keep("gunicorn", "/venv/bin/python /venv/bin/gunicorn -c python:casereview.gunicorn_config", 300)
    assert keep("celery", "/venv/bin/python /venv/bin/celery -A casereview worker", 200)
    assert not keep("gunicorn", "python -m pytest tests/test_gunicorn_runs_as_production.py", 7)
    assert keep("postgres", "postgres: 15/main: postgres bench_cmp_old 127.0.0.1(41234) idle", 5)
    assert keep("postgres", "postgres: postgres bench_cmp_old [local] idle", 5)
    assert not keep("postgres", "postgres: 15/main: postgres bench_cmp_new 127.0.0.1(41235) idle", 5)
    assert not keep("postgres", "postgres: 15/main: postgres test_casereview 127.0.0.1(41236) SELECT", 5)
    assert keep("postgres", "postgres: 15/main: walwriter ", 5)
    assert keep("postgres", "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", 5)
    assert not keep("postgres", "/venv/bin/python -m bench --database-url postgres://postgres@host/x", 5)
    assert keep("redis", "redis-server 127.0.0.1:6379", 5)
    assert not keep("redis", "/venv/bin/python -m bench --redis-url redis://127.0.0.1:6379/2", 5)


# --- The baseline's worktree, in a small git repository of its own ------------------------------


def _git(repository: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repository), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def repository(tmp_path):
    repository = tmp_path / "repository"
    repository.mkdir()
    _git(repository, "init", "-q")
    _git(repository, "config", "user.email", "bench@example.test")
    _git(repository, "config", "user.name", "Bench")
    (repository / "requirements.txt").write_text("django==5.2\n")
    (repository / "app.py").write_text("VERSION = 1\n")
    (repository / ".gitignore").write_text("/ignored/\n")
    _git(repository, "add", ".")
    _git(repository, "commit", "-q", "-m", "first")
    return repository


def _worktrees(repository: Path) -> list[str]:
    listed = _git(repository, "worktree", "list", "--porcelain").splitlines()
    return [line.removeprefix("worktree ") for line in listed if line.startswith("worktree ")]


def test_the_worktree_of_the_baseline_is_made_detached_and_removed_afterwards(repository, tmp_path):
    first = _git(repository, "rev-parse", "HEAD")
    (repository / "app.py").write_text("VERSION = 2\n")
    _git(repository, "commit", "-q", "-am", "second")
    assert compare.resolve(repository, "HEAD~1") == first

    directory = tmp_path / "scratch" / "old"
    with compare.worktree(repository, first, directory) as tree:
        assert (tree / "app.py").read_text() == "VERSION = 1\n"
        assert str(directory) in _worktrees(repository)
        assert _git(tree, "rev-parse", "HEAD") == first
        assert subprocess.run(["git", "-C", str(tree), "symbolic-ref", "-q", "HEAD"]).returncode != 0  # detached
        (tree / "bench.log").write_text("an untracked file left behind by a run\n")
    assert not directory.exists()
    assert str(directory) not in _worktrees(repository)
    assert (repository / "app.py").read_text() == "VERSION = 2\n"  # the main checkout untouched


def test_the_worktree_is_removed_on_an_error_too(repository, tmp_path):
    directory = tmp_path / "scratch" / "old"
    with pytest.raises(RuntimeError, match="a step went wrong"):
        with compare.worktree(repository, compare.resolve(repository, "HEAD"), directory):
            assert directory.exists()
            raise RuntimeError("a step went wrong")
    assert not directory.exists()
    assert _worktrees(repository) == [str(repository)]


def test_an_unknown_revision_is_refused_before_anything_is_made(repository):
    with pytest.raises(SystemExit, match="no such commit"):
        compare.resolve(repository, "no-such-branch")


def test_the_working_tree_is_copied_with_its_changes_and_new_files_but_not_what_git_ignores(repository, tmp_path):
    (repository / "app.py").write_text("VERSION = 3  # not committed\n")
    (repository / "new_module.py").write_text("NEW = True\n")
    (repository / "ignored").mkdir()
    (repository / "ignored" / "big.bin").write_text("x")
    into = tmp_path / "new"
    assert compare.snapshot(repository, into) == 4  # .gitignore, app.py, requirements.txt, new_module.py
    assert (into / "app.py").read_text() == "VERSION = 3  # not committed\n"
    assert (into / "new_module.py").exists()
    assert not (into / "ignored").exists()


def test_the_comparison_is_refused_when_the_requirements_differ(repository, tmp_path):
    sha = compare.resolve(repository, "HEAD")
    with compare.worktree(repository, sha, tmp_path / "old") as old_tree:
        new_tree = tmp_path / "new"
        compare.snapshot(repository, new_tree)
        compare.refuse_if_requirements_differ(old_tree, new_tree, "HEAD")  # the same: no refusal

        (new_tree / "requirements.txt").write_text("django==5.2\nredis==5.0.0\n")
        with pytest.raises(SystemExit) as refused:
            compare.refuse_if_requirements_differ(old_tree, new_tree, "HEAD")
        message = str(refused.value)
        assert "Not compared: HEAD's requirements.txt differs from the working tree's" in message
        assert "+redis==5.0.0" in message

        (new_tree / "requirements.txt").unlink()
        with pytest.raises(SystemExit, match="differs"):
            compare.refuse_if_requirements_differ(old_tree, new_tree, "HEAD")
    assert _worktrees(repository) == [str(repository)]


def test_the_baseline_is_driven_by_the_working_trees_bench(tmp_path):
    bench = tmp_path / "new" / "bench"
    (bench / "results").mkdir(parents=True)
    (bench / "day.py").write_text("MODEL = 'new'\n")
    (bench / "results" / "latest.json").write_text("{}")
    old = tmp_path / "old"
    (old / "bench").mkdir(parents=True)
    (old / "bench" / "day.py").write_text("MODEL = 'old'\n")
    (old / "bench" / "gone.py").write_text("")
    compare.install_instrument(bench, old)
    assert (old / "bench" / "day.py").read_text() == "MODEL = 'new'\n"
    assert not (old / "bench" / "gone.py").exists()
    assert not (old / "bench" / "results").exists()
