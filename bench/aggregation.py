"""The aggregation benchmark: every LA's overview report over generated reviews, against the same
figures from plain SQL GROUP BY queries on the same database.

The SQL names the LA of both the workshop and the case, as the report's queries do (see
analytics/selectors.py), so both get the same plans and the ratio is the report's own overhead.

Each method runs in a process of its own (``python -m bench.aggregation report|sql OUT.json``) so
its peak memory is its own: the peak resident set while computing, above what the process held
before it started. Each is run once to warm up, then timed over ``ROUNDS`` runs (the median is
reported). Both write their figures in one shape, and the benchmark fails if they differ.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3

NUMBERS = """count(*),
  count(*) FILTER (WHERE NOT r.consensus_reached),
  count(*) FILTER (WHERE r.consensus_reached AND r.ideal_outcome IS NOT NULL),
  count(*) FILTER (WHERE r.consensus_reached AND r.ideal_outcome)"""
REVIEWS = """FROM workshops_casereview r
  JOIN workshops_caseallocation a ON a.id = r.allocation_id
  JOIN workshops_workshop w ON w.id = a.workshop_id
  JOIN workshops_case c ON c.id = a.case_id
WHERE w.organisation_id = %(la)s AND c.organisation_id = %(la)s"""
BREAKDOWN_SQL = {
    "workshop": f"SELECT a.workshop_id, {NUMBERS} {REVIEWS} GROUP BY 1",
    "room": f"SELECT a.room_id, {NUMBERS} {REVIEWS} AND a.room_id IS NOT NULL GROUP BY 1",
    "phase": f"SELECT r.phase_at_review_id, {NUMBERS} {REVIEWS} GROUP BY 1",
    "primary_need": f"SELECT r.primary_need_at_review_id, {NUMBERS} {REVIEWS} GROUP BY 1",
    "support_level": f"SELECT r.support_level_at_review_id, {NUMBERS} {REVIEWS} GROUP BY 1",
    "provision": f"SELECT r.provision_at_review_id, {NUMBERS} {REVIEWS} GROUP BY 1",
}
OUTCOME_SQL = f"SELECT {NUMBERS} {REVIEWS}"
CROSSTAB_SQL = f"""SELECT r.provision_at_review_id, r.better_provision_id, count(*) {REVIEWS}
  AND r.consensus_reached AND r.ideal_outcome = false GROUP BY 1, 2"""
TERMS_SQL = """SELECT l.vocabularyterm_id, count(*) FROM {table} l
  JOIN workshops_casereview r ON r.id = l.casereview_id
  JOIN workshops_caseallocation a ON a.id = r.allocation_id
  JOIN workshops_workshop w ON w.id = a.workshop_id
  JOIN workshops_case c ON c.id = a.case_id
WHERE w.organisation_id = %(la)s AND c.organisation_id = %(la)s AND r.consensus_reached AND {outcome} GROUP BY 1"""
AREAS_SQL = TERMS_SQL.format(table="workshops_casereview_non_ideal_areas", outcome="r.ideal_outcome = false")
THEMES_SQL = TERMS_SQL.format(table="workshops_casereview_themes", outcome="r.ideal_outcome IS NOT NULL")


def _sql_figures(cursor, organisation_id: int) -> dict:
    cursor.execute(
        "SELECT id, code FROM casereview_vocabularyterm WHERE organisation_id = %(la)s", {"la": organisation_id}
    )
    code = dict(cursor.fetchall())
    code[None] = None

    def rows(sql):
        cursor.execute(sql, {"la": organisation_id})
        return cursor.fetchall()

    breakdowns = {}
    for dimension, sql in BREAKDOWN_SQL.items():
        vocabulary = dimension not in ("workshop", "room")
        breakdowns[dimension] = {str(code[key] if vocabulary else key): list(numbers) for key, *numbers in rows(sql)}
    return {
        "outcome": list(rows(OUTCOME_SQL)[0]),
        "breakdowns": breakdowns,
        "crosstab": {f"{code[current]}>{code[better]}": n for current, better, n in rows(CROSSTAB_SQL)},
        "areas": {code[term]: n for term, n in rows(AREAS_SQL)},
        "themes": {code[term]: n for term, n in rows(THEMES_SQL)},
    }


def _report_figures(report: dict) -> dict:
    """The report's figures in the shape the SQL gives them."""

    def numbers(row):
        return [row["reviewed"], row["excluded"], row["analysed"], row["ideal"]]

    return {
        "outcome": [report["reviewed"], report["excluded"], report["analysed"], report["outcome"]["ideal"]],
        "breakdowns": {
            dimension: {str(row["key"]): numbers(row) for row in rows}
            for dimension, rows in report["breakdowns"].items()
        },
        "crosstab": {f"{row['current']}>{row['better']}": row["count"] for row in report["provision_crosstab"]},
        "areas": {row["code"]: row["count"] for row in report["non_ideal_areas"] if row["count"]},
        "themes": {row["code"]: row["count"] for row in report["themes"] if row["count"]},
    }


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _measure(method: str) -> dict:
    """Run in a child process: time ``method`` over every LA, ROUNDS times after a warm-up."""
    from django.db import connection

    from analytics.reports import build_report
    from analytics.scopes import Scope
    from casereview.models import Organisation

    organisations = list(Organisation.objects.order_by("slug"))

    def run_all():
        figures, per_la = {}, []
        for organisation in organisations:
            started = time.perf_counter()
            if method == "report":
                figures[organisation.slug] = _report_figures(build_report(organisation, Scope.parse("all")))
            else:
                with connection.cursor() as cursor:
                    figures[organisation.slug] = _sql_figures(cursor, organisation.pk)
            per_la.append(time.perf_counter() - started)
        return figures, per_la

    run_all()  # warm-up: imports, connection, the database's cache
    Path("/proc/self/clear_refs").write_text("5")  # start the peak resident set afresh
    before = _memory_kib("VmRSS")
    timings = []
    for _ in range(ROUNDS):
        figures, per_la = run_all()
        timings.append((sum(per_la), max(per_la)))
    total, slowest = sorted(timings)[len(timings) // 2]
    return {
        "seconds": total,
        "slowest_la_seconds": slowest,
        "rounds": [t for t, _ in timings],
        "peak_mib": (_memory_kib("VmHWM") - before) / 1024,
        "figures": figures,
    }


def measure_in_child(method: str, environment: dict) -> dict:
    """Run one method in a fresh process with the benchmark's settings; its result."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, "-m", "bench.aggregation", method, out.name],
            env={**os.environ, **environment},
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        return json.loads(Path(out.name).read_text())


def run(sizes: list[int], environment: dict, say) -> list[dict]:
    """Generate each size in turn and measure both methods on it."""
    from bench import dataset

    results = []
    for size in sizes:
        started = time.perf_counter()
        dataset.generate(size)
        say(f"  {size:>9,} reviews generated in {time.perf_counter() - started:.1f} s; measuring")
        report = measure_in_child("report", environment)
        sql = measure_in_child("sql", environment)
        if report.pop("figures") != sql.pop("figures"):
            raise SystemExit(
                f"The report's figures differ from the SQL's at {size} reviews: the benchmark found a bug."
            )
        results.append({"reviews": size, "report": report, "sql": sql, "ratio": report["seconds"] / sql["seconds"]})
        say(
            f"  {size:>9,} reviews: report {report['seconds']:.3f} s ({report['peak_mib']:.1f} MiB), "
            f"SQL {sql['seconds']:.3f} s ({sql['peak_mib']:.1f} MiB), ratio {results[-1]['ratio']:.2f}"
        )
    return results


if __name__ == "__main__":
    from bench import environment as bench_environment

    bench_environment.use()  # the parent passed the settings in the environment
    Path(sys.argv[2]).write_text(json.dumps(_measure(sys.argv[1])))
