"""The emulator's own routes under `/_emulator/` (control-api.md), never mixed into the vendor routers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from emulator.core.clock import LATEST_MS
from emulator.core.errors import ValidationError
from emulator.dialects.http.deps import EmulatorDep, NamespaceDep
from emulator.dialects.http.lean import alone_or_in_thread
from emulator.runtime import reseed, state
from emulator.runtime.namespaces import Namespace

router = APIRouter(prefix="/_emulator", tags=["Emulator control"])


@router.get("/health")
def health(emu: EmulatorDep) -> JSONResponse:
    """Ready when the database and the index are open: 200 with counts (and a seed's progress while one runs),
    else 503. While the server starts, `StartingGate` answers instead: 503 with the start's progress."""
    seeding = emu.seeding  # read first: the counts below are the old data's until the seed swaps it in
    try:
        assets, indexed, pending = state.counts(emu)
    except RuntimeError as exc:
        return JSONResponse({"status": "unavailable", "message": str(exc)}, status_code=503)
    body: dict[str, Any] = {"status": "ok", "assets": assets, "indexedAssets": indexed, "pendingChanges": pending}
    if seeding is not None:
        body["seeding"] = seeding.report()
    return JSONResponse(body)


@router.get("/stats")
def stats(emu: EmulatorDep) -> dict[str, Any]:
    """What the caches of the serving emulator hold, with their caps, and the process's resident memory."""
    return {"caches": state.cache_stats(emu), "rssBytes": state.rss_bytes()}


class SnapshotBody(BaseModel):
    name: str


class GenerateSpec(BaseModel):
    assets: int = Field(ge=0, le=200_000)
    seed: int = 0


class SeedBody(BaseModel):
    fixtures: str | None = None
    generate: GenerateSpec | None = None


class ClockBody(BaseModel):
    freeze: bool | None = None
    set: int | None = Field(default=None, ge=0, le=LATEST_MS, description="epoch ms, 1970 to 9999")
    advance_ms: int | None = Field(default=None, alias="advanceMs", ge=-LATEST_MS, le=LATEST_MS)


def _snapshot(snapshot: state.Snapshot) -> dict[str, Any]:
    return {"name": snapshot.name, "createdAt": snapshot.created_at}


@router.post("/reset")
async def reset(namespace: NamespaceDep, request: Request) -> dict[str, Any]:
    """Back to the baseline: the loaded (or last seeded) data, no snapshots, real time, strict as configured, no
    fault rules, an empty journal."""
    # On the event loop only when no other request is under way anywhere: a reset syncs files to disk.
    alone = request.app.state.namespaces.active() == 1
    return await alone_or_in_thread(alone, namespace.emulator.index.write_lock, _reset, namespace)


def _reset(namespace: Namespace) -> dict[str, Any]:
    namespace.reset()
    return {"status": "reset", "assets": namespace.emulator.index.doc_count()}


@router.post("/snapshots", status_code=201)
def save_snapshot(body: SnapshotBody, emu: EmulatorDep) -> dict[str, Any]:
    """Save the current state under a name."""
    return _snapshot(state.save(emu, body.name))


@router.get("/snapshots")
def list_snapshots(emu: EmulatorDep) -> list[dict[str, Any]]:
    """The saved snapshots, oldest first."""
    return [_snapshot(s) for s in state.listing(emu)]


@router.post("/snapshots/{name}/restore")
def restore_snapshot(name: str, emu: EmulatorDep) -> dict[str, Any]:
    """Bring a saved state back: rows and index."""
    state.restore(emu, name)
    return {"status": "restored", "name": name, "assets": emu.index.doc_count()}


@router.delete("/snapshots/{name}", status_code=204)
def delete_snapshot(name: str, emu: EmulatorDep) -> Response:
    """Forget a saved state."""
    state.delete(emu, name)
    return Response(status_code=204)


@router.post("/seed")
def seed(body: SeedBody, emu: EmulatorDep) -> dict[str, Any]:
    """Replace the data with a fixture directory or a generated data set; `reset` returns to it from now on."""
    if (body.fixtures is None) == (body.generate is None):
        raise ValidationError("give either 'fixtures' (a directory) or 'generate' ({\"assets\": N})", field="fixtures")
    started = time.perf_counter()
    if body.fixtures is not None:
        assets = reseed.seed_fixtures(emu, Path(body.fixtures))
    else:
        assert body.generate is not None
        assets = reseed.seed_generated(emu, body.generate.assets, body.generate.seed)
    return {"status": "seeded", "assets": assets, "tookMs": round((time.perf_counter() - started) * 1000)}


@router.get("/clock")
def get_clock(emu: EmulatorDep) -> dict[str, Any]:
    """The emulator's time and whether it is frozen."""
    return {"now": emu.clock.now_ms(), "frozen": emu.clock.frozen}


@router.delete("/clock")
def release_clock(emu: EmulatorDep) -> dict[str, Any]:
    """Back to real time: not frozen, no shift (what `reset` does to the clock too)."""
    emu.clock.release()
    return get_clock(emu)


@router.post("/clock")
def set_clock(body: ClockBody, emu: EmulatorDep) -> dict[str, Any]:
    """Freeze or release the clock, set it, or move it forward (token expiry, relative dates, timestamps)."""
    if body.advance_ms is not None:  # checked before anything changes
        start = emu.clock.now_ms() if body.set is None else body.set
        if not 0 <= start + body.advance_ms <= LATEST_MS:
            message = f"advanceMs: {body.advance_ms} moves the clock outside 1970 to 9999"
            raise ValidationError(message, field="advanceMs")
    if body.freeze is True:  # first: `{"set": t, "freeze": true}` stops at exactly t
        emu.clock.freeze()
    if body.set is not None:
        emu.clock.set(body.set)
    if body.advance_ms is not None:
        emu.clock.advance(body.advance_ms)
    if body.freeze is False:
        emu.clock.unfreeze()
    return get_clock(emu)


class StrictBody(BaseModel):
    strict: bool


@router.get("/strict")
def get_strict(emu: EmulatorDep) -> dict[str, bool]:
    """Whether an unknown field, sort field or option in a search is a 400 (else a warning header)."""
    return {"strict": emu.strict}


@router.post("/strict")
def set_strict(body: StrictBody, emu: EmulatorDep) -> dict[str, bool]:
    """Switch strict searches on or off (starts as AIP_EMULATOR_STRICT; inside a namespace, for it alone)."""
    emu.strict = body.strict
    return get_strict(emu)


ZIP = {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}


@router.get("/export", response_class=Response, responses={200: {"description": "a zipped fixture directory", **ZIP}})
def export(emu: EmulatorDep) -> Response:
    """The current state as a fixture directory, zipped; it loads back into the same state."""
    data = state.export_zip(emu)
    headers = {"Content-Disposition": 'attachment; filename="aip-emulator-fixtures.zip"'}
    return Response(content=data, media_type="application/zip", headers=headers)
