"""The pytest plugin, loaded by itself once the package is installed (the `pytest11` entry point).

For your own test suite (one emulator per session, back to its baseline after every test):
- `aip_emulator_settings`: override it to load your own fixtures (`Settings(data_dir=..., fixtures=...)`).
- `aip_app`: the emulator's app, session-wide.
- `aip_client`: an in-process `httpx.Client` (the app on one event loop kept for the session, no port, no thread
  per request); the state is reset after each test.
- `aip_async_client`: an `httpx.AsyncClient` of the same emulator for async tests (anyio's `@pytest.mark.anyio`,
  pytest-asyncio); the state is reset after each test.
- `aip_live_url`: the base URL of a real uvicorn server on a free loopback port; reset after each test.
- `aip_cloud_token`: a WRITE Cloud API token for `Authorization: Bearer ...`.
- `aip_namespace`: the namespace the session works in: under pytest-xdist the worker id (`gw0`, ...), else `default`.
- `aip_faults`: add fault rules (`aip_faults.add(path, status=503, times=1)`), read their hits.
- `aip_clock`: freeze, set, advance the emulator's clock.
- `aip_journal`: the test's own requests; `assert_requested(method, path, times=..., body=...)` names near misses.
After every test that used any of them the namespace is reset: data, named snapshots, clock, strict switch, fault
rules, journal (docs/api.md, "Reset").
Under pytest-xdist every worker works in a namespace of its own. With `AIP_EMULATOR_URL` set (a compose service, a
CI service container), every worker uses that one server instead of an in-process emulator: `aip_client` and
`aip_async_client` then talk HTTP to the worker's namespace there, and `aip_live_url` is that namespace's base URL.

The private fixtures of the emulator's own suite (`_aip_...`) live in `emulator.testing_suite`, loaded with this
plugin.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from emulator.testing_server import (
    URL_ENV,
    WORKER_ENV,
    InProcess,
    LiveServer,
    Remote,
    async_client,
    close_app,
    control_client,
    free_port,
    namespaced,
    worker_namespace,
)
from emulator.testing_transport import AppLoop

# The app, the data layer and FastAPI load with the first fixture that needs an app in this process: a session
# against a server (`AIP_EMULATOR_URL`) and pytest-xdist's controller never do.
if TYPE_CHECKING:
    from fastapi import FastAPI

    from emulator.settings import Settings
    from emulator.testing_control import AipClock, AipFaults, Client, ControlError
    from emulator.testing_journal import AipJournal

__all__ = [
    "AipClock", "AipFaults", "AipJournal", "Client", "ControlError", "LiveServer", "close_app", "copy_data_dir",
    "free_port",
]  # fmt: skip
pytest_plugins = ["emulator.testing_suite"]  # the private fixtures of the emulator's own suite
_LAZY = dict.fromkeys(("AipClock", "AipFaults", "Client", "ControlError"), "emulator.testing_control")
_LAZY["AipJournal"] = "emulator.testing_journal"


def __getattr__(name: str) -> object:
    """`AipClock`, `AipFaults`, `AipJournal`, `ControlError` and `Client`, loaded when first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def copy_data_dir(template: Path, target: Path) -> Path:
    """A private copy of a seeded data directory (database and index travel together)."""
    shutil.copytree(template, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def _aip_loop() -> Iterator[AppLoop]:
    """One event loop for the session's in-process sync clients (a request costs a call, not a thread)."""
    with AppLoop() as loop:
        yield loop


@pytest.fixture(scope="session")
def aip_emulator_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings of the session's emulator: the default fixtures in a private data directory."""
    from emulator.settings import Settings  # noqa: PLC0415

    return Settings(data_dir=tmp_path_factory.mktemp("aip-emulator"))


@pytest.fixture(scope="session")
def aip_app(aip_emulator_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The session's emulator app (seeded from the fixtures on first use). Under pytest-xdist the workers seed a
    fixture set once between them and each copies it."""
    from emulator.app import create_app  # noqa: PLC0415
    from emulator.testing_template import seed_from_template  # noqa: PLC0415

    if os.environ.get(WORKER_ENV):
        seed_from_template(aip_emulator_settings, tmp_path_factory.getbasetemp().parent)
    app = create_app(aip_emulator_settings)
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def aip_namespace() -> str:
    """The namespace this session works in: the pytest-xdist worker id (`gw0`, ...), else `default`."""
    return worker_namespace()


@pytest.fixture(scope="session")
def _aip_target(request: pytest.FixtureRequest, aip_namespace: str) -> InProcess | Remote:
    url = os.environ.get(URL_ENV)
    if url:
        remote = Remote(namespaced(url, aip_namespace))
        try:
            remote.reset()  # a shared server may hold what an earlier session (or an interrupted one) left behind
        except httpx.TransportError as exc:
            raise RuntimeError(
                f"{URL_ENV}={url}: no emulator answers there ({exc}); start one (aip-emulator serve), "
                f"let `aip-emulator exec -- pytest ...` start one, or unset {URL_ENV} for an in-process emulator"
            ) from None
        return remote
    return InProcess(request.getfixturevalue("aip_app"), aip_namespace, request.getfixturevalue("_aip_loop"))


@pytest.fixture
def _aip_clean(_aip_target: InProcess | Remote) -> Iterator[InProcess | Remote]:
    """The session's target, reset to its baseline after the test (every public per-test fixture asks for it, so a
    test that uses several is reset once): data, snapshots, clock, strict switch, fault rules and journal."""
    try:
        yield _aip_target
    finally:
        _aip_target.reset()


@pytest.fixture
def aip_client(_aip_clean: InProcess | Remote) -> Iterator[httpx.Client]:
    """An `httpx.Client` of the session's namespace (in-process, or of `AIP_EMULATOR_URL`); it follows redirects,
    as Starlette's TestClient does. The next test starts from the namespace's baseline again."""
    with control_client(_aip_clean) as client:
        yield client


@pytest.fixture
def aip_async_client(_aip_clean: InProcess | Remote) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` of the session's namespace (in-process on the test's own event loop, or of
    `AIP_EMULATOR_URL`), for anyio (`@pytest.mark.anyio`) and pytest-asyncio tests; no need to close it. The next
    test starts from the namespace's baseline again.

        @pytest.mark.anyio
        async def test_search(aip_async_client):
            answer = await aip_async_client.get("/rest/jip-api/1.0/form/list.json", auth=("admin", "admin"))
            assert answer.status_code == 200
    """
    return async_client(_aip_clean)


@pytest.fixture(scope="session")
def _aip_server(_aip_target: InProcess | Remote) -> Iterator[str]:
    if isinstance(_aip_target, Remote):
        yield _aip_target.url
        return
    with LiveServer(_aip_target.app) as server:
        yield namespaced(server.url, _aip_target.namespace)


@pytest.fixture
def aip_live_url(_aip_server: str, _aip_clean: InProcess | Remote) -> str:
    """The base URL of a real server over the session's namespace; the next test starts from its baseline again."""
    return _aip_server


@pytest.fixture
def aip_cloud_token(_aip_clean: InProcess | Remote) -> str:
    """A never-expiring WRITE Cloud token of the session's namespace, for `Authorization: Bearer <token>` (gone
    after the test, with the rest of the test's state)."""
    return _aip_clean.cloud_token()


@pytest.fixture
def aip_faults(_aip_clean: InProcess | Remote) -> Iterator[AipFaults]:
    """Fault rules of the session's namespace (`add`, `rules`, `hits`, `remove`, `clear`); none after the test.

    def test_the_sync_retries_a_503(aip_faults, aip_live_url):
        rule = aip_faults.add("/rest/jip-api/1.0/index/query.json", method="POST", status=503, times=1)
        run_my_sync_job(jira_url=aip_live_url, user="admin", password="admin")
        assert aip_faults.hits(rule["id"]) == 1
    """
    from emulator.testing_control import AipFaults  # noqa: PLC0415

    with control_client(_aip_clean) as client:
        yield AipFaults(client)


@pytest.fixture
def aip_clock(_aip_clean: InProcess | Remote) -> Iterator[AipClock]:
    """The emulator's clock (`now`, `freeze`, `set`, `advance`, `release`; epoch ms or aware datetimes); real time
    again after the test.

        def test_created_is_the_frozen_time(aip_clock, aip_client):
            aip_clock.freeze(datetime(2026, 1, 1, tzinfo=timezone.utc))
            aip_clock.advance(timedelta(hours=1))
            assert aip_clock.now() == 1_767_229_200_000
    """
    from emulator.testing_control import AipClock  # noqa: PLC0415

    with control_client(_aip_clean) as client:
        yield AipClock(client)


@pytest.fixture
def aip_journal(_aip_clean: InProcess | Remote) -> Iterator[AipJournal]:
    """The requests this test made (`requests`, `count`, `assert_requested`, `assert_not_requested`, `clear`); the
    journal starts empty in every test. A failed `assert_requested` lists the near misses, closest first.

        def test_the_sync_creates_one_laptop(aip_journal, aip_live_url):
            run_my_sync_job(jira_url=aip_live_url, user="admin", password="admin")
            aip_journal.assert_requested("POST", "/rest/jip-api/1.0/inventory.json", times=1, body={"formId": 9})
    """
    from emulator.testing_journal import AipJournal  # noqa: PLC0415

    with control_client(_aip_clean) as client:
        yield AipJournal(client)
