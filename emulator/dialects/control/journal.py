"""The request journal over HTTP (control-api.md): the recording middleware and `/_emulator/requests`."""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core import auth_failure
from emulator.core.journal import (
    Entry,
    Filter,
    Journal,
    describe,
    not_vendor,
    principal,
)
from emulator.dialects.http.namespace_router import namespace_of
from emulator.dialects.http.paths import route_path
from emulator.dialects.http.routing import WARNING_HEADER

log = logging.getLogger("aip_emulator")

router = APIRouter(prefix="/_emulator/requests", tags=["Emulator control"])
STATUS_PATTERN = r"^(\d{3}|\dxx)$"
CLIENT_HEADER = b"x-aip-emulator-client"  # who sent it, e.g. "ui" for the emulator's own web page
WARNING_KEY = WARNING_HEADER.lower().encode("latin-1")  # near-miss hints, as the answer carried them
_NOTED_HEADERS = (b"authorization", CLIENT_HEADER)


def journal_of(scope: Scope, default: Journal) -> Journal:
    """The request journal of the request's namespace (`default` outside one)."""
    found = namespace_of(scope)
    return found.journal if found is not None else default


async def get_journal(request: Request) -> Journal:
    return journal_of(request.scope, request.app.state.journal)


JournalDep = Annotated[Journal, Depends(get_journal)]


def _filter(
    method: str | None = None,
    path: Annotated[str | None, Query(description="an exact path or a glob")] = None,
    status: Annotated[str | None, Query(pattern=STATUS_PATTERN, description="`404` or a class: `5xx`")] = None,
    since: Annotated[int | None, Query(description="epoch ms, inclusive")] = None,
    client: Annotated[str | None, Query(description="the X-AIP-Emulator-Client header sent, e.g. `ui`")] = None,
) -> Filter:
    return Filter(method=method, path=path, status=status, since=since, client=client)


FilterDep = Annotated[Filter, Depends(_filter)]


class JournalEntry(BaseModel):
    """One recorded request: every field always present, always of its one type."""

    id: int
    time: int = Field(description="epoch ms")
    method: str
    path: str = Field(description="the plain path, without a namespace prefix")
    query: str
    status: int
    latencyMs: float  # noqa: N815 - the wire name
    principal: str | None = Field(description="the Basic user name, or a Bearer token's owner/jti; not checked")
    client: str | None = Field(description="the X-AIP-Emulator-Client header, e.g. `ui`")
    warnings: list[str] = Field(description="the X-AIP-Emulator-Warning headers of the answer")
    authFailure: str | None = Field(  # noqa: N815 - the wire name
        description="why a 401 was answered (unknown user, wrong password, ...); the client's body does not say"
    )
    requestBody: Any = Field(description="the body as JSON, masked; null when empty, not JSON or cut")  # noqa: N815
    requestText: str | None = Field(description="the body as text, masked, cut at the limit")  # noqa: N815
    requestTruncated: bool  # noqa: N815
    requestSize: int = Field(description="bytes sent")  # noqa: N815
    responseBody: Any = Field(description="the answer as JSON, masked; null when empty, not JSON or cut")  # noqa: N815
    responseText: str | None = Field(description="the answer as text, masked, cut at the limit")  # noqa: N815
    responseTruncated: bool  # noqa: N815
    responseSize: int = Field(description="bytes answered")  # noqa: N815


class JournalPage(BaseModel):
    total: int
    requests: list[JournalEntry]


@router.get("", response_model=JournalPage)
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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        journal, path = journal_of(scope, self.journal), route_path(scope)
        if not journal.enabled or not_vendor(path):
            await self.app(scope, receive, send)
            return
        await self._record(journal, path, scope, receive, send)

    async def _record(self, journal: Journal, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        started, at, limit = time.perf_counter(), journal.now_ms(), journal.body_limit
        # Read the request up front: an answer that never reads it (a 401, a fault) still shows what was sent.
        received = await _read_request(receive)
        request_body = b"".join(m.get("body", b"") for m in received)
        response_body = bytearray()
        response_size, status, recorded = 0, 500, False  # a 500 unless an answer starts
        warnings: list[str] = []
        reasons: list[str] = []

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            headers = {k: v.decode("latin-1") for k, v in scope["headers"] if k in _NOTED_HEADERS}
            journal.record(
                Entry(
                    id=journal.next_id(),
                    time=at,
                    method=scope["method"],
                    path=path,
                    query=scope.get("query_string", b""),
                    status=status,
                    latency_ms=(time.perf_counter() - started) * 1000,
                    principal=principal(headers.get(b"authorization")),
                    request_body=request_body[:limit],
                    request_size=len(request_body),
                    response_body=bytes(response_body),
                    response_size=response_size,
                    client=headers.get(CLIENT_HEADER),
                    warnings=tuple(warnings),
                    auth_failure=_refusal(status, reasons, scope),
                )
            )

        async def replaying_receive() -> Message:
            return received.pop(0) if received else await receive()

        async def recording_send(message: Message) -> None:
            nonlocal status, response_size
            if message["type"] == "http.response.start":
                status = message["status"]
                warnings.extend(v.decode("latin-1") for k, v in message.get("headers", ()) if k == WARNING_KEY)
            elif message["type"] == "http.response.body":
                chunk: bytes = message.get("body", b"")
                response_size += len(chunk)
                if len(response_body) < limit:
                    response_body.extend(chunk[: limit - len(response_body)])
                if not message.get("more_body", False):
                    record()  # before the client can read the answer: a check right after it finds the entry
            await send(message)

        try:
            with auth_failure.collecting() as reasons:
                await self.app(scope, replaying_receive, recording_send)
        finally:
            record()  # an answer that never finished (an error, a disconnect)


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
