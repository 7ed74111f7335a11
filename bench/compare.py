"""bin/bench --only day --compare REV: the workshop day's steps side by side, on a git worktree of
REV (old, the baseline) and on the working tree (new), alternating step by step on this machine in
one run, and the ratios new/old (docs/benchmarks.md, "Side by side: --compare REV").

Each side is a process of its own (bench/side.py) started in its own tree with this venv's python:
its own database (bench_cmp_old, bench_cmp_new: dropped, created and migrated by that tree's
migrations, then set up as a normal day run sets up its database), its own Redis database (10, 11),
and its own gunicorn and Celery worker, started from its tree for each step and stopped after it,
so that the two sides' servers never run at once. Both sides are driven by the working tree's
bench/ (copied over the worktree's own), so the two are measured with the same instrument, and the
working tree is copied when the run starts, so edits made during the run are not measured halfway.
"""

import difflib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from bench.day import KINDS as REQUEST_KINDS
from bench.day import capacity

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
SIDES = ("old", "new")
SERVER_KINDS = ("gunicorn", "celery", "postgres", "redis")
CPU_NAMES = {
    "gunicorn": "gunicorn",
    "celery": "Celery worker",
    "postgres": "PostgreSQL",
    "redis": "Redis",
    "server": "the four together",
}
REDIS_DATABASES = {"old": 10, "new": 11}
REQUIREMENTS = ("requirements.txt",)
ABSENT = "—"


# --- The order of the steps ---------------------------------------------------------------------


def step_order(steps: int) -> list[tuple[int, str]]:
    """(step index, side) in the order they run: each step on both sides, one right after the other,
    the old side first at the first step, the new side first at the second, and so on: a machine
    that speeds up or slows down during the run favours neither side."""
    order = []
    for index in range(steps):
        first, second = SIDES if index % 2 == 0 else tuple(reversed(SIDES))
        order += [(index, first), (index, second)]
    return order


# --- The ratios -----------------------------------------------------------------------------------


def _number(value) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def ratio(new, old) -> float | None:
    """new / old, or None where it means nothing: either value absent (a step not run, a kind with
    no request), or old zero."""
    new, old = _number(new), _number(old)
    if new is None or old is None or old == 0:
        return None
    return new / old


def shown(value, digits: int = 2) -> str:
    value = _number(value)
    return ABSENT if value is None else f"{value:,.{digits}f}"


def cpu_per_workshop(step: dict | None) -> dict[str, float | None]:
    """Percent of one core per workshop over the step, by kind of server process, and the four
    together."""
    if not step or "cpu_percent" not in step:
        return dict.fromkeys((*SERVER_KINDS, "server"))
    used = step["cpu_percent"]
    per = {kind: used[kind] / step["workshops"] if kind in used else None for kind in SERVER_KINDS}
    known = [value for value in per.values() if value is not None]
    per["server"] = sum(known) if known else None
    return per


def percentiles(step: dict | None) -> dict[str, dict[int, float | None]]:
    """Request kind -> {95: ms, 99: ms}."""
    if not step or "kinds" not in step:
        return {}
    return {kind["name"]: {95: _number(kind["p95_ms"]), 99: _number(kind["p99_ms"])} for kind in step["kinds"]}


def verdict(step: dict | None) -> str:
    if step is None:
        return "not run"
    if "error" in step:
        return "error"
    return "yes" if step["holds"] else "no"


def ratio_rows(steps: list[int], old: dict[int, dict], new: dict[int, dict]) -> list[dict]:
    """For each step (``old`` and ``new``: step index -> the step as bench.day.record gives it, or
    with "error"), whether it held on each side, then CPU per workshop by kind of process, then
    each request kind's p95 and p99, each with its ratio new/old."""
    rows = []
    for index, workshops in enumerate(steps):
        before, after = old.get(index), new.get(index)
        rows.append(
            {"workshops": workshops, "measure": "holds", "old": verdict(before), "new": verdict(after), "ratio": None}
        )
        cpu_before, cpu_after = cpu_per_workshop(before), cpu_per_workshop(after)
        for kind in (*SERVER_KINDS, "server"):
            rows.append(
                {
                    "workshops": workshops,
                    "measure": f"CPU per workshop, % of a core: {CPU_NAMES[kind]}",
                    "old": cpu_before[kind],
                    "new": cpu_after[kind],
                    "ratio": ratio(cpu_after[kind], cpu_before[kind]),
                }
            )
        latency_before, latency_after = percentiles(before), percentiles(after)
        for kind in REQUEST_KINDS:
            if kind not in latency_before and kind not in latency_after:
                continue
            for p in (95, 99):
                was, now = latency_before.get(kind, {}).get(p), latency_after.get(kind, {}).get(p)
                rows.append(
                    {
                        "workshops": workshops,
                        "measure": f"{kind}: p{p} ms",
                        "old": was,
                        "new": now,
                        "ratio": ratio(now, was),
                    }
                )
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = ["| workshops | measure | old | new | new/old |", "|---:|---|---:|---:|---:|"]
    for row in rows:
        if row["measure"] == "holds":
            cells = [row["old"], row["new"], ""]
        else:
            digits = 2 if row["measure"].startswith("CPU") else 1
            cells = [shown(row["old"], digits), shown(row["new"], digits), shown(row["ratio"])]
        lines.append(f"| {row['workshops']} | {row['measure']} | " + " | ".join(cells) + " |")
    return lines


def side_capacity(records: list[dict]) -> int:
    """The existing rule (bench.day.capacity) over one side's steps in the order they ran, a step
    that ended in an error counted as not held."""
    return capacity([SimpleNamespace(workshops=step["workshops"], holds=bool(step.get("holds"))) for step in records])


# --- The trees ------------------------------------------------------------------------------------


def git(repository: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repository), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def resolve(repository: Path, rev: str) -> str:
    found = subprocess.run(
        ["git", "-C", str(repository), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise SystemExit(f"--compare {rev}: no such commit in {repository}")
    return found.stdout.strip()


@contextmanager
def worktree(repository: Path, sha: str, directory: Path):
    """A detached git worktree of ``sha`` at ``directory``, removed afterwards whatever happens
    (an error, Ctrl-C), and git's record of it pruned."""
    try:
        subprocess.run(
            ["git", "-C", str(repository), "worktree", "add", "--detach", str(directory), sha],
            capture_output=True,
            text=True,
            check=True,
        )
        yield directory
    finally:
        subprocess.run(
            ["git", "-C", str(repository), "worktree", "remove", "--force", str(directory)], capture_output=True
        )
        shutil.rmtree(directory, ignore_errors=True)
        subprocess.run(["git", "-C", str(repository), "worktree", "prune"], capture_output=True)


def snapshot(repository: Path, into: Path) -> int:
    """The working tree as it is now, into ``into``: the files git tracks and the new ones it does not
    ignore (not .venv, staticfiles, bench/results). Returns how many."""
    listed = subprocess.run(
        ["git", "-C", str(repository), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    copied = 0
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = repository / name
        if not source.is_symlink() and not source.is_file():
            continue  # deleted in the working tree, or a submodule
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied += 1
    return copied


def install_instrument(bench: Path, tree: Path) -> None:
    """The working tree's bench/ over ``tree``'s own: both sides driven by the same load model."""
    target = tree / "bench"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(bench, target, ignore=shutil.ignore_patterns("results", "__pycache__"))


def requirements_difference(old_tree: Path, new_tree: Path, rev: str) -> list[str]:
    """A unified diff of the requirements of the two trees; empty when they are the same."""
    lines = []
    for name in REQUIREMENTS:
        old, new = old_tree / name, new_tree / name
        old_text = old.read_text() if old.exists() else ""
        new_text = new.read_text() if new.exists() else ""
        if old_text != new_text:
            lines += difflib.unified_diff(
                old_text.splitlines(), new_text.splitlines(), f"{rev}:{name}", f"working tree:{name}", lineterm=""
            )
    return lines


def refuse_if_requirements_differ(old_tree: Path, new_tree: Path, rev: str) -> None:
    difference = requirements_difference(old_tree, new_tree, rev)
    if difference:
        shown_lines = difference[:40] + (["..."] if len(difference) > 40 else [])
        raise SystemExit(
            "\n".join(
                [
                    f"Not compared: {rev}'s {' and '.join(REQUIREMENTS)} differs from the working tree's. Both "
                    f"sides run with one venv ({sys.executable}, the working tree's packages), so {rev} would "
                    "be measured with packages it did not run with:",
                    *shown_lines,
                ]
            )
        )


# --- The sides ------------------------------------------------------------------------------------


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def side_config(name: str, options, steps: list[int]) -> dict:
    return {
        "side": name,
        "database_url": with_path(options.database_url, f"/bench_cmp_{name}"),
        "redis_url": with_path(options.redis_url, f"/{REDIS_DATABASES[name]}"),
        "workers": options.workers,
        "facilitators": options.facilitators,
        "phones": options.phones,
        "seconds": options.seconds,
        "steps": steps,
        "step_seconds": options.step_seconds,
        "results": str(RESULTS),
    }


class Side:
    """bench/side.py running in one side's tree: orders in on its standard input, answers out on
    its standard output, what it prints shown here with the side's name."""

    def __init__(self, name: str, tree: Path, config: dict):
        self.name = name
        environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.side"],
            cwd=tree,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.printer = threading.Thread(target=self._show, daemon=True)
        self.printer.start()
        self._send(config)

    def _show(self) -> None:
        for line in self.process.stderr:
            print(f"  [{self.name}] {line.rstrip()}", flush=True)

    def _send(self, message: dict) -> bool:
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
            return True
        except OSError:
            return False

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            return {"error": f"the {self.name} side's process ended (exit code {self.process.wait()})"}
        return json.loads(line)

    def ask(self, order: dict) -> dict:
        if not self._send(order):
            return {"error": f"the {self.name} side's process ended (exit code {self.process.wait()})"}
        return self.receive()

    def close(self) -> None:
        if self.alive:
            self._send({"do": "quit"})
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.terminate()  # bench/side.py stops its gunicorn and worker on SIGTERM
                try:
                    self.process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self.printer.join(timeout=5)


def run_sides(options, steps: list[int], trees: dict[str, Path]) -> dict:
    """Both sides set up, the trivial request measured once on the baseline, then the steps in
    ``step_order``; a side stops after its first step that does not hold (unless --all-steps) or
    whose process is gone, and the other goes on."""
    for name in SIDES:
        (RESULTS / f"day-compare-server-{name}.log").write_text("")
    records: dict[str, dict[int, dict]] = {name: {} for name in SIDES}
    ran: list[dict] = []
    stopped: dict[str, str | None] = dict.fromkeys(SIDES)
    with ExitStack() as stack:
        sides = {}
        for name in SIDES:
            print(f"The {name} side: its database built, migrated and set up (not timed)", flush=True)
            side = Side(name, trees[name], side_config(name, options, steps))
            stack.callback(side.close)
            ready = side.receive()
            if "error" in ready:
                raise SystemExit(f"The {name} side could not be set up: {ready['error']}")
            sides[name] = side
        print("The machine's trivial request, once, on the baseline's (old) stack:", flush=True)
        trivial = sides["old"].ask({"do": "trivial"})
        trivial = trivial.get("trivial") or {"error": trivial.get("error", "no answer")}
        for index, name in step_order(len(steps)):
            if stopped[name]:
                continue
            workshops = steps[index]
            print(f"Step {index + 1} of {len(steps)}, {workshops} workshops: the {name} side", flush=True)
            answer = sides[name].ask({"do": "step", "index": index})
            step = answer.get("step") or {
                "workshops": workshops,
                "holds": False,
                "error": answer.get("error", "no answer"),
            }
            records[name][index] = step
            ran.append({"index": index, "workshops": workshops, "side": name})
            if "error" in step:
                print(f"  [{name}] the step ended in an error: {step['error']}", flush=True)
            if not sides[name].alive:
                stopped[name] = f"its process ended at {workshops} workshops"
            elif not step["holds"] and not options.all_steps:
                stopped[name] = f"{workshops} workshops did not hold"
            if stopped[name]:
                others = [other for other in SIDES if not stopped[other]]
                print(
                    f"  The {name} side stops: {stopped[name]}" + (f"; the {others[0]} side goes on" if others else ""),
                    flush=True,
                )
            if all(stopped.values()):
                break
    return {"records": records, "order": ran, "trivial": trivial, "stopped": stopped}


# --- The run --------------------------------------------------------------------------------------


def finite(thing):
    """NaN (a percentile of no request) as null: day-compare.json is plain JSON."""
    if isinstance(thing, float) and math.isnan(thing):
        return None
    if isinstance(thing, dict):
        return {key: finite(value) for key, value in thing.items()}
    if isinstance(thing, list | tuple):
        return [finite(value) for value in thing]
    return thing


def markdown(results: dict) -> str:
    m = results["machine"]
    baseline, working = results["baseline"], results["working_tree"]
    trivial = results["trivial"]
    steps = results["steps_asked"]
    capacities = {name: results["sides"][name]["capacity"] for name in SIDES}
    lines = [
        f"Side by side, measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; "
        f"Python {m['python']}, {m['postgresql']}, {m['redis']}. The load generator runs on the same machine.",
        "",
        f"old: {baseline['rev']} = {baseline['sha']}; new: the working tree on {working['head']}"
        + (" with uncommitted changes" if working["dirty"] else " (clean)")
        + f"; both with {results['python']}.",
        "",
        (
            f"The machine's trivial request (/health/alive/ on the baseline's stack, {trivial['clients']} clients, "
            f"{trivial['seconds']:.0f} s): {trivial['rate']:,.0f} req/s, p95 {shown(trivial['p95_ms'], 1)} ms."
            if "rate" in trivial
            else f"The machine's trivial request could not be measured: {trivial['error']}"
        ),
        "",
        f"Steps of {', '.join(map(str, steps))} workshops, {results['step_seconds']:g} s each, gunicorn with "
        f"{results['workers']} sync workers and a Celery worker on each side, one side's servers at a time; "
        "the sides alternate, old first at the 1st, 3rd, ... step, new first at the 2nd, 4th, ...",
        "",
        f"**Capacity: old {capacities['old']}, new {capacities['new']}** simultaneous workshops "
        "(the last step held, every step below it held too"
        + (f"; {steps[-1]}, the last step asked, held: at least that" if steps[-1] in capacities.values() else "")
        + ").",
        "",
        *table(results["ratios"]),
        "",
    ]
    for name in SIDES:
        for step in results["sides"][name]["steps"]:
            if "error" in step:
                lines.append(f"- {name}, {step['workshops']} workshops: an error: {step['error']}")
            elif not step["holds"]:
                lines.append(f"- {name}, {step['workshops']} workshops, does not hold: " + "; ".join(step["problems"]))
    return "\n".join(lines).rstrip() + "\n"


def main(options, machine: dict) -> None:
    started = time.monotonic()
    steps = [int(step) for step in options.steps.split(",")]
    sha = resolve(PROJECT, options.compare)
    head = git(PROJECT, "rev-parse", "HEAD")
    dirty = bool(git(PROJECT, "--no-optional-locks", "status", "--porcelain"))
    with (
        tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch,
        worktree(PROJECT, sha, Path(scratch) / "old") as old_tree,
    ):
        new_tree = Path(scratch) / "new"
        files = snapshot(PROJECT, new_tree)
        refuse_if_requirements_differ(old_tree, new_tree, options.compare)
        install_instrument(new_tree / "bench", old_tree)
        print(
            f"Side by side: old = {options.compare} ({sha[:12]}, a git worktree at {old_tree}); new = the working "
            f"tree on {head[:12]}{' with uncommitted changes' if dirty else ''} ({files} files copied to "
            f"{new_tree} as they were at the start). requirements.txt: the same on both sides, both run with "
            f"{sys.executable}. Both driven by the working tree's bench/.",
            flush=True,
        )
        print(
            f"Steps of {', '.join(map(str, steps))} workshops, {options.step_seconds:g} s each, gunicorn with "
            f"{options.workers} sync workers + 1 Celery worker per side; the sides alternate step by step, old first "
            "at the 1st, 3rd, ... step and new first at the 2nd, 4th, ..., so that drift in the machine's speed "
            "favours neither",
            flush=True,
        )
        outcome = run_sides(options, steps, {"old": old_tree, "new": new_tree})
    records = outcome["records"]
    results = finite(
        {
            "machine": machine,
            "date": machine["date"],
            "baseline": {"rev": options.compare, "sha": sha},
            "working_tree": {"head": head, "dirty": dirty},
            "python": sys.executable,
            "requirements": "the same",
            "workers": options.workers,
            "step_seconds": options.step_seconds,
            "steps_asked": steps,
            "all_steps": options.all_steps,
            "order": outcome["order"],
            "trivial": outcome["trivial"],
            "sides": {
                name: {
                    "capacity": side_capacity([records[name][index] for index in sorted(records[name])]),
                    "stopped": outcome["stopped"][name],
                    "steps": [records[name][index] for index in sorted(records[name])],
                }
                for name in SIDES
            },
            "ratios": ratio_rows(steps, records["old"], records["new"]),
            "seconds": round(time.monotonic() - started, 1),
        }
    )
    text = markdown(results)
    print("\n" + text)
    (RESULTS / "day-compare.md").write_text(text)
    (RESULTS / "day-compare.json").write_text(json.dumps(results, indent=2))
    elapsed = results["seconds"]
    print(f"Took {int(elapsed // 60)} min {elapsed % 60:.0f} s. Written to {RESULTS / 'day-compare.json'} and .md")
