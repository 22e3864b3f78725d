"""Jira's own endpoints that AIP clients call alongside (dc-api.md §5), under `/rest/api/2`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from emulator import __version__
from emulator.core import metadata
from emulator.core.timefmt import from_ms
from emulator.dialects.http.deps import BaseUrl, DcUser, EmulatorDep, MaybeUser
from emulator.dialects.http.users import UserRenderer

router = APIRouter(tags=["Jira"])
JIRA_VERSION = (9, 12, 0)


@router.get("/user")
def get_user(
    _user: DcUser, emu: EmulatorDep, base_url: BaseUrl, key: str | None = None, username: str | None = None
) -> dict[str, Any]:
    """A user by `key` or `username`."""
    return UserRenderer(emu.catalog, base_url).jira_user(metadata.jira_user(emu.catalog, key, username))


@router.get("/myself")
def get_myself(user: DcUser, emu: EmulatorDep, base_url: BaseUrl) -> dict[str, Any]:
    """The caller."""
    return UserRenderer(emu.catalog, base_url).jira_user(user)


@router.get("/serverInfo")
def get_server_info(_user: MaybeUser, emu: EmulatorDep, base_url: BaseUrl) -> dict[str, Any]:
    """Jira's server facts; like Jira, it answers anonymous callers too (wrong credentials are still a 401)."""
    now = from_ms(emu.clock.now_ms(), emu.zone)
    return {
        "baseUrl": base_url,
        "version": ".".join(map(str, JIRA_VERSION)),
        "versionNumbers": list(JIRA_VERSION),
        "deploymentType": "Server",
        "buildNumber": 9_012_000,
        "buildDate": "2023-12-05T00:00:00.000+0000",
        "serverTime": now.isoformat(timespec="milliseconds").replace("+00:00", "+0000"),
        "scmInfo": f"aip-emulator {__version__}",
        "serverTitle": "Jira (aip-emulator)",
    }
