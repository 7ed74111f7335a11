"""A closed-loop load generator: N clients, each sending its next request when the last one is
answered, for a fixed time. Latency is measured from sending to the whole answer read."""

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from bench.cpu import cpu_seconds, per_request

# What the load balancer in front of gunicorn adds: the site runs with HTTPS behind a TLS proxy.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Measurement:
    name: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of successful requests, in seconds
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    stored: int | None = None  # rows the database holds afterwards, where the requests store something
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per successful request, by kind of process

    def error(self, why: str) -> None:
        self.errors += 1
        if len(self.error_examples) < 3:
            self.error_examples.append(why)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))  # the smallest value with p% of values at or below it
        return ordered[rank - 1] * 1000


def session(connections: int = 0) -> aiohttp.ClientSession:
    """gunicorn's sync workers close each connection after answering, so none is kept open.
    Cookies are sent by hand: each simulated person has their own."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, force_close=True),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=60),
        headers=PROXY_HEADERS,
    )


# One request of a scenario: (session, client number, its request number) -> None when it did what
# was expected, or a short reason when it did not.
Request = Callable[[aiohttp.ClientSession, int, int], Awaitable[str | None]]


async def closed_loop(name: str, request: Request, *, clients: int, seconds: float) -> Measurement:
    measurement = Measurement(name, clients, seconds)
    deadline = time.perf_counter() + seconds

    async def client(number: int, http: aiohttp.ClientSession) -> None:
        sent = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                problem = await request(http, number, sent)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            sent += 1
            if problem is None:
                measurement.latencies.append(time.perf_counter() - started)
            else:
                measurement.error(problem)

    started, cpu_before = time.perf_counter(), cpu_seconds()
    async with session() as http:
        await asyncio.gather(*(client(number, http) for number in range(clients)))
    measurement.seconds = time.perf_counter() - started  # includes the requests still in flight at the deadline
    measurement.cpu_ms = per_request(cpu_before, cpu_seconds(), measurement.requests)
    return measurement
