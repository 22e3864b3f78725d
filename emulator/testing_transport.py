"""In-process clients of an ASGI app at the cost of a call (issue 29): one event loop kept in a thread of its own,
and an ASGI transport for httpx on it.

Starlette's `TestClient`, used outside its context manager, starts a blocking portal (a new thread, a new event
loop, new worker threads for the `def` handlers) for every request and stops it again. `AppLoop` keeps one loop for
as long as it lives, with one long-lived root task, so anyio keeps its worker threads between requests too;
`in_process_client` sends each request there in one hop (`AppTransport`, a leaner httpx `ASGITransport`) and
reads the whole answer. No lifespan runs: whoever made the app owns it (`close_app`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import anyio
import httpx
from starlette.types import ASGIApp, Message, Scope

T = TypeVar("T")
BASE_URL = "http://testserver"  # the host name Starlette's TestClient sends; the Host guard lets it through


class AppLoop:
    """An asyncio event loop running in a daemon thread until `close`."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), name="aip-emulator-loop", daemon=True)
        self._thread.start()
        self._ready.wait()

    async def _main(self) -> None:
        # The root task anyio finds (asyncio.run's): its worker threads live as long as it does, not one request.
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await self._stop.wait()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the loop and wait for its result (its exception is raised here)."""
        if self._loop is None or not self._thread.is_alive():
            work.close()
            raise RuntimeError("the in-process client's event loop is closed")
        if threading.current_thread() is self._thread:
            work.close()
            raise RuntimeError("an in-process client was called from inside its own app: it would wait for itself")
        done: Future[T] = asyncio.run_coroutine_threadsafe(work, self._loop)
        return done.result()

    def close(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def __enter__(self) -> AppLoop:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AppTransport(httpx.AsyncBaseTransport):
    """httpx's `ASGITransport`, less its cost: that one tries `import sniffio` on every request (about 0.3 ms when
    sniffio is not installed, as anyio 4 no longer needs it); this one waits on anyio's event, whatever the loop.
    The app's exceptions are raised to the caller; the whole answer is read before it is returned."""

    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self._app = app
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = _Exchange(request)
        await self._app(_scope(request, self._client), exchange.receive, exchange.send)
        return exchange.response()


def _scope(request: httpx.Request, client: tuple[str, int]) -> Scope:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "server": (url.host, url.port),
        "client": client,
        "root_path": "",
    }


class _Exchange:
    """One request handed to the app and the answer it sends back."""

    def __init__(self, request: httpx.Request) -> None:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("an in-process request needs an async body stream")
        self._chunks = aiter(request.stream)
        self._sent_all = False
        self._head = request.method == "HEAD"
        self._status: int | None = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._complete = anyio.Event()

    async def receive(self) -> Message:
        if self._sent_all:  # the app listens for a disconnect: it comes once the answer is complete
            await self._complete.wait()
            return {"type": "http.disconnect"}
        try:
            chunk = await anext(self._chunks)
        except StopAsyncIteration:
            self._sent_all = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._status, self._headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            if not self._head:
                self._body.append(message.get("body", b""))
            if not message.get("more_body", False):
                self._complete.set()

    def response(self) -> httpx.Response:
        if self._status is None or not self._complete.is_set():
            raise RuntimeError("the app returned without a complete answer")
        return httpx.Response(self._status, headers=self._headers, stream=httpx.ByteStream(b"".join(self._body)))


class LoopTransport(httpx.BaseTransport):
    """A sync transport that hands every request to the app on an `AppLoop`, in one hop."""

    def __init__(self, app: ASGIApp, loop: AppLoop) -> None:
        self._app = AppTransport(app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body as a ByteStream, which is an async stream too
        return self._loop.run(self._app.handle_async_request(request))


def in_process_client(app: ASGIApp, loop: AppLoop, base_url: str = BASE_URL) -> httpx.Client:
    """A client of `app` driven on `loop`; it follows redirects, as Starlette's `TestClient` does."""
    return httpx.Client(transport=LoopTransport(app, loop), base_url=base_url, follow_redirects=True)


def in_process_async_client(app: ASGIApp, base_url: str = BASE_URL) -> httpx.AsyncClient:
    """An async client of `app` on the caller's own event loop (anyio's or pytest-asyncio's)."""
    return httpx.AsyncClient(transport=AppTransport(app), base_url=base_url, follow_redirects=True)
