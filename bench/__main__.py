"""python -m bench: how fast casereview is on this machine, on PostgreSQL + Redis + gunicorn.

Runs the HTTP benchmark (bench/web.py) and the aggregation benchmark (bench/aggregation.py) in
their own database, prints the figures and the targets of docs/benchmarks.md met or missed, and
writes them to bench/results/latest.md and latest.json. See docs/benchmarks.md.
"""

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from bench import environment
from casereview import gunicorn_config

RESULTS = Path(__file__).resolve().parent / "results"


def arguments():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each HTTP measurement (default 10)")
    parser.add_argument(
        "--phones", type=int, default=50, help="concurrent phones, also for the trivial endpoint (default 50)"
    )
    parser.add_argument(
        "--facilitators",
        type=int,
        default=10,
        help="concurrent facilitators saving reviews, each in a room of their own (default 10)",
    )
    parser.add_argument(
        "--readers", type=int, default=5, help="concurrent dashboard readers and projector screens (default 5)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=gunicorn_config.workers,
        help=f"gunicorn workers (default {gunicorn_config.workers}, as production runs: casereview/gunicorn_config.py)",
    )
    parser.add_argument("--burst", type=int, default=2000, help="phones answering at once (default 2000)")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="reviews for the aggregation benchmark")
    parser.add_argument(
        "--only",
        choices=["web", "aggregation", "day"],
        help="run one part only: web, aggregation, or day (the workshop-day load model, not run by default)",
    )
    parser.add_argument(
        "--steps",
        default="1,5,10,15,20,35,50",
        help="day: simultaneous workshops at each step (default 1,5,10,15,20,35,50)",
    )
    parser.add_argument("--step-seconds", type=float, default=60, help="day: length of each step (default 60)")
    parser.add_argument(
        "--all-steps", action="store_true", help="day: run every step, even after one that does not hold"
    )
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="day: run the steps side by side on a git worktree of REV (old) and on the working tree (new), "
        "alternating step by step, and print the ratios new/old (bench/compare.py)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", environment.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", environment.DEFAULT_REDIS_URL))
    return parser.parse_args()


def machine() -> dict:
    def first_line(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "unknown"

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20),
        "python": platform.python_version(),
        "postgresql": first_line(["psql", "--version"]),
        "redis": first_line(["redis-server", "--version"]),
    }


def say(thing) -> None:
    if hasattr(thing, "latencies"):
        thing = (
            f"  {thing.name}: {thing.rate:,.0f} req/s, p50 {thing.percentile(50):.1f} ms, "
            f"p95 {thing.percentile(95):.1f} ms, p99 {thing.percentile(99):.1f} ms, {thing.errors} errors"
            + (f" ({thing.error_examples[0]})" if thing.errors else "")
        )
    print(thing, flush=True)


def web_benchmark(options, settings) -> dict:
    from bench import web
    from bench.server import Stack

    print(f"HTTP: {options.seconds:g} s each, gunicorn with {options.workers} sync workers + 1 Celery worker")
    workshop = web.set_up(facilitators=options.facilitators)
    with Stack(settings, options.workers) as stack:
        measurements = asyncio.run(
            web.scenarios(
                stack.base_url,
                workshop,
                phones=options.phones,
                readers=options.readers,
                seconds=options.seconds,
                say=say,
                settle=stack.wait_until_idle,
            )
        )
        print(f"Burst: {options.burst:,} phones answering at once")
        burst = asyncio.run(web.burst(stack.base_url, workshop, options.burst))
    print(
        f"  joined in {burst.join_seconds:.1f} s; all answered in {burst.answer_seconds:.2f} s; "
        f"replies {burst.statuses}; stored {burst.stored:,}; "
        f"on the projector {burst.visible_after:.2f} s after the last reply"
    )
    ceiling = measurements[0].rate
    return {
        "seconds": options.seconds,
        "workers": options.workers,
        "measurements": [
            {
                "name": m.name,
                "clients": m.clients,
                "requests": m.requests,
                "rate": m.rate,
                "ratio": m.rate / ceiling if ceiling else None,
                "p50_ms": m.percentile(50),
                "p95_ms": m.percentile(95),
                "p99_ms": m.percentile(99),
                "errors": m.errors,
                "error_examples": m.error_examples,
                "stored": m.stored,
                "cpu_ms": m.cpu_ms,
            }
            for m in measurements
        ],
        "burst": asdict(burst) | {"statuses": {str(k): v for k, v in burst.statuses.items()}},
    }


def day_benchmark(options, settings) -> dict:
    from bench import day, web
    from bench.server import Stack

    steps = [int(step) for step in options.steps.split(",")]
    print(
        f"Workshop day: steps of {', '.join(map(str, steps))} workshops, {options.step_seconds:g} s each; "
        f"gunicorn with {options.workers} sync workers + 1 Celery worker"
    )
    workshop = web.set_up(facilitators=options.facilitators)
    with Stack(settings, options.workers) as stack:
        # The ceiling, and the phones' two requests beside it, in the same run as the steps.
        beside = asyncio.run(
            web.phone_measurements(
                stack.base_url,
                workshop,
                phones=options.phones,
                seconds=options.seconds,
                say=say,
                settle=stack.wait_until_idle,
            )
        )
        results = day.run(
            stack.base_url, steps, options.step_seconds, stack.wait_until_idle, say, keep_going=options.all_steps
        )
    ceiling = beside[0].rate
    return {
        "workers": options.workers,
        "step_seconds": options.step_seconds,
        "steps_asked": steps,
        "capacity": day.capacity(results),
        "beside": [
            {
                "name": m.name,
                "clients": m.clients,
                "rate": m.rate,
                "ratio": m.rate / ceiling if ceiling else None,
                "p50_ms": m.percentile(50),
                "p95_ms": m.percentile(95),
                "p99_ms": m.percentile(99),
                "errors": m.errors,
                "stored": m.stored,
                "requests": m.requests,
                "cpu_ms": m.cpu_ms,
            }
            for m in beside
        ],
        "steps": [day.record(r) for r in results],
    }


def day_markdown(day: dict) -> list[str]:
    lines = [
        f"Workshop day: {day['step_seconds']:g} s a step, gunicorn with {day['workers']} sync workers "
        f"and a Celery worker. **Capacity: {day['capacity']} simultaneous workshops** "
        f"({day['capacity'] * 100:,} phones).",
        "",
        "Beside it, in the same run (closed loop, as the HTTP half measures them):",
        "",
        "| request | req/s | of trivial | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {m['name']} | {m['rate']:,.0f} | {m['ratio']:.0%} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} | {m['errors']} |"
        for m in day["beside"]
    ]
    lines += [
        "",
        "| workshops | request | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for step in day["steps"]:
        lines += [
            f"| {step['workshops']} | {k['name']} | {k['rate']:,.1f} | "
            f"{k['p50_ms']:.0f} | {k['p95_ms']:.0f} | {k['p99_ms']:.0f} | {k['errors']} |"
            for k in step["kinds"]
        ]
    kinds = sorted({kind for step in day["steps"] for kind in step["cpu_percent"]})
    lines += [
        "",
        "| workshops | holds | answers stored | reviews stored | acknowledged, not stored (answers, reviews) | "
        "generator sent late (p99 ms) | CPU % of one core: " + ", ".join(kinds) + " |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for step in day["steps"]:
        verdict = "yes" if step["holds"] else "**no**: " + "; ".join(step["problems"])
        cpu = ", ".join(f"{step['cpu_percent'].get(kind, 0):.0f}" for kind in kinds)
        lines.append(
            f"| {step['workshops']} | {verdict} | {step['answers_stored']:,} of {step['answers_sent']:,} | "
            f"{step['saves_stored']} of {step['saves_sent']} | {step['answers_lost']}, {step['saves_lost']} | "
            f"{step['send_lag_p99_ms']:.0f} | {cpu} |"
        )
    return lines + [""]


def targets(results: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target of issue 9 that this run measured."""
    checks = []
    if "day" in results:
        day = results["day"]
        trivial, follow, answer = day["beside"]
        checks += [
            (
                "Workshop day: at least 20 simultaneous workshops hold (the aim is 50)",
                f"{day['capacity']}",
                day["capacity"] >= 20,
            ),
            (
                "Phone follow check >= 70% of the trivial endpoint's req/s (same run)",
                f"{follow['ratio']:.0%}",
                follow["ratio"] >= 0.70,
            ),
            (
                "Poll answer, the phone's whole interaction, >= 45% of the trivial endpoint's req/s (same run)",
                f"{answer['ratio']:.0%}",
                answer["ratio"] >= 0.45 and answer["errors"] == 0 and answer["stored"] == answer["requests"],
            ),
        ]
    if "web" in results:
        trivial, follow, answer, save, dashboard, projector = results["web"]["measurements"]
        burst = results["web"]["burst"]
        answers_ok = answer["errors"] == 0 and answer["stored"] == answer["requests"]
        checks += [
            (
                "Phone follow check >= 70% of the trivial endpoint's req/s",
                f"{follow['ratio']:.0%}",
                follow["ratio"] >= 0.70 and follow["errors"] == 0,
            ),
            ("Poll answers >= 45% of the trivial endpoint's req/s", f"{answer['ratio']:.0%}", answer["ratio"] >= 0.45),
            ("Poll answers p99 < 150 ms", f"{answer['p99_ms']:.0f} ms", answer["p99_ms"] < 150),
            (
                "Poll answers: 0 errors, every answer stored",
                f"{answer['errors']} errors, {answer['stored']:,} of {answer['requests']:,} stored",
                answers_ok,
            ),
            (
                "Burst stores every answer",
                f"{burst['stored']:,} of {burst['phones']:,}",
                burst["stored"] == burst["phones"],
            ),
            (
                "Burst: last answer on the projector within 5 s",
                f"{burst['visible_after']:.2f} s (+ up to 2 s until the screen next asks)",
                burst["visible_after"] + 2 < 5,
            ),
            ("Review save p95 < 100 ms", f"{save['p95_ms']:.0f} ms", save["p95_ms"] < 100 and save["errors"] == 0),
            (
                "Dashboard p95 < 100 ms",
                f"{dashboard['p95_ms']:.0f} ms",
                dashboard["p95_ms"] < 100 and dashboard["errors"] == 0,
            ),
            (
                "Projector refresh p95 < 100 ms",
                f"{projector['p95_ms']:.0f} ms",
                projector["p95_ms"] < 100 and projector["errors"] == 0,
            ),
        ]
    for row in results.get("aggregation", []):
        if row["reviews"] == 100_000:
            checks += [
                (
                    "Reports over 100k reviews < 2 s: all ten LAs' overviews, 100k reviews in all",
                    f"{row['report']['seconds']:.2f} s",
                    row["report"]["seconds"] < 2,
                ),
                ("... within 3x of plain SQL GROUP BY", f"{row['ratio']:.2f}x", row["ratio"] <= 3),
            ]
        if row["reviews"] == 1_000_000:
            checks += [
                (
                    "Reports over 100k reviews < 2 s: one LA's overview of its 100k reviews, among 1M",
                    f"{row['report']['slowest_la_seconds']:.2f} s",
                    row["report"]["slowest_la_seconds"] < 2,
                ),
                (
                    "1M reviews complete with bounded memory",
                    f"{row['report']['peak_mib']:.0f} MiB peak",
                    row["report"]["peak_mib"] < 512,
                ),
            ]
    return checks


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, "
        f"{m['postgresql']}, {m['redis']}. The load generator runs on the same machine.",
        "",
    ]
    if "web" in results:
        web = results["web"]
        lines += [
            f"HTTP, {web['seconds']:g} s each, gunicorn with {web['workers']} sync workers and a Celery worker:",
            "",
            "| request | clients | req/s | of trivial | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['name']} | {r['clients']} | {r['rate']:,.0f} | {r['ratio']:.0%} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
            for r in web["measurements"]
        ]
        kinds = list(web["measurements"][0]["cpu_ms"])
        lines += [
            "",
            "CPU milliseconds per request, by process (where the time goes; 2 cores give 2,000 ms per second):",
            "",
            "| request | " + " | ".join(kinds) + " |",
            "|---|" + "---:|" * len(kinds),
        ]
        lines += [
            f"| {r['name']} | " + " | ".join(f"{r['cpu_ms'].get(kind, 0):.2f}" for kind in kinds) + " |"
            for r in web["measurements"]
        ]
        b = web["burst"]
        lines += [
            "",
            f"Burst: {b['phones']:,} phones joined in {b['join_seconds']:.1f} s, then all answered at once: "
            f"replies {b['statuses']} in {b['answer_seconds']:.2f} s; {b['stored']:,} answers stored; "
            f"the projector's next request showed them {b['visible_after']:.2f} s after the last reply.",
            "",
        ]
    if "aggregation" in results:
        lines += [
            (
                "Aggregation: every LA's overview report (10 LAs) against the same figures by plain SQL GROUP BY, "
                "median of 3:"
            ),
            "",
            "| reviews | report s | report peak MiB | slowest LA s | SQL s | SQL peak MiB | ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['reviews']:,} | {r['report']['seconds']:.3f} | {r['report']['peak_mib']:.1f} | "
            f"{r['report']['slowest_la_seconds']:.3f} | "
            f"{r['sql']['seconds']:.3f} | {r['sql']['peak_mib']:.1f} | {r['ratio']:.2f} |"
            for r in results["aggregation"]
        ]
        lines.append("")
    if "day" in results:
        lines += day_markdown(results["day"])
    lines += ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in targets(results)]
    return "\n".join(lines) + "\n"


def main() -> None:
    # Line by line even into a file or a pipe: a run takes minutes, and its progress is read as it goes.
    sys.stdout.reconfigure(line_buffering=True)
    options = arguments()
    RESULTS.mkdir(exist_ok=True)
    if options.compare:
        if options.only != "day":
            raise SystemExit("--compare REV is a mode of the workshop day: bin/bench --only day --compare REV")
        from bench import compare

        compare.main(options, machine())
        return
    settings = environment.settings_environment(options.database_url, options.redis_url)
    environment.create_database(options.database_url)
    environment.migrate(settings)
    environment.use(settings)
    results = {"machine": machine()}
    if options.only in (None, "web"):
        results["web"] = web_benchmark(options, settings)
    if options.only == "day":
        results["day"] = day_benchmark(options, settings)
    if options.only in (None, "aggregation"):
        from bench import aggregation

        sizes = [int(size) for size in options.sizes.split(",")]
        print(f"Aggregation: {', '.join(f'{s:,}' for s in sizes)} reviews over 10 LAs")
        results["aggregation"] = aggregation.run(sizes, settings, say)
    table = markdown(results)
    print("\n" + table)
    (RESULTS / "latest.md").write_text(table)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"Written to {RESULTS / 'latest.md'} and latest.json")


if __name__ == "__main__":
    main()
