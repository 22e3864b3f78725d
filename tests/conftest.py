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


# The modules whose single tests run longest (measured with --durations; module-scoped servers keep each whole),
# longest first: started early, they end while the other worker still has short tests to take.
LONGEST_FIRST = (
    "cli/test_postman.py",  # newman runs of the whole collection, 10-30 s a test
    "reliability/test_schemathesis.py",  # 6-19 s a dialect
    "test_readme_examples.py",  # the README's examples as a user's project, serially and under xdist
    "test_plugin_reset.py",  # a user's suite in nested sessions, serially, under xdist, against a shared server
    "reliability/test_whole_state_crash.py",  # a kill and a restart per moment
    "install/test_wheel.py",  # a venv with the wheel, a user's project under xdist
    "reliability/test_shutdown.py",  # SIGTERM with a search in flight, a grace to wait out
    "cli/test_exec.py",
    "cli/test_serve.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules holding a `slow` test run first, the longest of them (`LONGEST_FIRST`) before the others (each module
    kept whole, the order otherwise as collected): with `--dist worksteal` a worker that runs out takes the tail of
    the other's queue, so the two workers end on short tests together instead of one waiting on the other's last
    child session."""
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    here = Path(__file__).parent
    rank = {here / name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: (item.path not in slow, rank.get(item.path, len(rank))))


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
