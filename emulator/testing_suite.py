"""The private fixtures of the emulator's own test suite (`_aip_...`; not for your suite, they may change), loaded
with the pytest plugin (`emulator.testing`).

- `_aip_emulator_settings`: settings on a fresh copy of a data directory seeded once per session from the fixtures.
- `_aip_emulator_app`: an app (in-process): the worker's one app, reset after every test by the product's own reset;
  an app over `_aip_emulator_settings` for a test that asks for those or is marked `fresh_app`.
- `_aip_shared_client`: a client of one emulator shared by read-only tests, once in-process and once over HTTP.
- `_aip_emulator_client`: a client of that app, in-process on the plugin's `_aip_loop`; set
  `AIP_EMULATOR_TEST_LIVE=1` to run the same tests against a real uvicorn server on a free port instead.
- `_aip_live_server`: the base URL of a real uvicorn server over a session-wide copy of the default data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from emulator.testing import copy_data_dir  # the plugin is loaded first: it loads this module
from emulator.testing_server import WORKER_ENV, LiveServer, close_app
from emulator.testing_transport import AppLoop, in_process_client

if TYPE_CHECKING:  # loaded with the first fixture that builds an app (as in `emulator.testing`)
    from fastapi import FastAPI

    from emulator.settings import Settings
    from emulator.testing_reuse import ReusedApp

LIVE_ENV = "AIP_EMULATOR_TEST_LIVE"
FRESH_APP = "fresh_app"  # the marker of a test of the emulator's own suite that needs an app of its own


@pytest.fixture(scope="session")
def _aip_seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory seeded from the default fixtures once per session (under xdist once between the workers,
    as the plugin's `aip_app` does); tests get copies of it."""
    from emulator.runtime.emulator import Emulator  # noqa: PLC0415
    from emulator.settings import Settings  # noqa: PLC0415
    from emulator.testing_template import seed_from_template  # noqa: PLC0415

    settings = Settings(data_dir=tmp_path_factory.mktemp("template"))
    if os.environ.get(WORKER_ENV):
        seed_from_template(settings, tmp_path_factory.getbasetemp().parent)
    else:
        emulator = Emulator(settings)
        emulator.start()
        emulator.close()
    return settings.data_dir


@pytest.fixture
def _aip_emulator_settings(_aip_seeded_template: Path, tmp_path: Path) -> Settings:
    from emulator.settings import Settings  # noqa: PLC0415

    return Settings(data_dir=copy_data_dir(_aip_seeded_template, tmp_path / "data"))


@pytest.fixture(scope="session")
def _aip_reused_app(_aip_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReusedApp]:
    from emulator.testing_reuse import ReusedApp  # noqa: PLC0415

    reused = ReusedApp(_aip_seeded_template, tmp_path_factory.mktemp("reused"))
    yield reused
    reused.close()


@pytest.fixture
def _aip_emulator_app(request: pytest.FixtureRequest) -> Iterator[FastAPI]:
    """The worker's reused app, reset after the test; a fresh app over its own data directory for a test that asks
    for `_aip_emulator_settings` or is marked `fresh_app` (it changes the app itself, or needs a new directory)."""
    if "_aip_emulator_settings" in request.fixturenames or request.node.get_closest_marker(FRESH_APP):
        from emulator.app import create_app  # noqa: PLC0415

        app = create_app(request.getfixturevalue("_aip_emulator_settings"))
        yield app
        close_app(app)
        return
    reused: ReusedApp = request.getfixturevalue("_aip_reused_app")
    try:
        yield reused.app()
    finally:
        reused.reset()


@pytest.fixture(scope="session")
def _aip_live_server(_aip_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real uvicorn server over a copy of the default data (shared by the session)."""
    app = _app_over_copy(_aip_seeded_template, tmp_path_factory.mktemp("live"))
    with LiveServer(app) as server:
        yield server.url
    close_app(app)


@pytest.fixture
def _aip_emulator_client(_aip_emulator_app: FastAPI, _aip_loop: AppLoop) -> Iterator[httpx.Client]:
    """A client of a fresh emulator: in-process, or over real HTTP when `AIP_EMULATOR_TEST_LIVE=1`."""
    if os.environ.get(LIVE_ENV) == "1":
        with LiveServer(_aip_emulator_app) as server, httpx.Client(base_url=server.url) as client:
            yield client
    else:
        with in_process_client(_aip_emulator_app, _aip_loop) as client:
            yield client


@pytest.fixture(scope="session", params=["in-process", "live"])
def _aip_shared_client(
    request: pytest.FixtureRequest,
    _aip_seeded_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _aip_loop: AppLoop,
) -> Iterator[httpx.Client]:
    """A client of one emulator shared by read-only tests, once in-process and once over real HTTP."""
    app = _app_over_copy(_aip_seeded_template, tmp_path_factory.mktemp("shared"))
    if request.param == "live":
        with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
            yield client
    else:
        with in_process_client(app, _aip_loop) as client:
            yield client
    close_app(app)


def _app_over_copy(template: Path, target: Path) -> FastAPI:
    """An app over a copy of the seeded `template` at `target`."""
    from emulator.app import create_app  # noqa: PLC0415
    from emulator.settings import Settings  # noqa: PLC0415

    return create_app(Settings(data_dir=copy_data_dir(template, target)))
