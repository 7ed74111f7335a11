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
import errno
import os
import socket
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
        parts.append(data[chunk_start : chunk_start + size])
        at = chunk_start + size + 2


class _Exchange:
    """One request and its answer on a connection of its own: a non-blocking socket driven by the
    event loop's reader and writer callbacks (no transport, no task, no future)."""

    __slots__ = (
        "client",
        "request",
        "callback",
        "arguments",
        "sock",
        "fd",
        "deadline",
        "data",
        "status",
        "headers",
        "body_start",
        "length",
        "chunked",
        "watching",
        "finished",
    )

    def __init__(self, client: "Client", request: bytes, callback, arguments: tuple):
        self.client, self.request, self.callback, self.arguments = client, request, callback, arguments
        self.data = b""
        self.status = 0  # 0 until the head is in
        self.headers = None
        self.body_start = self.length = 0
        self.chunked = False
        self.watching = None  # "reading", "writing" or None
        self.finished = False
        self.sock = None

    def start(self) -> None:
        client = self.client
        try:
            self.sock = sock = socket.socket(client.family, socket.SOCK_STREAM)
        except OSError as exc:
            # Out of file descriptors (a server that stopped answering leaves thousands of requests
            # open): the request was never sent, and counts as an error of its kind, never lost.
            self._fail(f"could not open a connection: {errno.errorcode.get(exc.errno, exc.errno)} {exc.strerror}")
            return
        sock.setblocking(False)
        self.fd = sock.fileno()
        self.deadline = client.loop.time() + client.timeout
        client.in_flight.add(self)
        client.watch()
        code = sock.connect_ex(client.address)
        if code not in (0, errno.EINPROGRESS):
            self._fail(
                f"could not connect to {client.host}:{client.port}: "
                f"{errno.errorcode.get(code, code)} {os.strerror(code)}"
            )
            return
        # On loopback the handshake is usually over by now: send at once, or once it is.
        self._send(connecting=code != 0)

    def _send(self, connecting: bool = False) -> None:
        try:
            sent = self.sock.send(self.request)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as exc:
            if connecting and exc.errno == errno.ENOTCONN:
                sent = 0  # still connecting: sent once the socket is writable
            elif connecting:  # the handshake failed (refused, unreachable)
                self._fail(
                    f"could not connect to {self.client.host}:{self.client.port}: "
                    f"{errno.errorcode.get(exc.errno, exc.errno)} {exc.strerror}"
                )
                return
            else:
                self._fail(f"could not send the request: {type(exc).__name__}: {exc}")
                return
        self.request = self.request[sent:]
        loop = self.client.loop
        if self.request:
            if self.watching != "writing":
                loop.add_writer(self.fd, self._writable)
                self.watching = "writing"
        else:
            if self.watching == "writing":
                loop.remove_writer(self.fd)
            loop.add_reader(self.fd, self._readable)
            self.watching = "reading"

    def _writable(self) -> None:
        error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            self._fail(
                f"could not connect to {self.client.host}:{self.client.port}: "
                f"{errno.errorcode.get(error, error)} {os.strerror(error)}"
            )
            return
        self._send()

    def _readable(self) -> None:
        try:
            data = self.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._fail(f"connection lost before the whole answer: {type(exc).__name__}: {exc}")
            return
        if not data:
            self._ended()
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
                    self._finish(Response(self.status, self.headers, body))
            elif self.length is not None and len(self.data) - self.body_start >= self.length:
                self._finish(
                    Response(self.status, self.headers, self.data[self.body_start : self.body_start + self.length])
                )
        except ClientError as exc:
            self._finish(exc)

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

    def _ended(self) -> None:
        """The server closed the connection: the end of the body, or of an answer cut short."""
        if self.status and self.length is None and not self.chunked:
            self._finish(Response(self.status, self.headers, self.data[self.body_start :]))
        elif not self.status:
            self._fail(f"the server closed the connection after {len(self.data)} bytes, before the answer's head ended")
        else:
            got = len(self.data) - self.body_start
            self._fail(
                f"the server closed the connection {got} bytes into a body "
                f"{'chunked' if self.chunked else f'of {self.length}'} (HTTP {self.status})"
            )

    def expire(self) -> None:
        got = f"{len(self.data)} bytes" + (f" (HTTP {self.status})" if self.status else "")
        self._fail(
            f"no whole answer within {self.client.timeout:g} s: "
            + (got + " received" if self.watching == "reading" else "still connecting")
        )

    def _fail(self, reason: str) -> None:
        self._finish(ClientError(reason))

    def _finish(self, result) -> None:
        if self.finished:
            return
        self.finished = True
        if self.watching == "reading":
            self.client.loop.remove_reader(self.fd)
        elif self.watching == "writing":
            self.client.loop.remove_writer(self.fd)
        if self.sock is not None:
            self.sock.close()
        self.client.in_flight.discard(self)
        self.callback(result, *self.arguments)


class Client:
    """Requests to one HTTP server (``base_url``: http://host:port), each on a connection of its own.
    Made inside the event loop that runs the requests."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT, headers: dict[str, str] = PROXY_HEADERS):
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"an http://host:port address is needed, not {base_url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.family, _, _, _, self.address = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)[0]
        self.timeout = timeout
        self.loop = asyncio.get_running_loop()
        self.in_flight: set[_Exchange] = set()
        self._sweeper = None
        default = f"Host: {parts.netloc}\r\nConnection: close\r\nAccept: */*\r\nUser-Agent: casereview-bench\r\n"
        self._default = default + "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, form=None) -> bytes:
        """The request as sent: ``path`` with its query string; ``form`` (a dict or (name, value)
        pairs; a list value repeats the name) sent urlencoded, as a browser's form is."""
        head = f"{method} {path} HTTP/1.1\r\n{self._default}"
        if headers:
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        if form is None:
            return (
                (head + "\r\n").encode("latin-1")
                if method != "POST"
                else (head + "Content-Length: 0\r\n\r\n").encode("latin-1")
            )
        body = urlencode(form, doseq=True).encode()
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode("latin-1") + body

    def start(self, request: bytes, callback, *arguments) -> None:
        """Send ``request`` (from ``request()``) on a new connection, now; once the whole answer is
        in, or the exchange failed, ``callback(result, *arguments)`` with a Response or a
        ClientError. No task and no future: the cheapest way, for a generator sending many."""
        _Exchange(self, request, callback, arguments).start()

    async def send(self, request: bytes) -> Response:
        """``start()`` for a coroutine: the Response, or ClientError raised."""
        future = self.loop.create_future()
        self.start(request, _settle, future)
        return await future

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return await self.send(self.request("GET", path, headers))

    async def post(self, path: str, form, headers: dict[str, str] | None = None) -> Response:
        return await self.send(self.request("POST", path, headers, form))

    def watch(self) -> None:
        """One timer for all exchanges, not one each: every tenth of the timeout (at most a
        second) it ends those past their deadline."""
        if self._sweeper is None:
            self._sweeper = self.loop.call_later(min(1.0, self.timeout / 10), self._sweep)

    def _sweep(self) -> None:
        self._sweeper = None
        now = self.loop.time()
        for exchange in [exchange for exchange in self.in_flight if exchange.deadline <= now]:
            exchange.expire()
        if self.in_flight:
            self.watch()

    def close(self) -> None:
        """End every exchange still in flight, each with a ClientError."""
        for exchange in list(self.in_flight):
            exchange._fail("the client was closed before the whole answer")
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None


def _settle(result, future: asyncio.Future) -> None:
    if future.done():
        return  # the waiting coroutine was cancelled
    if isinstance(result, ClientError):
        future.set_exception(result)
    else:
        future.set_result(result)
