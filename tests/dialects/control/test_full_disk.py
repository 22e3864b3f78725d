"""A full disk on every control route that writes: 507 in the control shape naming the directory, the old state
whole, nothing half-made left in the data directory, and the same request working once space is back.

The disk fills at the file-operation seam (`emulator.search.disk`: links, copies, whole-file writes) after a number
of operations succeeded, so failures land in the middle of a copy too; SQLite's own "database or disk is full" is
raised where the database is written.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from emulator.core import replace
from emulator.search import disk
from emulator.settings import Settings
from emulator.testing import Client
from tests.helpers import ADMIN, ids

INVENTORY = "/rest/jip-api/1.0/inventory.json"
SEAM = ("link", "copy_file", "write_text")


@dataclass
class Disk:
    """Fills after `room` more file operations at the seam; `free()` gives the space back."""

    monkeypatch: pytest.MonkeyPatch
    room: int = 0
    failures: int = 0

    def fill(self, room: int = 0) -> None:
        self.room = room
        for name in SEAM:
            self.monkeypatch.setattr(disk, name, self._failing(getattr(disk, name)))

    def free(self) -> None:
        self.monkeypatch.undo()

    def _failing(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def operation(*args: Any) -> Any:
            if self.room <= 0:
                self.failures += 1
                raise OSError(errno.ENOSPC, "No space left on device", str(args[-1]))
            self.room -= 1
            return real(*args)

        return operation


@pytest.fixture
def full(monkeypatch: pytest.MonkeyPatch) -> Disk:
    return Disk(monkeypatch)


def _state(client: Client, data_dir: Path) -> tuple[list[int], list[str], list[str]]:
    """Asset ids a search sees (checked against health), snapshot names, and the hidden entries of the data dir."""
    health = client.get("/_emulator/health").json()
    assert health["assets"] == health["indexedAssets"]
    hidden = sorted(p.name for p in data_dir.rglob(".*") if not p.name.startswith(".seed-"))
    snapshots = [s["name"] for s in client.get("/_emulator/snapshots").json()]
    return sorted(ids(client, {})), snapshots, hidden


def _is_507(response: Any, data_dir: Path) -> None:
    assert response.status_code == 507, response.text
    body = response.json()
    assert body["error"] == "InsufficientStorage"
    assert str(data_dir) in body["message"]
    assert "free some space" in body["message"]


def _changed(client: Client) -> None:
    body = {"formId": 9, "name": "Fullness", "attributes": {}}
    assert client.post(INVENTORY, json=body, auth=ADMIN).status_code == 200


@dataclass(frozen=True)
class Call:
    """A control request and the status it answers when the disk has room."""

    method: str
    path: str
    body: dict[str, Any] | None
    status: int


ROUTES = [
    pytest.param(Call("POST", "/_emulator/snapshots", {"name": "s1"}, 201), id="snapshot"),
    pytest.param(Call("POST", "/_emulator/snapshots/base/restore", None, 200), id="restore"),
    pytest.param(Call("POST", "/_emulator/reset", None, 200), id="reset"),
    pytest.param(Call("POST", "/_emulator/seed", {"generate": {"assets": 12, "seed": 3}}, 200), id="seed"),
    pytest.param(Call("POST", "/_emulator/namespaces", {"name": "n1"}, 201), id="namespace"),
    pytest.param(Call("POST", "/_emulator/namespaces", {"name": "n2", "from": "snapshot:base"}, 201), id="ns-snap"),
]
TOKENS = [
    pytest.param(Call("POST", "/_emulator/tokens", {"name": "t", "access": "READ"}, 201), id="create-token"),
    pytest.param(Call("DELETE", "/_emulator/tokens/{id}", None, 204), id="revoke-token"),
]


@pytest.mark.parametrize("room", [0, 5, 60])
@pytest.mark.parametrize("call", ROUTES)
def test_a_full_disk_answers_507_leaves_the_state_whole_and_the_same_request_works_once_space_is_back(
    emulator_client: Client, emulator_settings: Settings, full: Disk, call: Call, room: int
) -> None:
    method, path, body, status = call.method, call.path, call.body, call.status
    data_dir = emulator_settings.data_dir
    assert emulator_client.post("/_emulator/snapshots", json={"name": "base"}).status_code == 201
    _changed(emulator_client)
    before = _state(emulator_client, data_dir)

    full.fill(room)
    failed = emulator_client.request(method, path, json=body)
    if full.failures == 0:  # the operation needed fewer file operations than `room`
        assert room > 0
        assert failed.status_code == status, failed.text
        pytest.skip(f"{path} needs fewer than {room} file operations")
    full.free()

    _is_507(failed, data_dir)
    assert _state(emulator_client, data_dir) == before
    assert [n["name"] for n in emulator_client.get("/_emulator/namespaces").json()] == ["default"]
    again = emulator_client.request(method, path, json=body)
    assert again.status_code == status, again.text
    assert emulator_client.get("/_emulator/health").json()["status"] == "ok"


def _sqlite_full(*_args: Any, **_kwargs: Any) -> None:
    raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))


@pytest.mark.parametrize("call", TOKENS)
def test_a_full_database_answers_507_on_the_token_routes(
    emulator_client: Client, emulator_settings: Settings, monkeypatch: pytest.MonkeyPatch, call: Call
) -> None:
    token = emulator_client.post("/_emulator/tokens", json={"name": "kept", "access": "READ"}).json()
    before = emulator_client.get("/_emulator/tokens").json()
    method, path, body, status = call.method, call.path.format(id=token["id"]), call.body, call.status

    monkeypatch.setattr(Session, "commit", _sqlite_full)
    failed = emulator_client.request(method, path, json=body)
    monkeypatch.undo()

    _is_507(failed, emulator_settings.data_dir)
    assert emulator_client.get("/_emulator/tokens").json() == before
    assert emulator_client.request(method, path, json=body).status_code == status


def test_a_full_database_at_the_switch_of_a_restore_keeps_the_old_state(
    emulator_client: Client, emulator_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = emulator_settings.data_dir
    assert emulator_client.post("/_emulator/snapshots", json={"name": "base"}).status_code == 201
    _changed(emulator_client)
    before = _state(emulator_client, data_dir)

    def full_commit(*_args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(replace, "commit", full_commit)
    failed = emulator_client.post("/_emulator/snapshots/base/restore")
    monkeypatch.undo()

    _is_507(failed, data_dir)
    assert _state(emulator_client, data_dir) == before
    assert emulator_client.post("/_emulator/snapshots/base/restore").status_code == 200
