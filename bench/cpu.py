"""Where the CPU went during a measurement: CPU time of each kind of process, from /proc."""

import os
import re
from pathlib import Path

KINDS = ("gunicorn", "postgres", "redis", "celery")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(keep=None) -> dict[tuple[str, str], float]:
    """(kind, process id) -> CPU seconds it has used so far, for every process of each kind and for
    this one (the load generator). ``keep(kind, command, process_group)``, when given, says which
    processes of a kind count (``one_stack``)."""
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
        if kind and (kind == "load generator" or keep is None or keep(kind, command, int(fields[2]))):
            used_by[(kind, entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return used_by


# A PostgreSQL backend's title: "postgres: [<cluster>: ]<user> <database> <client address>(<port>) <state>"
# (Debian names the cluster: "postgres: 15/main: postgres casereview 127.0.0.1(47798) idle").
BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")


def one_stack(process_groups: set[int], database: str):
    """A ``keep`` for cpu_seconds: the gunicorn and Celery processes of one stack only (the process
    groups its arbiter and its worker lead: bench/server.py starts each in a session of its own);
    PostgreSQL's server processes, except the backends of other databases (other work on a shared
    server); the Redis server itself. Without it any process whose command line names a kind counts
    (another checkout's gunicorn, a test named after it, an argument naming a postgres:// URL)."""

    def keep(kind: str, command: str, process_group: int) -> bool:
        program = Path(command.split(" ", 1)[0]).name
        if kind in ("gunicorn", "celery"):
            return process_group in process_groups
        if kind == "postgres":
            if not (command.startswith("postgres:") or program == "postgres"):
                return False
            backend = BACKEND.match(command)
            return backend is None or backend.group(1) == database
        if kind == "redis":
            return program.startswith("redis-server")
        return False

    return keep


def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by kind of process. A process that ended meanwhile (a
    PostgreSQL backend whose connection closed) takes its time with it: these are lower bounds."""
    if not requests:
        return {}
    totals = dict.fromkeys((*KINDS, "load generator"), 0.0)
    for (kind, pid), used in after.items():
        totals[kind] += used - before.get((kind, pid), 0.0)
    return {kind: seconds * 1000 / requests for kind, seconds in totals.items()}
