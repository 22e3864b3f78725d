"""Connections that never finish their request headers are answered 408 and closed after the header deadline, so they
do not pile up; ordinary requests beside them are served, and a request whose headers arrived is never cut."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from emulator.testing import copy_data_dir, free_port
from tests.cli.server import command, env, serve_process

pytestmark = pytest.mark.slow  # starts server or command processes

STALLED = 60  # connections of each kind: enough to show they are all closed, few enough for a small machine
PATIENCE_S = 30.0  # how long a test waits for the server to close a connection (a bound, not a measurement)


@pytest.fixture(scope="module")
def url(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = copy_data_dir(seeded_template, tmp_path_factory.mktemp("slow") / "data")
    port = free_port()
    argv = command("serve", "--data-dir", str(data_dir), "--port", str(port))
    with serve_process(argv, port, env(AIP_EMULATOR_HEADER_TIMEOUT_S="0.5")) as served:
        yield served


def _connect(url: str, first: bytes) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=PATIENCE_S)
    if first:
        sock.sendall(first)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_connections_that_stall_before_or_inside_their_headers_are_answered_408_and_closed(url: str) -> None:
    with ExitStack() as stack:
        silent = [stack.enter_context(_connect(url, b"")) for _ in range(STALLED)]
        started = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n"
        partial = [stack.enter_context(_connect(url, started)) for _ in range(STALLED)]
        healthy = [httpx.get(f"{url}/_emulator/health").status_code for _ in range(5)]
        answers = [_answer(sock) for sock in silent + partial]

    assert healthy == [200] * 5
    assert {answer.split(b"\r\n", 1)[0] for answer in answers} == {b"HTTP/1.1 408 Request Timeout"}


def test_a_keep_alive_connection_that_stalls_in_its_next_headers_is_closed(url: str) -> None:
    with _connect(url, b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n") as sock:
        first = sock.recv(65536)  # the first answer has begun: the connection is between requests after it
        sock.sendall(b"GET /_emulator/health HTTP/1.1\r\n")
        received = first + _answer(sock)

    answers = received.split(b"HTTP/1.1 ")[1:]
    assert [answer[:3] for answer in answers] == [b"200", b"408"]


def test_a_request_whose_headers_arrived_is_not_cut_however_slow_its_body(url: str) -> None:
    body = b'{"name": "slow"}'
    head = b"POST /_emulator/snapshots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
    with _connect(url, head + b"Content-Length: %d\r\n\r\n" % len(body)) as sock:
        for part in (body[:5], body[5:]):  # each part after a pause twice the header deadline
            sock.settimeout(1.0)
            with pytest.raises(TimeoutError):
                sock.recv(1)  # nothing: no 408, not closed
            sock.settimeout(PATIENCE_S)
            sock.sendall(part)
        answer = _answer(sock)

    assert answer.startswith(b"HTTP/1.1 201"), answer


def test_headers_larger_than_h11_reads_are_answered_431_and_not_reset(url: str) -> None:
    """uvicorn answered a text/plain 400 and closed with the rest of the request unread: the kernel reset the
    connection, and a client still sending its 1 MB token saw 'connection reset' (30 of 30), never the answer."""
    response = httpx.get(f"{url}/api/v1/assets", headers={"Authorization": "Bearer " + "a" * 1_000_000})

    message = "the request line and headers are larger than 16384 bytes; send a shorter token, cookie or URL"
    assert (response.status_code, response.json()) == (
        431,
        {"error": "RequestHeaderFieldsTooLarge", "message": message},
    )
    assert httpx.get(f"{url}/_emulator/health").status_code == 200
