"""Stand-ins for a real AIP in capture and compare tests: an emulator on generated fixtures, and a small proxy in
front of one that alters answers (a changed field, a reordered page, a dropped asset, a 500, a 429, HTML, a cut)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from emulator.seeding.generate import generate
from emulator.server import EmulatorServer
from emulator.settings import Settings


@dataclass
class Reply:
    """What the proxy answers instead of (or after altering) the upstream's answer."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """A request the proxy passed on: method, path, JSON body (or None)."""

    method: str
    path: str
    body: Any


# alter(request, upstream answer) -> a reply to send instead, or None to pass the upstream's answer on
Alter = Callable[[Seen, httpx.Response], Reply | None]
CUT = Reply(-1, b"")  # close the connection without answering


@contextmanager
def generated_source(tmp: Path, assets: int) -> Iterator[EmulatorServer]:
    """An emulator serving `assets` generated assets (every attribute type, references, locations)."""
    fixtures = tmp / "generated"
    generate(fixtures, assets, seed=7)
    with EmulatorServer(Settings(fixtures=fixtures, data_dir=tmp / "generated-data")) as server:
        yield server


class Proxy:
    """A threaded HTTP proxy to `upstream`; `alter` may replace any answer. `seen` lists what passed."""

    def __init__(self, upstream: str, alter: Alter) -> None:
        self.upstream, self.alter, self.seen = upstream, alter, list[Seen]()
        self.client = httpx.Client(base_url=upstream, timeout=30)
        self.server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll: shutdown() waits for the loop's next look (0.5 s by default), in every test that uses one.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> Proxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.client.close()

    def forward(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply | None:
        seen = Seen(method, path, json.loads(raw) if raw else None)
        self.seen.append(seen)
        keep = {k: v for k, v in headers.items() if k.lower() in {"authorization", "content-type", "accept"}}
        answer = self.client.request(method, path, headers=keep, content=raw)
        replaced = self.alter(seen, answer)
        if replaced is not None:
            return None if replaced is CUT else replaced
        return Reply(answer.status_code, answer.content, {"Content-Type": answer.headers.get("content-type", "")})


class _QuietServer(ThreadingHTTPServer):
    """Waits for its handlers on close (a slow answer ends inside its test) and keeps quiet about clients that
    hung up on purpose (a timeout, a cut)."""

    daemon_threads = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def _handler(proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

        def log_message(self, *_args: Any) -> None:
            pass

        def _any(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            reply = proxy.forward(self.command, self.path, dict(self.headers.items()), raw)
            if reply is None:
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(reply.status)
            for name, value in {**reply.headers, "Content-Length": str(len(reply.body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = _any  # noqa: N815 - http.server's names

    return Handler


def json_reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})
