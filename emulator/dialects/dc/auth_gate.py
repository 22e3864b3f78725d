"""Basic authentication checked before anything else reads the request.

Jira authenticates in a servlet filter, so a caller without valid credentials gets 401 even when its body is
malformed. FastAPI parses bodies before it runs dependencies; this ASGI middleware restores Jira's order.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.auth import basic_user
from emulator.core.errors import AuthenticationError
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.namespace_router import namespace_of
from emulator.dialects.http.paths import route_path
from emulator.runtime.emulator import Emulator


class BasicAuthGate:
    """Authenticates every request under `prefix`; the user lands in `request.state.user`."""

    def __init__(self, app: ASGIApp, emulator: Emulator, prefix: str, dialects: Dialects) -> None:
        self.app, self.emulator, self.prefix, self.dialects = app, emulator, prefix, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (path := route_path(scope)).startswith(self.prefix):
            header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)
            found = namespace_of(scope)
            emulator = found.emulator if found is not None else self.emulator
            try:
                user = basic_user(header, emulator.catalog)
            except AuthenticationError as exc:
                await render_error(self.dialects, path, exc)(scope, receive, send)
                return
            scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)
