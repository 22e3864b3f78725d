"""`create_app(settings)`: builds the emulator (database, index, catalog) and the HTTP app around it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from emulator import __version__
from emulator.api import cloud, control, control_tokens, dc, dc_inventory, errors, jira
from emulator.api.auth_gate import BasicAuthGate
from emulator.domain import state
from emulator.runtime import Emulator
from emulator.settings import Settings

DC_PREFIX = "/rest/jip-api/1.0"
JIRA_PREFIX = "/rest/api/2"


def create_app(settings: Settings | None = None, emulator: Emulator | None = None) -> FastAPI:
    """Open (or seed) the data directory and return the app serving it."""
    settings = settings or Settings()
    emu = emulator or Emulator(settings)
    if emulator is None:
        emu.start()
    state.ensure_baseline(emu)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if emulator is None:
            emu.close()

    app = FastAPI(
        title="aip-emulator",
        version=__version__,
        description="A local emulator of the Jira Assets & Inventory Plugin REST API (Data Center and Cloud).",
        lifespan=lifespan,
    )
    app.state.emulator = emu
    base = settings.context_path
    app.include_router(dc.router, prefix=base + DC_PREFIX)
    app.include_router(dc_inventory.router, prefix=base + DC_PREFIX)
    app.include_router(jira.router, prefix=base + JIRA_PREFIX)
    app.include_router(cloud.router, prefix=settings.cloud_base_path)
    app.include_router(control.router)
    app.include_router(control_tokens.router)
    dialects = errors.Dialects(
        dc=base + DC_PREFIX, jira=base + JIRA_PREFIX, cloud=settings.cloud_base_path, now_ms=emu.clock.now_ms
    )
    errors.install(app, dialects)
    app.add_middleware(BasicAuthGate, emulator=emu, prefix=base + DC_PREFIX, dialects=dialects)
    app.add_middleware(errors.CatchAll, dialects=dialects)  # outermost: wraps the auth gate too
    return app
