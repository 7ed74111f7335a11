"""One side of the side-by-side mode (bench/compare.py): started by it in that side's tree with the
benchmark's python, it builds the side's database, then waits for orders, one JSON line each on
standard input: measure the trivial request, run a step of the workshop day, quit. For each order
it starts the side's gunicorn and Celery worker from its own tree, measures, and stops them again,
so that only one side's servers run at any moment. Each answer is one JSON line on standard output;
everything else it (and what it starts) prints goes to standard error, which bench/compare.py shows
with the side's name.

The first line on standard input is the side's settings (never on the command line: a process
whose command line names postgres:// or redis:// would be counted as one of those by bench/cpu.py).
"""

import asyncio
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT = Path(__file__).resolve().parent.parent
QUIET_SHARE = 0.1  # of one core: what a started stack may still use once its processes have booted


class Stopped(BaseException):
    """SIGTERM from bench/compare.py: not an error of an order, which the side would report and
    outlive, but the end of the side."""


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def reset_database(database_url: str) -> None:
    """Drop and create the side's database: both sides start from an empty one, built the same way."""
    import psycopg

    name = database_name(database_url)
    if not name.startswith("bench_cmp_"):
        raise SystemExit(f"The side-by-side mode only drops databases named bench_cmp_*, not {name!r}")
    with psycopg.connect(urlunsplit(urlsplit(database_url)._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def empty_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


class Runner:
    def __init__(self, config: dict, answer):
        from bench import environment

        self.config, self.answer = config, answer
        self.name = config["side"]
        self.results = Path(config["results"])
        self.database = database_name(config["database_url"])
        self.settings = environment.settings_environment(config["database_url"], config["redis_url"])
        self.settings["STATIC_ROOT"] = str(PROJECT / "staticfiles")  # the side's own, whatever the caller's
        self.port = None
        self.steps = None

    def say(self, thing) -> None:
        from bench.__main__ import say

        say(thing)

    def prepare(self) -> dict:
        from bench import day, environment, server, web

        started = time.monotonic()
        reset_database(self.config["database_url"])
        empty_redis(self.config["redis_url"])
        environment.migrate(self.settings)  # this tree's manage.py and migrations, on this side's database
        environment.use(self.settings)
        web.set_up(facilitators=self.config["facilitators"])  # what a normal day run's database holds too
        self.port = server.free_port()
        self.steps = day.Steps(
            self.config["steps"],
            self.config["step_seconds"],
            self.say,
            timeline=lambda count: self.results / f"day-compare-timeline-{self.name}-{count}.json",
        )
        return {"ready": True, "seconds": time.monotonic() - started}

    def stack(self):
        from bench.server import Stack

        return Stack(
            self.settings,
            self.config["workers"],
            port=self.port,
            log=self.results / f"day-compare-server-{self.name}.log",
        )

    def wait_until_quiet(self, stack, seconds: float = 30) -> None:
        """Until the stack's gunicorn and Celery processes have booted (gunicorn answers as soon as
        one worker has; the others import Django meanwhile): their CPU over half a second below a
        tenth of a core. Their boot is then not counted in the first step measured after it."""
        from bench.cpu import cpu_seconds, one_stack

        keep = one_stack(stack.process_groups, self.database)

        def used() -> float:
            return sum(t for (kind, _), t in cpu_seconds(keep).items() if kind in ("gunicorn", "celery"))

        deadline = time.monotonic() + seconds
        before = used()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            after = used()
            if after - before < QUIET_SHARE * 0.5:
                return
            before = after

    def trivial(self) -> dict:
        from bench.load import closed_loop

        async def alive(http, client, n):
            async with http.get(f"{stack.base_url}/health/alive/") as response:
                await response.read()
                return None if response.status == 200 else f"alive: HTTP {response.status}"

        with self.stack() as stack:
            self.wait_until_quiet(stack)
            stack.wait_until_idle()
            measurement = asyncio.run(
                closed_loop(
                    "Trivial endpoint (/health/alive/)",
                    alive,
                    clients=self.config["phones"],
                    seconds=self.config["seconds"],
                )
            )
        self.say(measurement)
        return {
            "trivial": {
                "name": measurement.name,
                "clients": measurement.clients,
                "seconds": measurement.seconds,
                "rate": measurement.rate,
                "p50_ms": measurement.percentile(50),
                "p95_ms": measurement.percentile(95),
                "p99_ms": measurement.percentile(99),
                "errors": measurement.errors,
            }
        }

    def step(self, index: int) -> dict:
        from bench import day
        from bench.cpu import cpu_seconds, one_stack

        with self.stack() as stack:
            self.wait_until_quiet(stack)
            keep = one_stack(stack.process_groups, self.database)
            result = self.steps.step(index, stack.base_url, stack.wait_until_idle, cpu=lambda: cpu_seconds(keep))
        return {"step": day.record(result)}

    def serve(self) -> None:
        self.answer(self.prepare())
        for line in sys.stdin:
            order = json.loads(line)
            if order["do"] == "quit":
                return
            try:
                if order["do"] == "trivial":
                    self.answer(self.trivial())
                elif order["do"] == "step":
                    self.answer(self.step(order["index"]))
                else:
                    self.answer({"error": f"no such order: {order['do']!r}"})
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - the side goes on: its next order may work
                traceback.print_exc()
                self.answer({"error": f"{type(exc).__name__}: {exc}"})


def main() -> None:
    # The answers keep standard output to themselves; everything else goes to standard error,
    # including what migrate and the stack's processes started from here inherit.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout.reconfigure(line_buffering=True)

    # Stopped by bench/compare.py (an error, Ctrl-C): leave through the `with Stack` blocks, so the
    # side's gunicorn and worker (each in a session of its own) are stopped with it.
    def stop(*_):
        raise Stopped

    signal.signal(signal.SIGTERM, stop)

    def answer(message: dict) -> None:
        answers.write(json.dumps(message) + "\n")

    config = json.loads(sys.stdin.readline())
    try:
        Runner(config, answer).serve()
    except (Stopped, KeyboardInterrupt):
        raise SystemExit(143) from None
    except (Exception, SystemExit) as exc:
        traceback.print_exc()
        answer({"error": f"{type(exc).__name__}: {exc}"})
        raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
