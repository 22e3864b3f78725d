"""`/_emulator/tokens`: minting, listing and revoking Cloud API tokens (control-api.md)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/_emulator", tags=["Emulator control"])
