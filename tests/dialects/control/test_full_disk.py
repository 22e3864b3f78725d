"""A full disk on every control route that writes: 507 in the control shape naming the directory, the old state
whole, nothing half-made left in the data directory, and the same request working once space is back.

The disk fills at the file-operation seam (`emulator.search.disk`: copies and whole-file writes, and for the routes
that only build something new beside the data, hard links too) after a number of operations succeeded, so failures
land in the middle of a copy too; SQLite's own "database or disk is full" is raised where the database is written.
After the database's switch a restore, reset or seed only links and renames (nothing that needs room for data: a
mirror unlinks entries before it links new ones); a failure there is tested on its own below.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from emulator.runtime import replace, state
from emulator.runtime.emulator import Emulator
from emulator.search import disk
from emulator.search.tree import All
from emulator.settings import Settings
from emulator.testing import Client, close_app
from tests.helpers import ADMIN, ids

INVENTORY = "/rest/jip-api/1.0/inventory.json"
ALLOCATING = ("copy_file", "write_text", "write_new")
EVERY_OPERATION = ("link", *ALLOCATING)


@dataclass
class Disk:
    """Fills after `room` more file operations at the seam; `free()` gives the space back."""

    monkeypatch: pytest.MonkeyPatch
    room: int = 0
    failures: int = 0

    def fill(self, room: int = 0, seam: tuple[str, ...] = ALLOCATING) -> None:
        self.room = room
        for name in seam:
            self.monkeypatch.setattr(disk, name, self._failing(getattr(disk, name)))

    def free(self) -> None:
        self.monkeypatch.undo()

    def _failing(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def operation(*args: Any, **kwargs: Any) -> Any:
            if self.room <= 0:
                self.failures += 1
                raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))
            self.room -= 1
            return real(*args, **kwargs)

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
    seam: tuple[str, ...] = EVERY_OPERATION


SNAPSHOT = Call("POST", "/_emulator/snapshots", {"name": "s1"}, 201)
RESTORE = Call("POST", "/_emulator/snapshots/base/restore", None, 200, ALLOCATING)
RESET = Call("POST", "/_emulator/reset", None, 200, ALLOCATING)
SEED = Call("POST", "/_emulator/seed", {"generate": {"assets": 12, "seed": 3}}, 200, ALLOCATING)
NAMESPACE = Call("POST", "/_emulator/namespaces", {"name": "n1"}, 201)
NAMESPACE_FROM_SNAPSHOT = Call("POST", "/_emulator/namespaces", {"name": "n2", "from": "snapshot:base"}, 201)
# The room left before the disk fills: none, and a little (mid-way); for the copies of an index also a lot (links).
ROUTES = [
    pytest.param(call, room, id=f"{name}-room-{room}")
    for name, call, rooms in [
        ("snapshot", SNAPSHOT, (0, 1, 60)),
        ("restore", RESTORE, (0, 1)),
        ("reset", RESET, (0, 1)),
        ("seed", SEED, (0, 1, 2)),
        ("namespace", NAMESPACE, (0, 1, 2, 60)),
        ("namespace-from-snapshot", NAMESPACE_FROM_SNAPSHOT, (0, 60)),
    ]
    for room in rooms
]
TOKENS = [
    pytest.param(Call("POST", "/_emulator/tokens", {"name": "t", "access": "READ"}, 201), id="create-token"),
    pytest.param(Call("DELETE", "/_emulator/tokens/{id}", None, 204), id="revoke-token"),
]


@pytest.mark.parametrize(("call", "room"), ROUTES)
def test_a_full_disk_answers_507_leaves_the_state_whole_and_the_same_request_works_once_space_is_back(
    emulator_client: Client, emulator_settings: Settings, full: Disk, call: Call, room: int
) -> None:
    method, path, body, status = call.method, call.path, call.body, call.status
    data_dir = emulator_settings.data_dir
    assert emulator_client.post("/_emulator/snapshots", json={"name": "base"}).status_code == 201
    _changed(emulator_client)
    before = _state(emulator_client, data_dir)

    full.fill(room, call.seam)
    failed = emulator_client.request(method, path, json=body)
    full.free()
    assert full.failures > 0, f"{path} needs fewer than {room} file operations: choose less room"

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


def _failing_finish(*_args: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_an_index_that_cannot_be_put_in_place_after_the_switch_is_rebuilt_and_the_new_state_served(
    emulator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert emulator_client.post("/_emulator/snapshots", json={"name": "base"}).status_code == 201
    expected = sorted(ids(emulator_client, {}))
    _changed(emulator_client)

    monkeypatch.setattr(replace, "finish", _failing_finish)
    restored = emulator_client.post("/_emulator/snapshots/base/restore")

    assert restored.status_code == 200, restored.text
    assert sorted(ids(emulator_client, {})) == expected
    health = emulator_client.get("/_emulator/health").json()
    assert health["assets"] == health["indexedAssets"] == len(expected)


def test_when_neither_the_index_nor_a_rebuild_fits_after_the_switch_the_next_start_finishes_the_replacement(
    emulator_app: FastAPI, emulator_client: Client, emulator_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert emulator_client.post("/_emulator/snapshots", json={"name": "base"}).status_code == 201
    expected = sorted(ids(emulator_client, {}))
    _changed(emulator_client)

    monkeypatch.setattr(replace, "finish", _failing_finish)
    monkeypatch.setattr(Emulator, "reindex", _failing_finish)
    failed = emulator_client.post("/_emulator/snapshots/base/restore")
    monkeypatch.undo()
    _is_507(failed, emulator_settings.data_dir)
    close_app(emulator_app)

    restarted = Emulator(emulator_settings)
    restarted.start()
    try:
        assert sorted(restarted.index.search(All(), [], 0, 1000).asset_ids) == expected
        assert state.counts(restarted)[:2] == (len(expected), len(expected))
    finally:
        restarted.close()


def test_a_seed_whose_index_is_rebuilt_after_the_switch_still_becomes_the_reset_baseline(
    emulator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_finish = replace.finish
    monkeypatch.setattr(replace, "finish", _failing_finish)
    seeded = emulator_client.post("/_emulator/seed", json={"generate": {"assets": 12, "seed": 3}})
    monkeypatch.setattr(replace, "finish", real_finish)
    _changed(emulator_client)

    assert seeded.status_code == 200, seeded.text
    assert emulator_client.post("/_emulator/reset").json()["assets"] == 12
    health = emulator_client.get("/_emulator/health").json()
    assert health["assets"] == health["indexedAssets"] == 12
