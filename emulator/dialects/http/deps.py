"""FastAPI adapters: the request's emulator (its namespace's, else the one on `app.state`) and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from emulator.core.auth import basic_user
from emulator.core.catalog import UserInfo
from emulator.dialects.http.namespace_router import namespace_of
from emulator.runtime.emulator import Emulator
from emulator.runtime.namespaces import Namespace, Namespaces


async def get_emulator(request: Request) -> Emulator:  # async: no threadpool hop for a lookup
    found = namespace_of(request.scope)
    if found is not None:
        return found.emulator
    emulator: Emulator = request.app.state.emulator
    return emulator


EmulatorDep = Annotated[Emulator, Depends(get_emulator)]


async def get_namespace(request: Request) -> Namespace:
    """The request's namespace: its emulator, journal and fault rules (`default` outside one)."""
    found = namespace_of(request.scope)
    if found is not None:
        return found
    namespaces: Namespaces = request.app.state.namespaces
    return namespaces.default


NamespaceDep = Annotated[Namespace, Depends(get_namespace)]


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
