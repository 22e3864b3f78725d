"""The pytest plugin, loaded by itself once the package is installed (the `pytest11` entry point).

For your own test suite (one emulator per session, returned to its fixtures after every test):
- `aip_emulator_settings`: override it to load your own fixtures (`Settings(data_dir=..., fixtures=...)`).
- `aip_app`: the emulator's app, session-wide.
- `aip_client`: an in-process client (`TestClient`); the state is reset after each test.
- `aip_live_url`: the base URL of a real uvicorn server on a free loopback port; reset after each test.
- `aip_cloud_token`: a WRITE Cloud API token for `Authorization: Bearer ...`.
Under pytest-xdist every worker is its own session, so each gets its own data directory, emulator and port.

Private fixtures (`_aip_...`, the emulator's own test suite uses them; not for you, they may change):
- `_aip_emulator_settings`: settings on a fresh copy of a data directory seeded once per session from the fixtures.
- `_aip_emulator_app`: an app over those settings (in-process).
- `_aip_emulator_client`: a client of that app; set `AIP_EMULATOR_TEST_LIVE=1` to run the same tests against a real
  uvicorn server on a free port instead.
- `_aip_live_server`: the base URL of a real uvicorn server over a session-wide copy of the default data.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.core import state
from emulator.core.runtime import Emulator
from emulator.core.tokens import create_token
from emulator.settings import Settings

LIVE_ENV = "AIP_EMULATOR_TEST_LIVE"


@pytest.fixture(scope="session")
def _aip_seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory seeded from the default fixtures once per session; tests get copies of it."""
    data_dir = tmp_path_factory.mktemp("template")
    emulator = Emulator(Settings(data_dir=data_dir))
    emulator.start()
    emulator.close()
    return data_dir


def copy_data_dir(template: Path, target: Path) -> Path:
    """A private copy of a seeded data directory (database and index travel together)."""
    shutil.copytree(template, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def _aip_emulator_settings(_aip_seeded_template: Path, tmp_path: Path) -> Settings:
    return Settings(data_dir=copy_data_dir(_aip_seeded_template, tmp_path / "data"))


@pytest.fixture
def _aip_emulator_app(_aip_emulator_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(_aip_emulator_settings)
    yield app
    app.state.emulator.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A uvicorn server running an app in a background thread on a free loopback port."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live emulator server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def _aip_live_server(_aip_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real uvicorn server over a copy of the default data (shared by the session)."""
    settings = Settings(data_dir=copy_data_dir(_aip_seeded_template, tmp_path_factory.mktemp("live")))
    app = create_app(settings)
    with LiveServer(app) as server:
        yield server.url
    app.state.emulator.close()


@pytest.fixture
def _aip_emulator_client(_aip_emulator_app: FastAPI) -> Iterator[httpx.Client | TestClient]:
    """A client of a fresh emulator: in-process, or over real HTTP when `AIP_EMULATOR_TEST_LIVE=1`."""
    if os.environ.get(LIVE_ENV) == "1":
        with LiveServer(_aip_emulator_app) as server, httpx.Client(base_url=server.url) as client:
            yield client
    else:
        with TestClient(_aip_emulator_app) as client:
            yield client


Client = httpx.Client | TestClient


@pytest.fixture(scope="session", params=["in-process", "live"])
def _aip_shared_client(
    request: pytest.FixtureRequest, _aip_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Client]:
    """A client of one emulator shared by read-only tests, once in-process and once over real HTTP."""
    settings = Settings(data_dir=copy_data_dir(_aip_seeded_template, tmp_path_factory.mktemp("shared")))
    app = create_app(settings)
    if request.param == "live":
        with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
            yield client
    else:
        with TestClient(app) as client:
            yield client
    app.state.emulator.close()


@pytest.fixture(scope="session")
def aip_emulator_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings of the session's emulator: the default fixtures in a private data directory."""
    return Settings(data_dir=tmp_path_factory.mktemp("aip-emulator"))


@pytest.fixture(scope="session")
def aip_app(aip_emulator_settings: Settings) -> Iterator[FastAPI]:
    """The session's emulator app (seeded from the fixtures on first use)."""
    app = create_app(aip_emulator_settings)
    yield app
    app.state.emulator.close()


def _back_to_fixtures(app: FastAPI) -> None:
    emulator: Emulator = app.state.emulator
    state.reset(emulator)
    emulator.clock.release()


@pytest.fixture
def aip_client(aip_app: FastAPI) -> Iterator[TestClient]:
    """An in-process client of the session's emulator; the next test starts from the fixtures again."""
    client = TestClient(aip_app)  # no lifespan: the session owns the emulator
    try:
        yield client
    finally:
        client.close()
        _back_to_fixtures(aip_app)


@pytest.fixture(scope="session")
def _aip_server(aip_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(aip_app) as server:
        yield server


@pytest.fixture
def aip_live_url(_aip_server: LiveServer, aip_app: FastAPI) -> Iterator[str]:
    """The base URL of a real server over the session's emulator; the next test starts from the fixtures again."""
    try:
        yield _aip_server.url
    finally:
        _back_to_fixtures(aip_app)


@pytest.fixture
def aip_cloud_token(aip_app: FastAPI) -> str:
    """A never-expiring WRITE Cloud token of the session's emulator, for `Authorization: Bearer <token>`."""
    _info, token = create_token(aip_app.state.emulator, "pytest", "WRITE", never_expire=True)
    return token
