"""`EmulatorServer`: the emulator for unittest, scripts and other runners (issue 11, Build)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from emulator.runtime.lock import DataDirInUse, running_server
from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from tests.helpers import ADMIN, SEARCH

NEW = {"formId": 9, "name": "Threaded Laptop", "attributes": {}}
FIND = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "threaded", "fieldType": "STRING"}]}


def _found(url: str) -> int:
    return len(httpx.post(url + SEARCH, json=FIND, auth=ADMIN).json()["assets"])


def test_it_serves_the_default_fixtures_on_a_free_port_and_cleans_up() -> None:
    with EmulatorServer() as server:
        assert httpx.get(f"{server.url}/_emulator/health").json() == {
            "status": "ok",
            "assets": 39,
            "indexedAssets": 39,
            "pendingChanges": 0,
        }
        scratch = server.settings.data_dir

    assert not scratch.exists()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/_emulator/health", timeout=1)


def test_reset_returns_to_the_baseline(seeded_template: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"))
    with EmulatorServer(settings) as server, httpx.Client(base_url=server.url) as client:
        client.post("/rest/jip-api/1.0/inventory.json", json=NEW, auth=ADMIN)
        assert _found(server.url) == 1
        client.post("/_emulator/snapshots", json={"name": "s1"})
        client.post("/_emulator/faults", json={"path": "/rest/jip-api/1.0/form/*", "status": 503})
        client.post("/_emulator/strict", json={"strict": True})
        client.post("/_emulator/clock", json={"freeze": True})

        server.reset()

        assert client.get("/_emulator/requests").json() == {"total": 0, "requests": []}
        assert _found(server.url) == 0
        assert client.get("/_emulator/snapshots").json() == []
        assert client.get("/_emulator/faults").json() == []
        assert client.get("/_emulator/strict").json() == {"strict": False}
        assert client.get("/_emulator/clock").json()["frozen"] is False
    assert (tmp_path / "data" / "emulator.db").is_file()  # a data directory you give is kept


def test_it_holds_the_data_dir_like_a_server(seeded_template: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"))
    with EmulatorServer(settings) as server:
        holder = running_server(settings.data_dir)
        assert holder is not None
        assert holder.url == server.url
        with pytest.raises(DataDirInUse):
            EmulatorServer(settings).start()
