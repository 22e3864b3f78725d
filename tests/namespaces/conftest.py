"""Namespaces tests run twice: in-process and against a live uvicorn server (one fresh data directory each; the
live run is marked slow, so `make test-fast` keeps the in-process one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, LiveServer, close_app, copy_data_dir
from emulator.testing_transport import AppLoop, in_process_client

Serve = Callable[..., AbstractContextManager[Client]]


@pytest.fixture(params=["in-process", pytest.param("live", marks=pytest.mark.slow)])  # live: in `make test` only
def serve(request: pytest.FixtureRequest, seeded_template: Path, tmp_path: Path, app_loop: AppLoop) -> Serve:
    """Start an emulator over one data directory of this test (settings overridable); reusable for a restart."""
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")

    @contextmanager
    def start(**overrides: Any) -> Iterator[Client]:
        app = create_app(Settings(data_dir=data_dir, **overrides))
        try:
            if request.param == "live":
                with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
                    yield client
            else:
                with in_process_client(app, app_loop) as client:
                    yield client
        finally:
            close_app(app)

    return start


@pytest.fixture
def client(serve: Serve) -> Iterator[Client]:
    with serve() as started:
        yield started


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
