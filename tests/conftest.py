"""Test setup: the plugin's private fixtures under the short names this suite uses.

The plugin loads itself through its `pytest11` entry point (the editable install registers it); the old
`pytest_plugins = ["emulator.testing"]` line stays as the proof that it is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from emulator.settings import Settings
from emulator.testing import Client
from emulator.testing_transport import AppLoop

pytest_plugins = ["emulator.testing"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules holding a `slow` test run first (each module kept whole, the order otherwise as collected): with
    `--dist worksteal` the two workers then end on short tests together instead of one waiting on the other's last
    child session."""
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)


@pytest.fixture(scope="session", autouse=True)
def _nested_pytest_temp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The pytest sessions this suite starts (users' projects) keep their temporary directories under this worker's
    own root, not the shared `pytest-of-<user>`: a session that ends removes the old numbered directories there, and
    two ending at once on two workers collide (the nested run then fails for nothing it tested)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("PYTEST_DEBUG_TEMPROOT", str(tmp_path_factory.mktemp("nested-pytest")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def seeded_template(_aip_seeded_template: Path) -> Path:
    return _aip_seeded_template


@pytest.fixture
def emulator_settings(_aip_emulator_settings: Settings) -> Settings:
    return _aip_emulator_settings


@pytest.fixture
def emulator_app(_aip_emulator_app: FastAPI) -> FastAPI:
    return _aip_emulator_app


@pytest.fixture
def emulator_client(_aip_emulator_client: Client) -> Client:
    return _aip_emulator_client


@pytest.fixture(scope="session")
def app_loop(_aip_loop: AppLoop) -> AppLoop:
    """The session's event loop for in-process clients (`in_process_client(app, app_loop)`)."""
    return _aip_loop


@pytest.fixture(scope="session")
def live_server(_aip_live_server: str) -> str:
    return _aip_live_server


@pytest.fixture(scope="session")
def shared_client(_aip_shared_client: Client) -> Client:
    return _aip_shared_client
