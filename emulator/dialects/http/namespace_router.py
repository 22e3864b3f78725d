"""Addressing a namespace over HTTP: the `/_ns/{name}` path prefix or the `X-AIP-Emulator-Namespace` header.

`NamespaceRouter` is the outermost emulator middleware. It picks the namespace (the prefix wins over the header;
neither: `default`), opens or creates it, and hands the request on with the namespace in `scope["state"]`. A prefix
moves into `root_path` as ASGI intends, so routing, mounts, `request.base_url` (links) and `/docs` all work under
it, and `route_path(scope)` is the plain path that errors, the journal, fault rules and the auth gate look at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

from anyio import to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.errors import EmulatorError, TooManyNamespaces
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.overrides import CURRENT_APP
from emulator.dialects.http.paths import route_path
from emulator.runtime.namespaces import Namespace, Namespaces

log = logging.getLogger("aip_emulator")
PREFIX = "/_ns/"
HEADER = b"x-aip-emulator-namespace"
SCOPE_KEY = "aip_namespace"
_CURRENT: ContextVar[Namespace | None] = ContextVar("aip_namespace", default=None)


def namespace_of(scope: Scope) -> Namespace | None:
    """The namespace `NamespaceRouter` picked for this request (None outside it)."""
    found: Namespace | None = scope.get("state", {}).get(SCOPE_KEY)
    return found


def current_now_ms(default: Callable[[], int]) -> Callable[[], int]:
    """A clock reading the current request's namespace clock (`default` outside a request)."""

    def now_ms() -> int:
        found = _CURRENT.get()
        return found.emulator.clock.now_ms() if found is not None else default()

    return now_ms


def split_prefix(path: str) -> tuple[str | None, str]:
    """(`name`, the rest) of `/_ns/{name}/rest`; (None, path) without a prefix."""
    if not path.startswith(PREFIX):
        return None, path
    name, _, rest = path[len(PREFIX) :].partition("/")
    return name, "/" + rest


class NamespaceRouter:
    """Puts each request into its namespace."""

    def __init__(self, app: ASGIApp, namespaces: Namespaces, dialects: Dialects) -> None:
        self.app, self.namespaces, self.dialects = app, namespaces, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name, rest = split_prefix(route_path(scope))
        by_prefix = name is not None
        if name is None:
            name = next((v.decode("latin-1") for k, v in scope["headers"] if k == HEADER), None)
        try:
            found = await self._namespace(name)
        except Exception as exc:
            await self._refusal(name, rest, exc)(scope, receive, send)
            return
        scope = dict(scope)
        if by_prefix:
            scope["root_path"] = scope.get("root_path", "") + PREFIX + found.name
        scope["state"] = {**scope.get("state", {}), SCOPE_KEY: found}
        await self._serve(found, scope, receive, send)

    def _refusal(self, name: str | None, rest: str, exc: Exception) -> Response:
        if not isinstance(exc, EmulatorError):  # a namespace that cannot be opened (a full disk, a damaged one)
            log.exception("namespace %s could not be opened", name)
            exc = EmulatorError(f"namespace {name!r} could not be opened: {type(exc).__name__}: {exc}")
        # a bad name (400) or an unknown one (404) in the addressed dialect's shape; one too many (429): one body
        shape = self.dialects.control if isinstance(exc, TooManyNamespaces) else rest
        return render_error(self.dialects, shape, exc)

    async def _namespace(self, name: str | None) -> Namespace:
        if name is None:
            return self.namespaces.default
        found = self.namespaces.peek(name)
        if found is None:  # opening or creating one touches the disk: off the event loop
            found = await to_thread.run_sync(self.namespaces.get, name)
        return found

    async def _serve(self, found: Namespace, scope: Scope, receive: Receive, send: Send) -> None:
        token, app_token = _CURRENT.set(found), CURRENT_APP.set(scope.get("app"))
        found.active += 1
        found.touch()
        try:
            await self.app(scope, receive, send)
        finally:
            found.active -= 1
            found.touch()
            CURRENT_APP.reset(app_token)
            _CURRENT.reset(token)
