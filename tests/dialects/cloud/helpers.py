"""Helpers shared by the Cloud API tests: tokens minted on the app's emulator, and short requests."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from emulator.core.token_codec import Access, TokenInfo, mint
from emulator.testing import Client

BASE = "/api/v1"
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC


def bearer(app: FastAPI, access: str = "ADMIN", owner: str = "admin") -> dict[str, str]:
    """An Authorization header with a fresh token of `access` owned by `owner`."""
    emu = app.state.emulator
    token = TokenInfo(
        id=f"test-{owner}-{access.lower()}",
        name=f"{owner} {access}",
        access=Access(access),
        created_at=emu.clock.now_ms(),
        expires_at=None,
        owner_account_id=emu.catalog.users[owner].account_id,
    )
    emu.tokens.put(token)
    return {"Authorization": f"Bearer {mint(token, emu.jwt_secret, emu.settings.tenant)}"}


def call(client: Client, method: str, path: str, headers: dict[str, str], expect: int = 200, **kwargs: Any) -> Any:
    """Send a Cloud request, assert the status, return the JSON answer (None for an empty one)."""
    response = client.request(method, BASE + path, headers=headers, **kwargs)
    assert response.status_code == expect, response.text
    return response.json() if response.content else None


def keys(page: dict[str, Any]) -> list[str]:
    """The asset keys of a list or search answer, in order."""
    return [a["asset"]["key"] for a in page["assets"]]


def value(asset: dict[str, Any], name: str, scope: str = "attributes") -> Any:
    """The value of one attribute (or global attribute) of a Cloud asset."""
    return next(v["value"] for v in asset[scope] if v["name"] == name)
