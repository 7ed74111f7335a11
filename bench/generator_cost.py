"""What the day model's load generator costs per request: python -m bench.generator_cost.

Runs bench/day.py's ``Day`` (this checkout's, or the one of a git revision given with --day-from)
for a step of phones, projectors, control rooms and dashboards against a tiny HTTP server in a
process of its own, which answers at once as gunicorn does (a follow check 204, opening a poll 302,
anything else 200 with a small page, then closes the connection). The generator's CPU, from
``time.process_time()``, divided by the requests it made, is the cost of the generator alone:
the server's CPU is in another process. No facilitators, and the follow check never tells of a new
poll, so the mix is the step's without saves, cards and answers (95% follow checks).

    python -m bench.generator_cost --workshops 20 --seconds 20
    python -m bench.generator_cost --workshops 20 --day-from HEAD~3   # the Day of an earlier commit
"""

import argparse
import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

SERVER = (
    r"""
import asyncio, socket, sys

PAGE = b"<html><body>" + b"x" * 2000 + b"</body></html>"
ANSWERS = {
    "follow": b"HTTP/1.1 204 No Content\r\nServer: tiny\r\nConnection: close\r\nVary: Cookie\r\n\r\n",
    "state": b"HTTP/1.1 302 Found\r\nServer: tiny\r\nConnection: close\r\nLocation: /x/\r\nContent-Length: 0\r\n\r\n",
    "page": b"HTTP/1.1 200 OK\r\nServer: tiny\r\nConnection: close\r\nContent-Type: text/html\r\n"""
    r"""Content-Length: %d\r\n\r\n" % len(PAGE) + PAGE,
}

class Answer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.data = transport, b""
    def data_received(self, data):
        self.data += data
        end = self.data.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.data[:end].lower()
        length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0]) if b"content-length:" in head else 0
        if len(self.data) < end + 4 + length:
            return
        path = self.data.split(b" ", 2)[1]
        kind = "follow" if b"/follow/" in path else "state" if b"/state/" in path else "page"
        self.transport.write(ANSWERS[kind])
        self.transport.close()

async def main():
    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

try:
    import uvloop
    uvloop.run(main())
except ImportError:
    asyncio.run(main())
"""
)


def load_day(revision: str | None):
    if revision is None:
        from bench import day

        return day
    source = subprocess.run(
        ["git", "show", f"{revision}:bench/day.py"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "day_at_revision.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("bench.day_at_revision", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workshops(day, count: int) -> list:
    from bench.web import Person, Phone

    made = []
    for number in range(count):
        person = Person(
            "sessionid=abcdefghijklmnopqrstuvwxyz012345; csrftoken=0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        )
        made.append(
            day.DayWorkshop(
                number + 1,
                f"CODE{number:04d}",
                person,
                [person, person],
                [],
                [(1000 + 2 * number, 1001 + 2 * number)],
                [
                    day.DayPhone(
                        Phone(f"sessionid=phone{n}; csrftoken=t{n}", f"t{n}", 0, f"198.18.{number}.{n + 1}"), "v1-abc"
                    )
                    for n in range(day.PHONES_PER_WORKSHOP)
                ],
            )
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generator_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        default="asyncio",
        help=(
            "the event loop: asyncio's own, as bench/day.py runs a step, or uvloop (where installed: not a requirement)"
        ),
    )
    parser.add_argument("--day-from", help="a git revision whose bench/day.py to run (default: this checkout's)")
    options = parser.parse_args()

    day = load_day(options.day_from)
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        port = int(server.stdout.readline())
        base_url = f"http://127.0.0.1:{port}"
        step = day.Day(base_url, workshops(day, options.workshops), 0, options.seconds, {})
        if options.loop == "uvloop":
            import uvloop

            runner = uvloop.run
        else:
            runner = asyncio.run
        wall, cpu, times = time.perf_counter(), time.process_time(), os.times()
        loop_used = []

        async def timed_step():
            loop_used.append(type(asyncio.get_running_loop()).__module__.split(".")[0])
            await step.run()

        runner(timed_step())
        cpu, wall, after = time.process_time() - cpu, time.perf_counter() - wall, os.times()
        user, system = after.user - times.user, after.system - times.system
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    requests = sum(m.requests + m.errors for m in step.measurements.values())
    errors = sum(m.errors for m in step.measurements.values())
    lags = sorted(step.lags)
    follow = step.measurements[day.FOLLOW]
    print(
        f"Day from {options.day_from or 'this checkout'}, {loop_used[0]} loop: {options.workshops} workshops, "
        f"{options.seconds:g} s: {requests:,} requests ({requests / options.seconds:,.0f}/s), {errors} errors"
        f"{' (' + next(m.error_examples[0] for m in step.measurements.values() if m.errors) + ')' if errors else ''}; "
        f"generator CPU {cpu:.2f} s in {wall:.1f} s = {cpu * 1000 / requests:.3f} ms a request "
        f"(user {user * 1000 / requests:.3f}, system {system * 1000 / requests:.3f}), "
        f"{cpu / options.seconds * 100:.0f}% of a core over the step's {options.seconds:g} s; "
        f"follow check p50 {follow.percentile(50):.1f} ms, p99 {follow.percentile(99):.1f} ms; "
        f"sent late p99 {lags[int(0.99 * (len(lags) - 1))] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
