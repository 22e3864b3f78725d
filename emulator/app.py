"""`create_app(settings)`: builds the emulator (database, index, catalog) and the HTTP app around it."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute

from emulator import __version__
from emulator.core.faults import Faults
from emulator.core.journal import Journal
from emulator.dialects import ui
from emulator.dialects.cloud import routes as cloud
from emulator.dialects.control import faults as control_faults
from emulator.dialects.control import journal as control_journal
from emulator.dialects.control import namespace_routes as control_namespaces
from emulator.dialects.control import postman_routes as control_postman
from emulator.dialects.control import routes as control
from emulator.dialects.control import token_routes as control_tokens
from emulator.dialects.control.guard import control_guard
from emulator.dialects.dc import inventory as dc_inventory
from emulator.dialects.dc import routes as dc
from emulator.dialects.dc.auth_gate import BasicAuthGate
from emulator.dialects.http import docs, errors, openapi
from emulator.dialects.http.limits import BodySizeLimit
from emulator.dialects.http.namespace_router import NamespaceRouter, current_now_ms
from emulator.dialects.http.origin import HostOriginGuard
from emulator.dialects.http.overrides import RequestAppOverrides
from emulator.dialects.http.starting import StartingGate
from emulator.dialects.jira import routes as jira
from emulator.runtime.emulator import Emulator
from emulator.runtime.namespace_names import DEFAULT
from emulator.runtime.namespaces import Namespace, Namespaces, default_created_at
from emulator.runtime.startup import Startup
from emulator.search import disk
from emulator.settings import Settings, interactive
from emulator.util.progress import Progress

log = logging.getLogger("aip_emulator")
DC_PREFIX = "/rest/jip-api/1.0"
JIRA_PREFIX = "/rest/api/2"
# Headers a browser app may read: the vendor answers carry these on purpose.
EXPOSED_HEADERS = ["Retry-After", "WWW-Authenticate", "X-Seraph-LoginReason"]


_INCLUDED: dict[tuple[str, str], list[BaseRoute]] = {}  # by (context path, Cloud base path): `_included`
_INCLUDED_LOCK = threading.Lock()


def _included(base: str, cloud_base_path: str) -> list[BaseRoute]:
    """The routes of the dialects and the control plane at these paths, made once per process and shared by its apps.

    FastAPI builds an included router's route handlers (dependants, pydantic adapters) on the first request that
    walks past them, once per inclusion: 60-100 ms of CPU for every new app. The inclusions hold nothing of an app
    (the request's app is `request.app`; its `dependency_overrides` are found through `RequestAppOverrides`), so
    the apps of one process (a test suite's) share them."""
    with _INCLUDED_LOCK:
        found = _INCLUDED.get((base, cloud_base_path))
        if found is None:
            routes = APIRouter(dependency_overrides_provider=RequestAppOverrides())
            routes.include_router(dc.router, prefix=base + DC_PREFIX)
            routes.include_router(dc_inventory.router, prefix=base + DC_PREFIX)
            routes.include_router(jira.router, prefix=base + JIRA_PREFIX)
            routes.include_router(cloud.router, prefix=cloud_base_path)
            guarded = [Depends(control_guard)]
            controls = (
                control.router,
                control_tokens.router,
                control_journal.router,
                control_faults.router,
                control_postman.router,
                control_namespaces.router,
            )
            for router in controls:
                routes.include_router(router, dependencies=guarded)
            found = _INCLUDED[(base, cloud_base_path)] = list(routes.routes)
        return found


def create_app(
    settings: Settings | None = None, emulator: Emulator | None = None, *, start_in_background: bool = False
) -> FastAPI:
    """Open (or seed) the data directory and return the app serving it.

    `start_in_background`: return at once and start when the app's lifespan starts, in a thread; until then every
    route answers 503 (`app.state.startup` says how far it is and takes the server's `on_ready`/`on_failure`)."""
    settings = settings or Settings()
    disk.arm(settings.crash_at)  # the crash tests' hook (AIP_EMULATOR_CRASH_AT); None: never
    emu = emulator or Emulator(settings)
    startup = Startup(emu, Progress(show=interactive()), open_store=emulator is None)
    if not start_in_background:
        startup.run()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start_in_background:
            startup.begin()
        yield
        if not startup.finished:  # stopped while starting: the start thread dies with the process
            log.warning("stopped before the emulator finished starting")
            return
        app.state.namespaces.close()
        if emulator is None:
            emu.close()

    app = FastAPI(
        title="aip-emulator",
        version=__version__,
        description="A local emulator of the Jira Assets & Inventory Plugin REST API (Data Center and Cloud).",
        lifespan=lifespan,
        docs_url=None,  # served by emulator.dialects.http.docs from local assets
        redoc_url=None,  # ReDoc only loads from a CDN
        openapi_url=None,  # served by emulator.dialects.http.openapi, with `servers` from the request
    )
    app.state.emulator = emu
    app.state.startup = startup
    app.state.journal = Journal(settings.journal_size, settings.journal_body_limit, emu.clock.now_ms)
    app.state.faults = Faults()
    ui.install(app)  # the web page: static files under /_emulator/ui/, GET / redirects there
    default = Namespace(DEFAULT, emu, app.state.journal, app.state.faults, default_created_at(settings))
    app.state.namespaces = Namespaces(default, settings)
    base = settings.context_path
    app.router.routes.extend(_included(base, settings.cloud_base_path))
    dc.install_lean(app, base + DC_PREFIX)  # the DC search's plain case without FastAPI's per-request costs
    docs.install(app)
    dialects = errors.Dialects(
        dc=base + DC_PREFIX,
        jira=base + JIRA_PREFIX,
        cloud=settings.cloud_base_path,
        now_ms=current_now_ms(emu.clock.now_ms),
    )
    errors.install(app, dialects)
    openapi.install(app, dialects, settings.control_auth, base)
    app.add_middleware(BasicAuthGate, emulator=emu, prefix=base + DC_PREFIX, dialects=dialects)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, dialects=dialects)  # before auth reads
    # Faults answer before authentication (a failing proxy, not Jira); the journal records faults and 500s too.
    app.add_middleware(control_faults.FaultInjector, faults=app.state.faults, dialects=dialects)
    app.add_middleware(errors.CatchAll, dialects=dialects)  # wraps the auth gate and the faults too
    if settings.proxy_to:  # record mode: requests go on to the real AIP, inside the journal (the page lists them)
        # Imported here: it loads httpx (and its command line: click, rich), ~45 ms of every start that needs none.
        from emulator.dialects.proxy.middleware import ProxyRecorder  # noqa: PLC0415

        app.add_middleware(ProxyRecorder, target=settings.proxy_to, directory=settings.record)
    app.add_middleware(control_journal.JournalRecorder, journal=app.state.journal)
    # Outside everything that reads the path, the journal or the faults: they see the namespace's, plain paths.
    app.add_middleware(NamespaceRouter, namespaces=app.state.namespaces, dialects=dialects)
    if start_in_background:  # outside the namespaces too: they are made from the default emulator's baseline
        app.add_middleware(StartingGate, startup=startup, dialects=dialects)
    # Outside the namespace router, which creates a namespace on first use: a web page may not make one.
    app.add_middleware(HostOriginGuard, settings=settings, dialects=dialects)
    if settings.cors_origins:  # outermost: preflights are answered before anything else looks
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            allow_credentials=True,
            expose_headers=EXPOSED_HEADERS,
        )
    return app
