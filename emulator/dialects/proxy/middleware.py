"""The pass-through: an ASGI middleware outside everything else that sends each vendor request to the real AIP and
its answer back, and records the pair. The control routes and the page stay the emulator's own."""

from __future__ import annotations

import itertools
import logging
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.dialects.proxy import records

log = logging.getLogger("aip_emulator")
TIMEOUT_S = 60.0
LOCAL = ("/_emulator", "/docs", "/openapi.json")  # answered by the emulator itself, never sent on
HOP_BY_HOP = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive", "accept-encoding"})
DROPPED_ANSWER = frozenset({"content-length", "connection", "transfer-encoding", "content-encoding", "keep-alive"})


class ProxyRecorder:
    """Forwards vendor requests to `target`; writes each exchange into `directory` when one is given."""

    def __init__(self, app: ASGIApp, target: str, directory: Path | None) -> None:
        self.app, self.target, self.directory = app, target.rstrip("/"), directory
        self.numbers = itertools.count(1)
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            last = records.last_number(directory)
            self.numbers = itertools.count(last + 1)  # a session recorded before stays as it was
            if last:
                log.info("record: %s holds exchanges up to %05d; this session's follow them", directory, last)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/" or scope["path"].startswith(LOCAL):
            await self.app(scope, receive, send)
            return
        request = await _request(scope, receive)
        try:
            answer = await self._forward(request)
        except httpx.HTTPError as exc:
            await _answer(send, 502, [("content-type", "application/json")], _unreachable(self.target, exc))
            return
        headers = [(k.lower(), v) for k, v in answer.headers.multi_items() if k.lower() not in DROPPED_ANSWER]
        if self.directory is not None:
            record = records.exchange(next(self.numbers), request, answer.status_code, dict(headers), answer.content)
            records.write(self.directory, record)
        await _answer(send, answer.status_code, headers, answer.content)

    async def _forward(self, request: dict[str, Any]) -> httpx.Response:
        # A client per request: the app has no shutdown hook to close a shared one in every way it is served.
        async with httpx.AsyncClient(base_url=self.target, timeout=TIMEOUT_S) as client:
            return await client.request(
                request["method"], request["path"], params=request["query"].decode("latin-1") or None,
                headers={k: v for k, v in request["headers"].items() if k not in HOP_BY_HOP}, content=request["body"],
            )  # fmt: skip


async def _request(scope: Scope, receive: Receive) -> dict[str, Any]:
    body = bytearray()
    while True:
        message: Message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return {
        "time": int(time.time() * 1000),
        "method": scope["method"], "path": scope["path"], "query": scope.get("query_string", b""),
        "headers": headers, "body": bytes(body),
    }  # fmt: skip


async def _answer(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _unreachable(target: str, exc: Exception) -> bytes:
    import json  # noqa: PLC0415

    message = f"the proxied AIP at {target} did not answer: {exc or type(exc).__name__}"
    return json.dumps({"success": False, "errorCode": "ProxyError", "errorMessage": message}).encode()
