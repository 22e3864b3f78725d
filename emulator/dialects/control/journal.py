"""The request journal over HTTP (control-api.md): the recording middleware and `/_emulator/requests`."""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core import auth_failure
from emulator.core.journal import (
    Entry,
    Filter,
    Journal,
    describe,
    principal,
)

log = logging.getLogger("aip_emulator")

router = APIRouter(prefix="/_emulator/requests", tags=["Emulator control"])
# Not vendor traffic: the control routes and the API documentation are never journaled nor faulted.
NOT_VENDOR = ("/_emulator", "/docs", "/openapi.json")
STATUS_PATTERN = r"^(\d{3}|\dxx)$"


async def get_journal(request: Request) -> Journal:
    journal: Journal = request.app.state.journal
    return journal


JournalDep = Annotated[Journal, Depends(get_journal)]


def _filter(
    method: str | None = None,
    path: Annotated[str | None, Query(description="an exact path or a glob")] = None,
    status: Annotated[str | None, Query(pattern=STATUS_PATTERN, description="`404` or a class: `5xx`")] = None,
    since: Annotated[int | None, Query(description="epoch ms, inclusive")] = None,
) -> Filter:
    return Filter(method=method, path=path, status=status, since=since)


FilterDep = Annotated[Filter, Depends(_filter)]


@router.get("")
async def list_requests(journal: JournalDep, where: FilterDep) -> dict[str, Any]:
    """The recorded vendor requests that match, newest last."""
    found = [describe(entry, journal.body_limit) for entry in journal.find(where)]
    return {"total": len(found), "requests": found}


@router.get("/count")
async def count_requests(journal: JournalDep, where: FilterDep) -> dict[str, int]:
    """How many recorded vendor requests match ("this endpoint was called twice")."""
    return {"count": journal.count(where)}


@router.delete("", status_code=204)
async def clear_requests(journal: JournalDep) -> Response:
    """Forget every recorded request."""
    journal.clear()
    return Response(status_code=204)


class JournalRecorder:
    """Records every vendor request with its answer; sits outside the fault injector so faults are recorded too."""

    def __init__(self, app: ASGIApp, journal: Journal) -> None:
        self.app, self.journal = app, journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.journal.enabled or scope["path"].startswith(NOT_VENDOR):
            await self.app(scope, receive, send)
            return
        started, at, limit = time.perf_counter(), self.journal.now_ms(), self.journal.body_limit
        # Read the request up front: an answer that never reads it (a 401, a fault) still shows what was sent.
        received = await _read_request(receive)
        request_body = b"".join(m.get("body", b"") for m in received)
        response_body = bytearray()
        response_size, status = 0, 500  # unless an answer starts

        async def replaying_receive() -> Message:
            return received.pop(0) if received else await receive()

        async def recording_send(message: Message) -> None:
            nonlocal status, response_size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunk: bytes = message.get("body", b"")
                response_size += len(chunk)
                if len(response_body) < limit:
                    response_body.extend(chunk[: limit - len(response_body)])
            await send(message)

        try:
            with auth_failure.collecting() as reasons:
                await self.app(scope, replaying_receive, recording_send)
        finally:
            header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)
            entry = Entry(
                id=self.journal.next_id(),
                time=at,
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b""),
                status=status,
                latency_ms=(time.perf_counter() - started) * 1000,
                principal=principal(header),
                request_body=request_body[:limit],
                request_size=len(request_body),
                response_body=bytes(response_body),
                response_size=response_size,
                auth_failure=_refusal(status, reasons, scope),
            )
            self.journal.record(entry)


def _refusal(status: int, reasons: list[str], scope: Scope) -> str | None:
    """Why a 401 was answered (logged too), or None."""
    if status != 401:
        return None
    reason = reasons[-1] if reasons else "unknown"
    log.info("401 on %s %s: %s", scope["method"], scope["path"], reason)
    return reason


async def _read_request(receive: Receive) -> list[Message]:
    """Every message of the request body (a disconnect ends it early)."""
    messages: list[Message] = []
    more = True
    while more:
        message = await receive()
        messages.append(message)
        more = message["type"] == "http.request" and bool(message.get("more_body", False))
    return messages
