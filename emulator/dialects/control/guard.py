"""The optional guard of the control routes: an administrator's Basic credentials."""

from __future__ import annotations

from fastapi import Request

from emulator.core.auth import basic_user
from emulator.core.errors import AuthenticationError, PermissionDenied
from emulator.core.token_codec import ADMIN_GROUP
from emulator.dialects.http.deps import EmulatorDep
from emulator.dialects.http.paths import route_path


async def control_guard(request: Request, emu: EmulatorDep) -> None:
    """With `control_auth` on, `/_emulator/` routes (health excepted) need an administrator's Basic credentials."""
    if not emu.settings.control_auth or route_path(request.scope) == "/_emulator/health":
        return
    try:
        user = basic_user(request.headers.get("authorization"), emu.catalog)
    except AuthenticationError as refused:  # the same answer whatever was wrong (missing, unknown, bad password)
        raise AuthenticationError(
            f"The emulator's control routes need an administrator's Basic credentials (a member of {ADMIN_GROUP}): "
            "AIP_EMULATOR_CONTROL_AUTH is on",
            failed=refused.failed,
        ) from None
    if ADMIN_GROUP not in user.groups:
        raise PermissionDenied(f"The emulator's control routes need a member of {ADMIN_GROUP}")
