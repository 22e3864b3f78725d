"""The Cloud dialect's Bearer authentication, as a FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from emulator.core.token_codec import Caller
from emulator.core.tokens import authenticate
from emulator.dialects.http.deps import EmulatorDep


async def cloud_caller(request: Request, emu: EmulatorDep) -> Caller:
    """The Bearer-authenticated Cloud caller (401 with `WWW-Authenticate: Bearer` otherwise)."""
    return authenticate(emu, request.headers.get("authorization"))


CloudCaller = Annotated[Caller, Depends(cloud_caller)]
