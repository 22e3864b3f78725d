"""While the emulator starts in the background, every request is answered 503, in the shape of its dialect.

`GET /_emulator/health` says what the start is doing and how far it is: 503 `{"status": "starting", "message",
"progress"}`. Every other route answers 503 with `Retry-After` in its dialect's error shape (the DC envelope, the
Cloud body, Jira's, the control body), inside a namespace too: namespaces are made from the default emulator's
baseline, which does not exist yet. The web page's static files are served meanwhile (the page then meets the 503s).
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.errors import Unavailable
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.namespace_router import split_prefix
from emulator.dialects.http.paths import route_path
from emulator.runtime.startup import Startup

HEALTH = "/_emulator/health"
PAGE = ("/", "/_emulator/ui")  # the web page and the redirects to it know nothing of the emulator
RETRY_AFTER_S = 1


class StartingGate:
    """Answers 503 until `startup` is ready, then hands every request on untouched."""

    def __init__(self, app: ASGIApp, startup: Startup, dialects: Dialects) -> None:
        self.app, self.startup, self.dialects = app, startup, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.startup.ready or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        namespace, path = split_prefix(route_path(scope))
        if namespace is None and _page(path):
            await self.app(scope, receive, send)
            return
        await self.answer(path)(scope, receive, send)

    def answer(self, path: str) -> Response:
        """The 503 for `path` (a plain path, without a namespace prefix)."""
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        message = self.startup.describe()
        if path == HEALTH:
            status = "failed" if self.startup.failure is not None else "starting"
            body = {"status": status, "message": message, "progress": self.startup.report()}
            return JSONResponse(body, status_code=503, headers=headers)
        return render_error(self.dialects, path, Unavailable(message), headers)


def _page(path: str) -> bool:
    return path == PAGE[0] or path == PAGE[1] or path.startswith(PAGE[1] + "/")
