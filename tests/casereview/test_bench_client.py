"""The day benchmark's HTTP client (bench/client.py) against small real servers on this machine, and
the day model's step (bench/day.py) driven through it against a stand-in for the site."""

import asyncio
import errno
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from bench import day as day_model
from bench.client import Client, ClientError
from bench.web import THANKS, Person, Phone


def run(coroutine):
    """``asyncio.run`` in a thread of its own, as the benchmark runs it in a process of its own: in
    the whole suite the browser journeys' Playwright (its sync API) keeps an event loop running in
    the main thread until the session ends, and asyncio.run() refuses to start beside it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def http_server(answer):
    """http.server in a thread; ``answer(handler, body)`` answers each request. Every request seen
    is kept as (method, path, headers, body)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append((self.command, self.path, self.headers, body))
            answer(self, body)
            self.close_connection = True

        do_GET = do_POST = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def raw_server(handle):
    """A socket server in a thread: ``handle(connection)`` for each connection, for answers
    http.server would not give (cut short, none at all)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    return data


def answer_with(status: int, body: bytes = b"", headers: dict | None = None):
    def answer(handler, _):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if status != 204:
            handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def test_a_get_sends_the_headers_given_and_reads_status_headers_and_body():
    with http_server(answer_with(200, b"<p>the page</p>", {"HX-Push-Url": "/rooms/1/cases/2/"})) as (base_url, seen):
        response = run(_get(base_url, "/j/ABC/cards/?v=3", {"Cookie": "sessionid=s1", "X-Forwarded-For": "198.18.0.7"}))
    assert (response.status, response.body) == (200, b"<p>the page</p>")
    assert response.headers["hx-push-url"] == "/rooms/1/cases/2/"
    method, path, headers, _ = seen[0]
    assert (method, path) == ("GET", "/j/ABC/cards/?v=3")
    assert headers["Cookie"] == "sessionid=s1"
    assert headers["X-Forwarded-For"] == "198.18.0.7"
    assert headers["X-Forwarded-Proto"] == "https"  # what the TLS proxy in front of gunicorn adds
    assert headers["Connection"] == "close"
    assert headers["Host"] == base_url.removeprefix("http://")


async def _get(base_url, path, headers=None, timeout=5.0):
    return await Client(base_url, timeout=timeout).get(path, headers)


async def _post(base_url, path, form, headers=None):
    return await Client(base_url).post(path, form, headers)


def test_a_204_has_no_body_and_needs_no_length():
    with http_server(answer_with(204)) as (base_url, _):
        response = run(_get(base_url, "/j/ABC/follow/?v=1"))
    assert (response.status, response.body) == (204, b"")
    assert "content-length" not in response.headers


def test_a_post_sends_the_form_urlencoded_with_repeated_names():
    with http_server(answer_with(302, headers={"Location": "/polls/1/"})) as (base_url, seen):
        response = run(
            _post(
                base_url,
                "/j/ABC/polls/4/",
                {"csrfmiddlewaretoken": "t0k", "word": ["feeling safe", "friends & family"]},
                {"X-CSRFToken": "t0k", "HX-Request": "true", "Origin": "https://example.test"},
            )
        )
        pairs = run(_post(base_url, "/rooms/1/cases/2/review/", [("action", "save"), ("themes", "3"), ("themes", "5")]))
    assert response.status == 302 and response.headers["location"] == "/polls/1/"
    assert pairs.status == 302
    (method, path, headers, body), (_, _, _, pairs_body) = seen
    assert method == "POST" and path == "/j/ABC/polls/4/"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert int(headers["Content-Length"]) == len(body)
    assert parse_qsl(body.decode()) == [
        ("csrfmiddlewaretoken", "t0k"),
        ("word", "feeling safe"),
        ("word", "friends & family"),
    ]
    assert (headers["X-CSRFToken"], headers["HX-Request"], headers["Origin"]) == ("t0k", "true", "https://example.test")
    assert parse_qsl(pairs_body.decode()) == [("action", "save"), ("themes", "3"), ("themes", "5")]


def test_a_chunked_answer_is_put_back_together_even_in_pieces_sent_apart():
    def chunked(connection):
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n")
        time.sleep(0.1)
        connection.sendall(b"7\r\n, world\r\n0\r")
        time.sleep(0.1)
        connection.sendall(b"\n")  # the last chunk, but not yet the empty line that ends the answer
        time.sleep(0.1)
        connection.sendall(b"\r\n")
        time.sleep(0.3)  # the answer is whole before the connection ends
        connection.close()

    with raw_server(chunked) as base_url:
        started = time.perf_counter()
        response = run(_get(base_url, "/stream/"))
        took = time.perf_counter() - started
    assert (response.status, response.body) == (200, b"hello, world")
    assert 0.3 <= took < 0.5


def test_an_answer_without_a_length_runs_to_the_connections_end():
    def to_the_end(connection):
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart one, ")
        time.sleep(0.05)
        connection.sendall(b"part two")
        connection.close()

    with raw_server(to_the_end) as base_url:
        response = run(_get(base_url, "/"))
    assert response.body == b"part one, part two"


def _cut_short(sent: bytes):
    def handle(connection):
        read_request(connection)
        connection.sendall(sent)
        connection.close()

    return handle


@pytest.mark.parametrize(
    "sent, reason",
    [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
            "closed the connection 10 bytes into a body of 100 (HTTP 200)",
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Le", "closed the connection after 27 bytes, before the answer's head ended"),
        (b"", "closed the connection after 0 bytes"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "into a body chunked (HTTP 200)"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line"),
    ],
)
def test_an_answer_cut_short_or_not_http_is_an_error_that_says_why(sent, reason):
    with raw_server(_cut_short(sent)) as base_url:
        with pytest.raises(ClientError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            run(_get(base_url, "/"))


def test_a_server_that_never_answers_is_an_error_within_the_timeout():
    hold = threading.Event()

    def silent(connection):
        read_request(connection)
        hold.wait(5)
        connection.close()

    with raw_server(silent) as base_url:
        started = time.perf_counter()
        with pytest.raises(ClientError, match=r"no whole answer within 0\.5 s: 0 bytes received"):
            run(_get(base_url, "/", timeout=0.5))
        took = time.perf_counter() - started
        hold.set()
    assert 0.5 <= took < 1.0


def test_a_refused_connection_is_an_error():
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    with pytest.raises(ClientError, match="could not connect to 127.0.0.1:.*ECONNREFUSED"):
        run(_get(f"http://127.0.0.1:{port}", "/"))


def test_no_file_descriptor_left_is_an_error_of_the_request_not_an_exception(monkeypatch):
    """A collapsing step leaves thousands of requests open; the next ones must still be counted."""

    def no_descriptors(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    results = []

    async def one():
        client = Client("http://127.0.0.1:9")
        monkeypatch.setattr(socket, "socket", no_descriptors)
        client.start(client.request("GET", "/"), lambda result: results.append(result))
        assert not client.in_flight

    run(one())
    assert isinstance(results[0], ClientError) and "could not open a connection: EMFILE Too many open files" in str(
        results[0]
    )


def test_start_calls_back_with_the_answer_or_the_error_and_no_task():
    results = []

    async def both(base_url, refused_url):
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        tasks_before = len(asyncio.all_tasks())

        def called(result, label):
            results.append((label, result))
            if len(results) == 2:
                done.set_result(None)

        client = Client(base_url)
        client.start(client.request("GET", "/x/"), called, "answer")
        Client(refused_url).start(b"GET / HTTP/1.1\r\n\r\n", called, "refused")
        assert len(asyncio.all_tasks()) == tasks_before
        await asyncio.wait_for(done, 5)

    with socket.create_server(("127.0.0.1", 0)) as closed:
        refused_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    with http_server(answer_with(200, b"ok")) as (base_url, _):
        run(both(base_url, refused_url))
    outcomes = dict(results)
    assert outcomes["answer"].status == 200 and outcomes["answer"].body == b"ok"
    assert isinstance(outcomes["refused"], ClientError)


# --- The day model's step, through the client ---------------------------------------------------


def _site(fail_follow: bool = False):
    """A stand-in for the site: the phones' follow check tells of a new version once, the cards
    show the open word poll, the answer thanks, the lead's open redirects, the screens answer."""
    told = set()

    def answer(handler, body):
        path = handler.path
        if "/follow/" in path:
            phone = handler.headers["X-Forwarded-For"]
            if fail_follow:
                return answer_with(500, b"oops")(handler, body)
            if "v=v2" in path or phone in told:
                return answer_with(204)(handler, body)
            told.add(phone)
            return answer_with(200, json.dumps({"version": "v2"}).encode(), {"Content-Type": "application/json"})(
                handler, body
            )
        if "/cards/" in path:
            return answer_with(200, b'<section class="card mb-4 poll-card" id="poll-1000">')(handler, body)
        if "/j/" in path and handler.command == "POST":
            return answer_with(200, b"<div>" + THANKS + b"</div>")(handler, body)
        if path.endswith("/state/"):
            return answer_with(302, headers={"Location": "/polls/1000/"})(handler, body)
        if "/present/results/" in path:
            return answer_with(200, b'<div data-fingerprint="f1">')(handler, body)
        return answer_with(200, b"<html></html>")(handler, body)

    return answer


def _workshop(phones: int):
    person = Person("sessionid=lead", "token")
    return day_model.DayWorkshop(
        1,
        "CODE",
        person,
        [person, person],
        [],
        [(1000, 1001)],
        [day_model.DayPhone(Phone(f"sessionid=p{n}", f"t{n}", 0, f"198.18.0.{n + 1}"), "v1") for n in range(phones)],
    )


@pytest.fixture
def short_day(monkeypatch):
    """The lead opens the word poll at once and the choice poll soon after; phones answer within 1.5 s;
    the phones and the projector ask ten times as often."""
    monkeypatch.setattr(day_model, "WORD_POLL_OPENS", (0.05, 0.1))
    monkeypatch.setattr(day_model, "CHOICE_POLL_AFTER", 0.3)
    monkeypatch.setattr(day_model, "ANSWER_WITHIN", 1.5)
    monkeypatch.setattr(day_model, "FOLLOW_EVERY", (0.2, 0.3))
    monkeypatch.setattr(day_model, "PROJECTOR_EVERY", 0.2)


def test_a_day_step_sends_each_kind_checks_the_answers_and_keeps_the_timeline(short_day):
    with http_server(_site()) as (base_url, seen):
        step = day_model.Day(base_url, [_workshop(phones=5)], 0, 2.0, {})
        run(step.run())
    counted = {kind: (m.requests, m.errors) for kind, m in step.measurements.items()}
    assert all(errors == 0 for _, errors in counted.values()), {
        k: m.error_examples for k, m in step.measurements.items()
    }
    assert counted[day_model.FOLLOW][0] >= 5 * 2.0 / 0.3
    assert counted[day_model.PAGE][0] == 5  # each phone told of the new version once
    assert counted[day_model.ANSWER][0] == 5 and step.answers_sent >= 5  # the word poll, from its card
    assert counted[day_model.OPEN_POLL][0] == 2
    answers = [body for method, path, _, body in seen if method == "POST" and path == "/j/CODE/polls/1000/"]
    assert all(parse_qsl(body.decode())[0][0] == "csrfmiddlewaretoken" for body in answers)
    assert sum(len([v for k, v in parse_qsl(body.decode()) if k == "word"]) for body in answers) == step.answers_sent
    assert any("since=f1" in path for _, path, _, _ in seen)  # the projector's fingerprint, parsed and sent back
    assert len(step.timeline) == sum(requests + errors for requests, errors in counted.values())
    assert step.in_flight == 0


def test_a_day_step_counts_a_failing_answer_as_an_error_with_its_reason(short_day):
    with http_server(_site(fail_follow=True)) as (base_url, _):
        step = day_model.Day(base_url, [_workshop(phones=3)], 0, 1.0, {})
        run(step.run())
    follow = step.measurements[day_model.FOLLOW]
    assert follow.requests == 0 and follow.errors >= 3
    assert follow.error_examples[0] == "follow: HTTP 500"
    assert not any(timed[3] for timed in step.timeline if timed[1] == day_model.FOLLOW)


def test_the_benchmark_phones_follow_as_often_as_the_phone_page_says(client, workshop):
    """Each side of a --compare run follows the presenter as its own page tells poll-phone.js to;
    a page that does not say (before issue 37) is followed every 2 to 3 s, as the script did then."""
    from bench.web import follow_every

    page = client.get(f"/j/{workshop.join_code}/").content
    assert follow_every(page) == (4.0, 6.0)
    assert follow_every(b'<div id="poll-cards" data-follow="/j/ABCDEF/follow/">') is None
    assert day_model.FOLLOW_EVERY == (2.0, 3.0)
