"""Every error answer is rendered here, in the envelope of the dialect that was called."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core.errors import (
    AuthenticationError,
    EmulatorError,
    MethodNotAllowed,
    NotFound,
    Unavailable,
    ValidationError,
)
from emulator.dialects.http.paths import route_path
from emulator.util import surrogates

log = logging.getLogger("aip_emulator")
JIRA_401 = "Client must be authenticated to access this resource."
# FastAPI's words when a body is not JSON at all (invalid UTF-8, nested deeper than the parser goes).
FASTAPI_UNREADABLE = "There was an error parsing the body"
UNREADABLE = (
    "Malformed JSON in the request body: it is not valid UTF-8, it is nested too deeply, "
    "or it has a number of more than 4300 digits"
)
NOT_JSON = "request body: not read as JSON; send it with Content-Type: application/json"
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_HTTP_ERRORS: dict[int, type[EmulatorError]] = {404: NotFound, 400: ValidationError, 405: MethodNotAllowed}


class Dialects:
    """Path prefixes that decide which envelope an error is rendered in."""

    def __init__(self, dc: str, jira: str, cloud: str, now_ms: Callable[[], int], control: str = "/_emulator") -> None:
        self.dc, self.jira, self.cloud, self.control = dc, jira, cloud, control
        self.now_ms = now_ms

    def of(self, path: str) -> str:
        if path.startswith(self.control):
            return "control"
        if path.startswith(self.jira):
            return "jira"
        if path == self.cloud or path.startswith(self.cloud + "/"):
            return "cloud"
        return "dc"


def render_error(
    dialects: Dialects, path: str, exc: EmulatorError, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The vendor-shaped answer for `exc` on `path` (with `headers`, e.g. a 405's `Allow`)."""
    dialect = dialects.of(path)
    # A message may repeat what a client sent (a token's claims hold any JSON string): no lone surrogate reaches
    # the UTF-8 encoder of the answer.
    exc.message = surrogates.printable(exc.message)
    headers = dict(headers or {})
    body: dict[str, Any]
    if dialect == "control":
        body = {"error": exc.control_code or exc.code, "message": exc.message}
    elif dialect == "cloud":
        body = cloud_error(exc, path, dialects.now_ms())
        if isinstance(exc, AuthenticationError):
            headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, AuthenticationError):
        body = {"message": JIRA_401, "status-code": 401}
        if exc.failed:
            headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
    elif dialect == "jira":
        body = {"errorMessages": [exc.message], "errors": {}}
    else:
        body = {"success": False, "errorCode": exc.code, "errorMessage": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def install(app: FastAPI, dialects: Dialects) -> None:
    """Register the handlers that turn every failure into a vendor-shaped answer."""

    async def emulator_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EmulatorError)
        return render_error(dialects, route_path(request.scope), exc)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        found = exc.errors()
        error = ValidationError(describe_validation(found), field=validation_field(found))
        return render_error(dialects, route_path(request.scope), error)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        message = _http_message(request, exc)
        kind = _HTTP_ERRORS.get(exc.status_code, EmulatorError)
        error = kind(message, field="body" if message == UNREADABLE else None)
        error.status = exc.status_code
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return render_error(dialects, route_path(request.scope), error, headers)

    app.add_exception_handler(EmulatorError, emulator_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


class CatchAll:
    """Answers an unexpected failure with a 500 in the dialect's shape and keeps the connection usable.

    Starlette re-raises after its own 500 handler, which makes uvicorn drop the keep-alive connection; a client
    of an emulator deserves a plain vendor-shaped answer instead.
    """

    def __init__(self, app: ASGIApp, dialects: Dialects) -> None:
        self.app, self.dialects = app, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            # uvicorn cancels what still runs when its shutdown's grace has passed: say so, then let it stop.
            if not started:
                stopping = Unavailable("The emulator is shutting down; send the request again once it is back")
                await render_error(self.dialects, route_path(scope), stopping, {"Retry-After": "1"})(
                    scope, receive, send
                )
            raise
        except Exception as exc:
            log.exception("unexpected error on %s %s", scope.get("method"), scope["path"])
            if started:
                raise
            error = EmulatorError(f"internal error: {type(exc).__name__}: {exc}")
            await render_error(self.dialects, route_path(scope), error)(scope, receive, send)


def allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette's own `Allow` names the first route's only)."""
    routes = request.app.router.routes
    found = [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] == Match.FULL for r in routes)]
    return ", ".join(found)


def _http_message(request: Request, exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return f"No resource at {route_path(request.scope)}"
    if exc.status_code == 405:
        return f"Method {request.method} is not allowed on {route_path(request.scope)}"
    if exc.status_code == 400 and exc.detail == FASTAPI_UNREADABLE:
        return UNREADABLE
    return str(exc.detail)


def _location(error: Any) -> list[Any]:
    return [part for part in error.get("loc", ()) if part not in ("body", "query", "path")]


def _dotted(loc: list[Any]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def validation_field(errors: Any) -> str:
    """The first offending field as a dotted path (`filters[0].operator`), for the Cloud `errors` list."""
    error = errors[0]
    if error.get("type") == "json_invalid":
        return "body"
    return _dotted(_location(error)) or "body"


def describe_validation(errors: Any) -> str:
    """One readable sentence naming the first offending field of a request body or parameter."""
    error = errors[0]
    loc = _location(error)
    if error.get("type") == "json_invalid":
        position = loc[0] if loc else "?"
        reason = error.get("ctx", {}).get("error", "invalid JSON")
        return f"Malformed JSON in the request body at position {position}: {reason}"
    where = _dotted(loc)
    got = error.get("input")
    if not where and isinstance(got, bytes):  # a body FastAPI did not parse: its content type is not JSON
        return NOT_JSON
    detail = f"{error.get('msg', 'invalid value')}" + (f" (got {got!r})" if not isinstance(got, dict | list) else "")
    return f"{where or 'request body'}: {detail}"


_LEADING_FIELD = re.compile(r"^([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+(?:\[\d+\])?)*): ")


def _named_in(message: str) -> str:
    """The field a message starts with (`filters[0].value: ...`), else the whole request."""
    found = _LEADING_FIELD.match(message)
    return found.group(1) if found else "request"


def cloud_error(exc: EmulatorError, path: str, now_ms: int) -> dict[str, Any]:
    """The Cloud error body (cloud-api.md §2): `errors` only on 400."""
    body: dict[str, Any] = {
        "timestamp": now_ms,
        "status": exc.status,
        "error": HTTPStatus(exc.status).phrase,
        "message": exc.message,
        "path": path,
    }
    if exc.status == 400:
        body["errors"] = [{"field": exc.field or _named_in(exc.message), "message": exc.message}]
    return body
