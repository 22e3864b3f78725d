"""The request-body size limit (`AIP_EMULATOR_MAX_BODY_BYTES`): a larger body gets 413 in the dialect's shape.

A declared `Content-Length` above the limit is refused before anything is read; a chunked body is read up to the
limit and refused as soon as it passes it. A body within the limit is handed on unchanged, unless it is JSON with
a lone UTF-16 surrogate in a string (`emulator.util.surrogates`): 400 in the dialect's shape, before a handler reads it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core.errors import EmulatorError, PayloadTooLarge, ValidationError
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.paths import route_path
from emulator.util.surrogates import MESSAGE, holds_lone_surrogate


class BodySizeLimit:
    """Answers 413 for request bodies larger than `max_bytes`, 400 for JSON ones with a lone surrogate."""

    def __init__(self, app: ASGIApp, max_bytes: int, dialects: Dialects) -> None:
        self.app, self.max_bytes, self.dialects = app, max_bytes, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, self._too_large())
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, self._too_large())
                return
            if not message.get("more_body", False):
                break
        if size and self._lone_surrogate(scope, messages):
            await self._refuse(scope, receive, send, ValidationError(MESSAGE, field="body"))
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than the limit of {self.max_bytes} bytes")

    @staticmethod
    def _lone_surrogate(scope: Scope, messages: list[Message]) -> bool:
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), None)
        if not json_content(content_type):
            return False
        return holds_lone_surrogate(b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request"))

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: EmulatorError) -> None:
        await render_error(self.dialects, route_path(scope), error)(scope, receive, send)


def json_content(content_type: bytes | None) -> bool:
    """Whether FastAPI reads a body of this content type as JSON: none given, or `application/json` or `+json`."""
    if not content_type:
        return True
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or (kind.startswith(b"application/") and kind.endswith(b"+json"))
