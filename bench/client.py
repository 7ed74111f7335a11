"""A lean HTTP/1.1 client for the workshop-day model (bench/day.py), where the load generator shares
the machine's two cores with the server it measures.

One short-lived connection per request, as gunicorn's sync workers (and a TLS proxy in front of
them) have it: ``Connection: close``, no pool, no cookie jar (each simulated person sends their own
``Cookie``). A request is a bytes object, encoded once where it can be (``Client.request``) and sent
as it is. Of the answer only the status line and the headers are parsed, and the body is kept as
bytes: its length comes from ``Content-Length``, from chunked framing (gunicorn chunks an answer
that has no ``Content-Length``, e.g. a streamed one), or from the connection's end; 1xx, 204 and 304
answers have none. Every failure (refused, reset, closed before the answer's end, a malformed
answer, no whole answer within the timeout) raises ``ClientError`` with the reason, never hidden.

aiohttp cost about 1 ms of the generator's CPU a request here (a pool, a cookie jar, a task and a
response object of many parts per request); see docs/benchmarks.md for what this one costs.
"""

import asyncio
from urllib.parse import urlencode, urlsplit

# What the load balancer in front of gunicorn adds: the site runs with HTTPS behind a TLS proxy.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
TIMEOUT = 60.0  # seconds for the whole exchange: connecting, sending, the whole answer read
NO_BODY = frozenset({204, 304})


class ClientError(Exception):
    """A request that got no whole HTTP answer; the message says why."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers  # names in lower case; a repeated header keeps its last value
        self.body = body

    def __repr__(self) -> str:
        return f"<Response {self.status}, {len(self.body)} bytes>"


def _chunked(data: bytes, start: int) -> bytes | None:
    """The body of chunked framing beginning at ``start``; None while it is not complete."""
    parts, at = [], start
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        try:
            size = int(data[at:line_end].split(b";", 1)[0], 16)
        except ValueError:
            raise ClientError(f"malformed chunk size {bytes(data[at:line_end])[:20]!r}") from None
        if size == 0:
            # The last chunk, then trailers (none expected) and an empty line.
            return b"".join(parts) if data.find(b"\r\n\r\n", line_end) >= 0 else None
        chunk_start = line_end + 2
        if len(data) < chunk_start + size + 2:
            return None
        parts.append(data[chunk_start:chunk_start + size])
        at = chunk_start + size + 2


class _Exchange(asyncio.Protocol):
    """One request and its answer on a connection of its own."""

    __slots__ = ("request", "future", "transport", "data", "status", "headers", "body_start", "length", "chunked")

    def __init__(self, request: bytes, future: asyncio.Future):
        self.request, self.future = request, future
        self.transport = None
        self.data = b""
        self.status = 0  # 0 until the head is in
        self.headers = None
        self.body_start = self.length = 0
        self.chunked = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        if self.future.done():
            return
        self.data = self.data + data if self.data else data
        try:
            if not self.status:
                end = self.data.find(b"\r\n\r\n")
                if end < 0:
                    if len(self.data) > 65536:
                        raise ClientError("no end to the answer's head in 64 KiB")
                    return
                self._head(end)
            if self.chunked:
                body = _chunked(self.data, self.body_start)
                if body is not None:
                    self._done(body)
            elif self.length is not None and len(self.data) - self.body_start >= self.length:
                self._done(self.data[self.body_start:self.body_start + self.length])
        except ClientError as exc:
            self._fail(exc)

    def _head(self, end: int) -> None:
        lines = self.data[:end].decode("latin-1").split("\r\n")
        status_line = lines[0]
        if not status_line.startswith("HTTP/1.") or len(status_line) < 12 or not status_line[9:12].isdigit():
            raise ClientError(f"not an HTTP/1.x status line: {status_line[:40]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.status, self.headers, self.body_start = int(status_line[9:12]), headers, end + 4
        if self.status in NO_BODY or self.status < 200:
            self.length = 0
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            self.chunked = True
        elif "content-length" in headers:
            try:
                self.length = int(headers["content-length"])
            except ValueError:
                raise ClientError(f"malformed Content-Length {headers['content-length'][:20]!r}") from None
        else:
            self.length = None  # the body runs to the connection's end

    def _done(self, body: bytes) -> None:
        self.future.set_result(Response(self.status, self.headers, bytes(body)))
        self.transport.close()

    def _fail(self, exc: Exception) -> None:
        if not self.future.done():
            self.future.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()

    def eof_received(self) -> bool:
        if not self.future.done():
            if self.status and self.length is None:
                self._done(self.data[self.body_start:])
            elif not self.status:
                self._fail(ClientError(f"the server closed the connection after {len(self.data)} bytes, before the answer's head ended"))
            else:
                got = len(self.data) - self.body_start
                expected = "chunked" if self.chunked else f"of {self.length}"
                self._fail(ClientError(f"the server closed the connection {got} bytes into a body {expected} (HTTP {self.status})"))
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.future.done():
            reason = f"{type(exc).__name__}: {exc}" if exc else "closed"
            self.future.set_exception(ClientError(f"connection lost before the whole answer: {reason}"))


class Client:
    """Requests to one HTTP server (``base_url``: http://host:port), each on a connection of its own."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT, headers: dict[str, str] = PROXY_HEADERS):
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"an http://host:port address is needed, not {base_url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        default = f"Host: {parts.netloc}\r\nConnection: close\r\nAccept: */*\r\nUser-Agent: casereview-bench\r\n"
        self._default = default + "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, form=None) -> bytes:
        """The request as sent: ``path`` with its query string; ``form`` (a dict or (name, value)
        pairs; a list value repeats the name) sent urlencoded, as a browser's form is."""
        head = f"{method} {path} HTTP/1.1\r\n{self._default}"
        if headers:
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        if form is None:
            return (head + "\r\n").encode("latin-1") if method != "POST" else (head + "Content-Length: 0\r\n\r\n").encode("latin-1")
        body = urlencode(form, doseq=True).encode()
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode("latin-1") + body

    async def send(self, request: bytes) -> Response:
        """Send ``request`` (from ``request()``) on a new connection; the whole answer, read."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        exchange = _Exchange(request, future)
        timer = loop.call_later(self.timeout, self._expire, exchange, asyncio.current_task())
        try:
            try:
                await loop.create_connection(lambda: exchange, self.host, self.port)
            except OSError as exc:
                raise ClientError(f"could not connect to {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():  # the timeout, while connecting
                    raise future.exception() from None
                raise
            try:
                return await future
            except asyncio.CancelledError:
                exchange.transport.abort()
                raise
        finally:
            timer.cancel()

    def _expire(self, exchange: _Exchange, task: asyncio.Task) -> None:
        if exchange.future.done():
            return
        got = f"{len(exchange.data)} bytes" + (f" (HTTP {exchange.status})" if exchange.status else "")
        connecting = exchange.transport is None
        exchange._fail(ClientError(f"no whole answer within {self.timeout:g} s: " + ("still connecting" if connecting else f"{got} received")))
        if connecting:
            task.cancel()

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return await self.send(self.request("GET", path, headers))

    async def post(self, path: str, form, headers: dict[str, str] | None = None) -> Response:
        return await self.send(self.request("POST", path, headers, form))
