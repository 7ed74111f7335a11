"""Where the CPU went during a measurement: CPU time of each kind of process, from /proc."""

import os
from pathlib import Path

KINDS = ("gunicorn", "postgres", "redis", "celery")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[tuple[str, str], float]:
    """(kind, process id) -> CPU seconds it has used so far, for every process of each kind and for
    this one (the load generator)."""
    used_by = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        kind = (
            "load generator"
            if entry.name == str(os.getpid())
            else next((kind for kind in KINDS if kind in command), None)
        )
        if kind:
            used_by[(kind, entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return used_by


def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by kind of process. A process that ended meanwhile (a
    PostgreSQL backend whose connection closed) takes its time with it: these are lower bounds."""
    if not requests:
        return {}
    totals = dict.fromkeys((*KINDS, "load generator"), 0.0)
    for (kind, pid), used in after.items():
        totals[kind] += used - before.get((kind, pid), 0.0)
    return {kind: seconds * 1000 / requests for kind, seconds in totals.items()}
