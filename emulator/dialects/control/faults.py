"""Fault injection over HTTP (control-api.md): `/_emulator/faults` and the middleware that applies the rules."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.errors import NotFound
from emulator.core.faults import FaultRule, Faults, fault_error
from emulator.core.journal import not_vendor
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.namespace_router import namespace_of
from emulator.dialects.http.paths import route_path

router = APIRouter(prefix="/_emulator/faults", tags=["Emulator control"])


class FaultIn(BaseModel):
    """A fault rule as posted (docs/api.md §7, "A fault rule")."""

    model_config = ConfigDict(extra="forbid")

    method: str | None = Field(default=None, description="GET, POST, ...; null for any")
    path: str = Field(min_length=1, description="exact or glob; matches with and without .json")
    status: int | None = Field(default=None, ge=400, le=599)
    body: Any = Field(default=None, description="the answer's body; default: the dialect's error shape")
    delayMs: int | None = Field(default=None, ge=0, le=600_000)  # noqa: N815 (wire name)
    times: int | None = Field(default=None, ge=1, description="only the first N matching calls")
    probability: float | None = Field(default=None, ge=0, le=1)
    seed: int | None = Field(default=None, description="makes `probability` reproducible")
    retryAfter: int | None = Field(default=None, ge=0, description="the Retry-After header, seconds")  # noqa: N815


def faults_of(scope: Scope, default: Faults) -> Faults:
    """The fault rules of the request's namespace (`default` outside one)."""
    found = namespace_of(scope)
    return found.faults if found is not None else default


async def get_faults(request: Request) -> Faults:
    return faults_of(request.scope, request.app.state.faults)


FaultsDep = Annotated[Faults, Depends(get_faults)]


def describe(rule: FaultRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "method": rule.method,
        "path": rule.path,
        "status": rule.status,
        "body": rule.body,
        "delayMs": rule.delay_ms,
        "times": rule.times,
        "probability": rule.probability,
        "seed": rule.seed,
        "retryAfter": rule.retry_after,
    }


@router.post("", status_code=201)
async def add_fault(faults: FaultsDep, rule: FaultIn) -> dict[str, Any]:
    """Add a rule; it applies from the next matching vendor call on."""
    added = faults.add(
        FaultRule(
            id=0,
            path=rule.path,
            method=rule.method,
            status=rule.status,
            body=rule.body,
            delay_ms=rule.delayMs,
            times=rule.times,
            probability=rule.probability,
            seed=rule.seed,
            retry_after=rule.retryAfter,
        )
    )
    return describe(added)


@router.get("")
async def list_faults(faults: FaultsDep) -> list[dict[str, Any]]:
    """Every rule, oldest first, with how often it applied."""
    return [{**describe(rule), "hits": rule.hits} for rule in faults.all()]


@router.delete("", status_code=204)
async def clear_faults(faults: FaultsDep) -> Response:
    faults.clear()
    return Response(status_code=204)


@router.get("/{rule_id}")
async def get_fault(faults: FaultsDep, rule_id: int) -> dict[str, Any]:
    """One rule with how often it applied."""
    for rule in faults.all():
        if rule.id == rule_id:
            return {**describe(rule), "hits": rule.hits}
    raise NotFound(f"No fault rule with id {rule_id}")


@router.delete("/{rule_id}", status_code=204)
async def delete_fault(faults: FaultsDep, rule_id: int) -> Response:
    faults.remove(rule_id)
    return Response(status_code=204)


class FaultInjector:
    """Delays or answers vendor calls that a rule matches, before authentication (a proxy's failure, not Jira's)."""

    def __init__(self, app: ASGIApp, faults: Faults, dialects: Dialects) -> None:
        self.app, self.faults, self.dialects = app, faults, dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults, path = faults_of(scope, self.faults), route_path(scope)
        if not faults.active or not_vendor(path):
            await self.app(scope, receive, send)
            return
        rule = faults.take(scope["method"], path)
        if rule is not None and rule.delay_ms:
            await asyncio.sleep(rule.delay_ms / 1000)  # yields: other requests go on meanwhile
        if rule is None or rule.status is None:
            await self.app(scope, receive, send)
            return
        await self._answer(rule, rule.status, path)(scope, receive, send)

    def _answer(self, rule: FaultRule, status: int, path: str) -> Response:
        if rule.body is not None:
            response: Response = JSONResponse(rule.body, status_code=status)
        else:
            response = render_error(self.dialects, path, fault_error(status))
        if rule.retry_after is not None:
            response.headers["Retry-After"] = str(rule.retry_after)
        return response
