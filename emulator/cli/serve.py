"""`aip-emulator serve`: port first, then the data directory's lock, then uvicorn, with the data opened (or seeded)
in a background thread while health answers 503 with the start's progress.

Everything that can fail cheaply is checked before anything is written: a busy port or a missing fixture
directory is reported before seeding, and a start that fails leaves no data directory behind it did not find.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
import time
from types import FrameType
from typing import TYPE_CHECKING

from emulator.runtime import datadir
from emulator.runtime.listen import base_url, bind
from emulator.runtime.lock import ServerLock
from emulator.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from emulator.runtime.startup import Startup

log = logging.getLogger("aip_emulator")
DC_PREFIX = "/rest/jip-api/1.0"
JIRA_PREFIX = "/rest/api/2"
SWITCH_INTERVAL_S = 0.0001


def start_lines(settings: Settings, url: str) -> list[str]:
    """What the start log says: where the data is, the docs and every dialect's base path."""
    ctx = settings.context_path
    return [
        f"aip-emulator serving {settings.data_dir} on {url}",
        f"  docs (Swagger UI)  {url}/docs",
        f"  Data Center API    {url}{ctx}{DC_PREFIX}",
        f"  Jira API           {url}{ctx}{JIRA_PREFIX}",
        f"  Cloud API          {url}{settings.cloud_base_path}",
        f"  control plane      {url}/_emulator",
    ]


def serve(settings: Settings, reseed: bool = False) -> int:
    """Serve until interrupted; raise the one-line errors the CLI turns into exit status 2.

    The server answers at once; the emulator starts in a background thread meanwhile (health says how far it is).
    A start that fails there shuts the server down and is raised here, as one that failed before listening."""
    import uvicorn  # noqa: PLC0415 - only the serve command needs the server

    from emulator.cli.slow_headers import protocol_with_deadline  # noqa: PLC0415 - it imports uvicorn

    # A light request waits for the interpreter lock at each of its few hand-offs (event loop, worker thread,
    # back) while a heavy search computes: Python's 5 ms default made a health check wait 10-20 ms beside a
    # 1,024-clause search; at 0.5 ms it waits about a fifth of that (bench.hostile_bench). At 0.1 ms a write that
    # holds the index's writer lock wins the interpreter lock back sooner after each SQLite call, so 8 writers beside
    # 4 searchers get ~170-190 writes/s (p50 35-40 ms) where 0.5 ms gave 120-130 (p50 56-62). The process only.
    sys.setswitchinterval(SWITCH_INTERVAL_S)

    datadir.require_fixtures(settings.fixtures)
    sock = bind(settings.host, settings.port)
    lock = ServerLock(settings.data_dir)
    created = not settings.data_dir.exists()
    try:
        app = _open(settings, lock, reseed, created)
    except BaseException:
        sock.close()
        raise
    url = base_url(settings.host, sock)
    lock.publish(url)
    log.info("aip-emulator listening on %s, starting %s (health answers 503 until ready)", url, settings.data_dir)
    config = uvicorn.Config(
        app,
        log_level="info",
        access_log=settings.access_log,
        lifespan="on",
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_s)),
        http=protocol_with_deadline(settings.header_timeout_s),  # slow or stuck headers do not pile up
    )
    server = uvicorn.Server(config)
    startup: Startup = app.state.startup
    startup.on_ready = lambda: _log_start_lines(settings, url)
    startup.on_failure = lambda _exc: setattr(server, "should_exit", True)
    # uvicorn shuts down on SIGTERM, then raises it again: exit cleanly then, so the lock file is removed.
    signal.signal(signal.SIGTERM, _exit)
    try:
        server.run(sockets=[sock])  # a SIGTERM comes out of it as SystemExit(0), raised by `_exit`
    finally:
        lock.release()
        _leave_stuck_requests(settings.shutdown_grace_s)
    if startup.failure is not None:
        _remove_if_created(settings, created)
        raise startup.failure
    return 0


def _log_start_lines(settings: Settings, url: str) -> None:
    for line in start_lines(settings, url):
        log.info("%s", line)


def _leave_stuck_requests(grace_s: float) -> None:
    """Give requests still running in worker threads `grace_s` to end, then exit without them.

    uvicorn has stopped serving and cancelled what it waits for, but a handler running in a thread cannot be
    cancelled, and the interpreter would wait for it at exit. Searches end by their time limit; a write commits
    or rolls back as one SQLite transaction, so leaving one behind loses nothing acknowledged."""
    deadline = time.monotonic() + grace_s
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    here = threading.current_thread()
    stuck = [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon and t is not here]
    if stuck:
        log.warning("exiting with %d request(s) still running after %.0f s: %s", len(stuck), grace_s, ", ".join(stuck))
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _exit(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _open(settings: Settings, lock: ServerLock, reseed: bool, created: bool) -> FastAPI:
    """Take the data directory and build the app that opens (or seeds) it; remove what a failed start created."""
    from emulator.app import create_app  # noqa: PLC0415 - importing FastAPI is slow; other commands skip it

    lock.acquire()
    try:
        if reseed:
            datadir.clear(settings.data_dir)
        return create_app(settings, start_in_background=True)
    except BaseException:
        lock.release()
        _remove_if_created(settings, created)
        raise


def _remove_if_created(settings: Settings, created: bool) -> None:
    if created:
        shutil.rmtree(settings.data_dir, ignore_errors=True)
