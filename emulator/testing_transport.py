"""In-process clients of an ASGI app at the cost of a call (issue 29): one event loop kept in a thread of its own,
and httpx's ASGI transport on it.

Starlette's `TestClient`, used outside its context manager, starts a blocking portal (a new thread, a new event
loop, new worker threads for the `def` handlers) for every request and stops it again. `AppLoop` keeps one loop for
as long as it lives, with one long-lived root task, so anyio keeps its worker threads between requests too;
`in_process_client` sends each request there in one hop and reads the whole answer. No lifespan runs: whoever made
the app owns it (`close_app`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import httpx
from starlette.types import ASGIApp

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


class LoopTransport(httpx.BaseTransport):
    """A sync transport that hands every request to httpx's ASGI transport on an `AppLoop`."""

    def __init__(self, app: ASGIApp, loop: AppLoop) -> None:
        self._asgi = httpx.ASGITransport(app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body as a ByteStream, which the ASGI transport reads asynchronously
        return self._loop.run(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        answer = await self._asgi.handle_async_request(request)
        content = b"".join([part async for part in answer.aiter_raw()])  # as sent: the client decodes it
        return httpx.Response(
            answer.status_code, headers=answer.headers, stream=httpx.ByteStream(content), extensions=answer.extensions
        )


def in_process_client(app: ASGIApp, loop: AppLoop, base_url: str = BASE_URL) -> httpx.Client:
    """A client of `app` driven on `loop`; it follows redirects, as Starlette's `TestClient` does."""
    return httpx.Client(transport=LoopTransport(app, loop), base_url=base_url, follow_redirects=True)


def in_process_async_client(app: ASGIApp, base_url: str = BASE_URL) -> httpx.AsyncClient:
    """An async client of `app` on the caller's own event loop (anyio's or pytest-asyncio's)."""
    transport = httpx.ASGITransport(app)
    return httpx.AsyncClient(transport=transport, base_url=base_url, follow_redirects=True)
