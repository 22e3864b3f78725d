"""Lean twins of hot JSON routes: the same handler without FastAPI's per-request dependency solving (issue 23).

A `LeanRoute` sits in front of a documented route (which stays as it is, for the OpenAPI document and for every
request the twin declines). It takes a request only when it is the plain case: the method and path of the route,
a JSON content type, a body that parses and validates, the caller already authenticated by `BasicAuthGate`. Then
it resolves what the handler's dependencies would (the namespace's emulator, the user) in one step and runs the
handler in the thread pool as FastAPI does a `def` handler, or on the event loop when `light` says the call is
short and waits for nothing (the hand-over to a worker thread and back costs more than such a call). Anything else
(an odd content type, malformed JSON, a body the model rejects) goes on to the documented route with the body
replayed, so every error is FastAPI's own.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import Message, Receive, Scope, Send

from emulator.core.catalog import UserInfo
from emulator.dialects.http.namespace_router import namespace_of
from emulator.dialects.http.paths import route_path
from emulator.runtime.emulator import Emulator

P = ParamSpec("P")
T = TypeVar("T")
Handler = Callable[[Any, UserInfo, Emulator], Any]
Light = Callable[[Any, bytes, Emulator], bool]
DECLINED = "aip_lean_declined"  # scope key: the documented route answers this request
JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"})


class LeanRoute(BaseRoute):
    """`method paths` answered by `handler(body, user, emulator)` when the request is the plain case."""

    def __init__(self, method: str, paths: set[str], model: type[BaseModel], handler: Handler, light: Light) -> None:
        self.method, self.paths, self.model, self.handler, self.light = method, frozenset(paths), model, handler, light

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != self.method or DECLINED in scope:
            return Match.NONE, {}
        if scope["app"].dependency_overrides:  # the documented route honours them; the twin solves no dependency
            return Match.NONE, {}
        return (Match.FULL if route_path(scope) in self.paths else Match.NONE), {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await Request(scope, receive, send).body()
        parsed = _parsed(scope, body, self.model)
        user: UserInfo | None = scope.get("state", {}).get("user")
        if parsed is None or user is None:
            scope[DECLINED] = True  # the router again, to the documented route this time
            await scope["router"](scope, _replay(body, receive), send)
            return
        found = namespace_of(scope)
        emulator: Emulator = found.emulator if found is not None else scope["app"].state.emulator
        if self.light(parsed, body, emulator):
            response = self.handler(parsed, user, emulator)
        else:
            response = await run_in_threadpool(self.handler, parsed, user, emulator)
        await response(scope, receive, send)


def _parsed(scope: Scope, body: bytes, model: type[BaseModel]) -> BaseModel | None:
    """The body as FastAPI would validate it (JSON read by `json.loads`, the model in Python mode), or None."""
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    if not body or content_type.decode("latin-1").lower() not in JSON_TYPES:
        return None
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, RecursionError):  # bad JSON or UTF-8, a body the model rejects, nesting too deep
        return None


def _replay(body: bytes, then: Receive) -> Receive:
    """A receive that hands `body` over once, then goes on with the server's (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def install(app: Any, method: str, path: str, *, model: type[BaseModel], handler: Handler, light: Light) -> None:
    """Put a lean twin of the documented `method path.json` (and `path`) in front of every other route."""
    app.router.routes.insert(0, LeanRoute(method, {path, path + ".json"}, model, handler, light))


async def alone_or_in_thread(
    alone: bool, lock: threading.RLock, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`work` (a write, a reset) on the event loop when the caller is `alone` (no other request to overlap with) and
    `lock` (the index's single writer) is free, holding it meanwhile: a test suite's sequential call then skips the
    hand-over to a worker thread and back. Otherwise in the thread pool: the loop never waits for the lock, and
    beside other requests the SQLite and file calls, which release the interpreter lock, overlap their work."""
    if alone and lock.acquire(blocking=False):
        try:
            return work(*args, **kwargs)
        finally:
            lock.release()
    return await run_in_threadpool(work, *args, **kwargs)
