"""A `kill -9` at a named moment of each whole-state change (restore, reset, seed, namespace creation, snapshot):
after a restart on the same data directory the server starts, database and index agree (by ids and by a search on
names), and the state is the old one or the new one, whole. The kill is a real one, of a `serve` child; the restart
runs in the test's own process (the same start, without a second interpreter).

The server kills itself at the step `AIP_EMULATOR_CRASH_AT` names (`emulator.search.disk.checkpoint`), so every
moment is hit exactly. `make test` runs one or two moments of each operation; `AIP_EMULATOR_CRASH=long` (as `make
reliability` sets it) runs every step.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import copy_data_dir
from emulator.testing_transport import AppLoop
from tests.reliability.serving import Served, restarted, serve_process

pytestmark = pytest.mark.slow  # starts server or command processes

SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
LAPTOP = 9
START_TIMEOUT_S = 60.0
LONG = os.environ.get("AIP_EMULATOR_CRASH") == "long"
Assets = dict[int, str]


@dataclass(frozen=True)
class Operation:
    """A control call that changes the whole state."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


RESTORE = Operation("restore", "POST", "/_emulator/snapshots/snap/restore")
RESET = Operation("reset", "POST", "/_emulator/reset")
RESET_AGAIN = Operation("reset-again", "POST", "/_emulator/reset")  # after a reset and a create: its copy was kept
SEED = Operation("seed", "POST", "/_emulator/seed", {"generate": {"assets": 25, "seed": 7}})
NAMESPACE = Operation("namespace", "POST", "/_emulator/namespaces", {"name": "ns1", "from": "snapshot:snap"})
SNAPSHOT = Operation("snapshot", "POST", "/_emulator/snapshots", {"name": "snap"})

# Each step and the state a kill there must leave: before the database's commit the old one, after it the new one.
OLD, NEW = "old", "new"
LOADS = [("replace:database-staged", OLD), ("written:.replace.json", OLD), ("replace:staged", OLD)]
LOADS += [("replace:switched", NEW), ("replace:committed", NEW)]
LOADS += [("index-copy:half", NEW), ("replace:index-replaced", NEW)]
SEEDS = [("seed:built", OLD), ("replace:database-staged", OLD), ("index-copy:half", OLD), ("replace:staged", OLD)]
SEEDS += [("replace:committed", NEW), ("index-copy:half@2", NEW), ("replace:index-replaced", NEW)]
SEEDS += [("swap:old-moved", NEW), ("replace:baseline-replaced", NEW)]
NAMESPACES = [("namespace:database-copied", OLD), ("index-copy:half", OLD), ("index-copy:half@2", OLD)]
NAMESPACES += [("namespace:written", OLD), ("namespace:renamed", NEW)]  # renamed: whole, its entry not yet synced
SNAPSHOTS = [("snapshot:database-copied", OLD), ("index-copy:half", OLD), ("snapshot:written", OLD)]
SNAPSHOTS += [("swap:old-moved", OLD)]  # the old snapshot was renamed away: a start puts it back
AGAIN = [("prestage:taken", OLD), ("replace:staged@2", OLD), ("prestage:kept@2", NEW)]  # the kept copy's moments
EVERY = [(RESTORE, *s) for s in LOADS] + [(RESET, *s) for s in LOADS] + [(SEED, *s) for s in SEEDS]
EVERY += [(NAMESPACE, *s) for s in NAMESPACES] + [(SNAPSHOT, *s) for s in SNAPSHOTS]
EVERY += [(RESET_AGAIN, *s) for s in AGAIN]
SHORT = [(RESTORE, "replace:committed", NEW), (RESTORE, "index-copy:half", NEW)]
SHORT += [(RESET, "replace:staged", OLD), (SEED, "swap:old-moved", NEW)]
# Found by bench.chaos (kill -9 at random): a start left the plan's temporary file, and the staged database's -wal
# and -shm from a kill while it was open.
SHORT += [(RESET, "written:.replace.json", OLD), (RESTORE, "replace:switched", NEW)]
SHORT += [(NAMESPACE, "index-copy:half", OLD), (NAMESPACE, "namespace:renamed", NEW), (SNAPSHOT, "swap:old-moved", OLD)]
SHORT += [(RESET_AGAIN, "prestage:taken", OLD), (RESET_AGAIN, "prestage:kept@2", NEW)]
CASES = [pytest.param((op, step, end), id=f"{op.name}-at-{step}") for op, step, end in (EVERY if LONG else SHORT)]


def _env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")} | extra


def _server(data_dir: Path, log: Path, crash_at: str | None = None) -> AbstractContextManager[Served]:
    """A real server over `data_dir` (set to kill itself at `crash_at`), stopped on the way out if still running."""
    env = _env(AIP_EMULATOR_CRASH_AT=crash_at) if crash_at else _env()
    return serve_process(data_dir, log, env, START_TIMEOUT_S)


def _rows(database: Path) -> Assets:
    with closing(sqlite3.connect(database)) as db:
        return dict(db.execute("SELECT id, name FROM assets"))


def _create(client: httpx.Client, name: str) -> None:
    body = {"formId": LAPTOP, "name": name, "attributes": {}}
    assert client.post("/rest/jip-api/1.0/inventory.json", json=body).status_code == 200


@dataclass(frozen=True)
class Prepared:
    """A data directory with a snapshot `snap` and writes after it, and the states each operation can end in."""

    data_dir: Path
    live: Assets  # the state before any operation
    snap: Assets  # snapshot `snap`
    baseline: Assets  # what reset returns to


@pytest.fixture(scope="module")
def prepared(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    root = tmp_path_factory.mktemp("whole-state")
    data_dir = copy_data_dir(seeded_template, root / "data")
    with _server(data_dir, root / "prepare.log") as (url, _process), httpx.Client(base_url=url, auth=ADMIN) as client:
        _create(client, "insnap")
        assert client.post("/_emulator/snapshots", json={"name": "snap"}).status_code == 201
        _create(client, "aftersnap")
        assert client.delete("/rest/jip-api/1.0/inventory/1.json").status_code == 200
    return Prepared(
        data_dir,
        _rows(data_dir / "emulator.db"),
        _rows(data_dir / "snapshots" / "snap" / "emulator.db"),
        _rows(data_dir / "snapshots" / "_baseline" / "emulator.db"),
    )


def _crash(data_dir: Path, log: Path, operation: Operation, step: str) -> None:
    """Run `operation` on a server armed to kill itself at `step`; it must die there (-9), not answer."""
    with _server(data_dir, log, crash_at=step) as (url, process):
        if operation is RESET_AGAIN:  # a reset that keeps its staged copy, then a write the next one takes away
            with httpx.Client(base_url=url, auth=ADMIN) as client:
                assert client.post(RESET.path).status_code == 200
                _create(client, "between")
        with pytest.raises(httpx.TransportError):
            httpx.request(operation.method, url + operation.path, json=operation.body, timeout=60)
        assert process.wait(timeout=20) == -9, f"{step} was never reached: {log.read_text()}"


def _search(client: httpx.Client, prefix: str, body: dict[str, Any]) -> Assets:
    response = client.post(prefix + SEARCH, json={"pageSize": 1000, **body})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["queryPagingInfo"]["totalRecords"] == len(answer["assets"])
    return {asset["id"]: asset["name"] for asset in answer["assets"]}


def _named(name: str) -> dict[str, Any]:
    return {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": name}]}


def _agrees(client: httpx.Client, database: Path, prefix: str = "") -> Assets:
    """Database and index of one namespace hold the same assets: health, every id, and a search on names."""
    rows = _rows(database)
    health = client.get(prefix + "/_emulator/health").json()
    assert (health["assets"], health["indexedAssets"]) == (len(rows), len(rows))
    assert _search(client, prefix, {}) == rows
    for name in sorted({n for n in rows.values() if n.isalnum()} | {"insnap", "aftersnap", "Laptop"})[:8]:
        words = name.lower()  # a keyword matches a whole word of the name (or the whole name)
        assert _search(client, prefix, _named(name)) == {i: n for i, n in rows.items() if words in n.lower().split()}
    return rows


@pytest.mark.parametrize("case", CASES)
def test_a_kill_at_any_step_of_a_whole_state_change_restarts_whole_in_the_old_or_the_new_state(
    prepared: Prepared, tmp_path: Path, app_loop: AppLoop, case: tuple[Operation, str, str]
) -> None:
    operation, step, end = case
    data_dir = tmp_path / "data"
    shutil.copytree(prepared.data_dir, data_dir)
    _crash(data_dir, tmp_path / "crash.log", operation, step)

    with restarted(data_dir, app_loop, ADMIN) as client:
        live = _agrees(client, data_dir / "emulator.db")
        assert _check(operation, prepared, data_dir, client, live) == end
    assert [p.name for p in data_dir.rglob(".*") if p.name.endswith((".partial", ".replaced"))] == []
    assert [p.name for p in data_dir.glob(".replace*")] == []


def _check(operation: Operation, prepared: Prepared, data_dir: Path, client: httpx.Client, live: Assets) -> str:
    """Which whole state the restart serves, "old" or "new" (anything else fails)."""
    baseline = _rows(data_dir / "snapshots" / "_baseline" / "emulator.db")
    if operation is SEED:
        assert (live, baseline) in ((prepared.live, prepared.baseline), (baseline, baseline))
        assert live == prepared.live or len(live) == 25
        return OLD if live == prepared.live else NEW
    assert baseline == prepared.baseline
    if operation is NAMESPACE:
        return _check_namespace(prepared, data_dir, client, live)
    if operation is SNAPSHOT:
        return _check_snapshot(prepared, data_dir, client)
    new = prepared.snap if operation is RESTORE else prepared.baseline
    old = prepared.live
    if operation is RESET_AGAIN:
        old = prepared.baseline | {i: n for i, n in live.items() if n == "between" and i not in prepared.baseline}
        assert len(old) == len(prepared.baseline) + (live != prepared.baseline)
    assert live in (old, new)
    return OLD if live == old and old != new else NEW


def _check_namespace(prepared: Prepared, data_dir: Path, client: httpx.Client, live: Assets) -> str:
    assert live == prepared.live
    names = [ns["name"] for ns in client.get("/_emulator/namespaces").json()]
    assert names in (["default"], ["default", "ns1"])
    if names == ["default", "ns1"]:
        assert _agrees(client, data_dir / "namespaces" / "ns1" / "emulator.db", "/_ns/ns1") == prepared.snap
    again = client.post("/_emulator/namespaces", json={"name": "ns1", "from": "snapshot:snap"})
    assert again.status_code == (409 if "ns1" in names else 201), again.text
    return NEW if "ns1" in names else OLD


def _check_snapshot(prepared: Prepared, data_dir: Path, client: httpx.Client) -> str:
    """The snapshot `snap` holds its old content or the state it was saved again from, whole."""
    assert [s["name"] for s in client.get("/_emulator/snapshots").json()] == ["snap"]
    assert client.post("/_emulator/snapshots/snap/restore").status_code == 200
    restored = _agrees(client, data_dir / "emulator.db")
    assert restored in (prepared.snap, prepared.live)
    return OLD if restored == prepared.snap else NEW


def test_a_kill_while_a_start_finishes_an_interrupted_restore_leaves_the_next_start_to_finish_it(
    prepared: Prepared, tmp_path: Path, app_loop: AppLoop, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(prepared.data_dir, data_dir)
    _crash(data_dir, tmp_path / "crash.log", RESTORE, "replace:committed")
    killed_again = pytest.raises(AssertionError, match="exited with -9")  # half-way through putting the index back
    with killed_again, _server(data_dir, tmp_path / "recovery.log", crash_at="index-copy:half"):
        pass

    with restarted(data_dir, app_loop, ADMIN) as client:
        assert _agrees(client, data_dir / "emulator.db") == prepared.snap
    assert "finishing the replacement" in caplog.text
