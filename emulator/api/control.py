"""The emulator's own routes under `/_emulator/` (control-api.md), never mixed into the vendor routers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from emulator.api.deps import EmulatorDep
from emulator.store import models as m

router = APIRouter(prefix="/_emulator", tags=["Emulator control"])


@router.get("/health")
def health(emu: EmulatorDep) -> JSONResponse:
    """Ready when the database and the index are open: 200 with counts, else 503."""
    try:
        with emu.session() as session:
            assets = session.scalar(select(func.count()).select_from(m.Asset)) or 0
        indexed = emu.index.doc_count()
    except RuntimeError as exc:
        return JSONResponse({"status": "unavailable", "message": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "assets": assets, "indexedAssets": indexed})
