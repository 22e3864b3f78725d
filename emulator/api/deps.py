"""FastAPI adapters: the emulator on `app.state` and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from emulator.auth import basic_user
from emulator.cloud_auth import Caller
from emulator.domain.catalog import UserInfo
from emulator.domain.tokens import authenticate
from emulator.errors import PermissionDenied
from emulator.runtime import Emulator


async def get_emulator(request: Request) -> Emulator:  # async: no threadpool hop for a lookup
    emulator: Emulator = request.app.state.emulator
    return emulator


EmulatorDep = Annotated[Emulator, Depends(get_emulator)]


async def dc_user(request: Request, emu: EmulatorDep) -> UserInfo:
    """The Basic-authenticated caller (401 in Jira's shape otherwise); the auth gate may have found it already."""
    user: UserInfo | None = getattr(request.state, "user", None)
    return user if user is not None else basic_user(request.headers.get("authorization"), emu.catalog)


async def optional_user(request: Request, emu: EmulatorDep) -> UserInfo | None:
    """The caller when credentials are sent (wrong ones are still a 401), else None."""
    header = request.headers.get("authorization")
    return None if header is None else basic_user(header, emu.catalog)


DcUser = Annotated[UserInfo, Depends(dc_user)]
MaybeUser = Annotated[UserInfo | None, Depends(optional_user)]


async def base_url(request: Request, emu: EmulatorDep) -> str:
    """The Jira base URL shown in links: the setting, else the one the caller used."""
    configured = emu.settings.base_url
    if configured:
        return configured.rstrip("/")
    return str(request.base_url).rstrip("/") + emu.settings.context_path


BaseUrl = Annotated[str, Depends(base_url)]


async def cloud_caller(request: Request, emu: EmulatorDep) -> Caller:
    """The Bearer-authenticated Cloud caller (401 with `WWW-Authenticate: Bearer` otherwise)."""
    return authenticate(emu, request.headers.get("authorization"))


CloudCaller = Annotated[Caller, Depends(cloud_caller)]


ADMIN_GROUP = "jira-administrators"


async def control_guard(request: Request, emu: EmulatorDep) -> None:
    """With `control_auth` on, `/_emulator/` routes (health excepted) need an administrator's Basic credentials."""
    if not emu.settings.control_auth or request.url.path == "/_emulator/health":
        return
    user = basic_user(request.headers.get("authorization"), emu.catalog)
    if ADMIN_GROUP not in user.groups:
        raise PermissionDenied(f"The emulator's control routes need a member of {ADMIN_GROUP}")
