"""A `kill -9` in the middle of a burst of writes: after a restart on the same data directory the database and the
index agree again, and every write acknowledged before the kill is there and searchable. The moments include a
kill while a flush is writing Whoosh segments (in the server, or in its index worker process), a kill with every
acknowledged write still waiting in memory (the restart replays them from the database's change log), and a
worker that dies mid-flush or after its commit, unanswered, before the server is killed. The kill is a real one, of
a `serve` child; the restart runs in the test's own process (the same start, without a second interpreter)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from contextlib import AbstractContextManager, closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import copy_data_dir
from emulator.testing_transport import AppLoop
from tests.reliability.serving import Served, restarted, serve_process

pytestmark = pytest.mark.slow  # starts server or command processes

INVENTORY = "/rest/jip-api/1.0/inventory"
SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
LAPTOP = 9
BURST_OPERATIONS = 300  # ended by the kill long before (a worker's moments need a new worker started)
BURST_TIME_S = 10.0
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Write:
    """One create (`asset_id` None until answered) or rename of an asset to a unique one-word name."""

    kind: str
    name: str
    asset_id: int | None


@dataclass(frozen=True)
class KillMoment:
    """When to kill: after this many acknowledged writes, then a pause, or then as soon as a flush holds Whoosh's
    writer; `env` configures the server (how often it flushes)."""

    after: int
    pause_s: float = 0.0
    mid_flush: bool = False
    env: dict[str, str] = field(default_factory=dict)
    worker_first: bool = False  # mid-flush: kill the index worker process, then the server once another flushes
    model_words: int = 0  # creates carry a Model text of this many distinct words (positions past 4095)


NEVER_FLUSH = {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "3600000", "AIP_EMULATOR_FLUSH_BATCH": "1000000"}
OFTEN_FLUSH = {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "5", "AIP_EMULATOR_FLUSH_BATCH": "1"}
IN_WORKER = {**OFTEN_FLUSH, "AIP_EMULATOR_FLUSH_PROCESS_FROM": "1"}  # every batch by the index worker process
# Batches of 20 creates: their shared terms in more documents than the codec inlines (16), in posting blocks.
IN_BLOCKS = {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "3600000", "AIP_EMULATOR_FLUSH_BATCH": "20"}
MOMENTS = [
    pytest.param(KillMoment(1), id="right-after-the-first-acknowledged-write"),
    pytest.param(KillMoment(5, pause_s=0.04), id="a-moment-after-the-fifth"),
    pytest.param(KillMoment(3, mid_flush=True, env=OFTEN_FLUSH), id="mid-flush"),
    pytest.param(KillMoment(8, env=NEVER_FLUSH), id="with-every-change-waiting-in-memory"),
    pytest.param(KillMoment(3, mid_flush=True, env=IN_WORKER), id="mid-flush-in-the-worker"),
    pytest.param(KillMoment(3, mid_flush=True, env=IN_WORKER, worker_first=True), id="worker-killed-mid-flush"),
    pytest.param(
        KillMoment(3, mid_flush=True, env=IN_WORKER | {"AIP_EMULATOR_CRASH_AT": "flush-worker:committed"}),
        id="worker-died-after-its-commit-unanswered",
    ),
    pytest.param(
        KillMoment(3, mid_flush=True, env=IN_BLOCKS, model_words=4200), id="mid-flush-of-posting-blocks-of-long-texts"
    ),
    pytest.param(
        KillMoment(3, mid_flush=True, env=IN_BLOCKS | {"AIP_EMULATOR_FLUSH_PROCESS_FROM": "1"}, model_words=4200),
        id="mid-flush-of-posting-blocks-of-long-texts-in-the-worker",
    ),
]


@dataclass
class Burst:
    """Creates and renames fired one after another from a thread until the server goes away."""

    url: str
    kill_after: int
    model: str = ""  # the Model text of each create (none: empty)
    acknowledged: list[Write] = field(default_factory=list)
    in_flight: Write | None = None
    statuses: list[int] = field(default_factory=list)
    enough: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.url, auth=ADMIN, timeout=10.0) as client:
                self._fire(client)
        finally:
            self.done.set()
            self.enough.set()

    def _fire(self, client: httpx.Client) -> None:
        deadline = time.monotonic() + BURST_TIME_S
        created: list[int] = []
        for step in range(BURST_OPERATIONS):
            if time.monotonic() > deadline:
                return
            name = f"kb{step:03d}"
            if step % 3 == 2:
                self.in_flight = Write("rename", name, created[-1])
                request = client.build_request("PUT", f"{INVENTORY}/{created[-1]}.json", json={"name": name})
            else:
                self.in_flight = Write("create", name, None)
                attributes: dict[str, Any] = {"RAM (GB)": step} | ({"Model": self.model} if self.model else {})
                body = {"formId": LAPTOP, "name": name, "attributes": attributes}
                request = client.build_request("POST", f"{INVENTORY}.json", json=body)
            try:
                response = client.send(request)
            except httpx.TransportError:
                return  # killed: this write may or may not have landed
            self.statuses.append(response.status_code)
            if response.status_code == 200:
                asset_id = response.json()["data"]["id"]
                if self.in_flight.kind == "create":
                    created.append(asset_id)
                self.acknowledged.append(Write(self.in_flight.kind, name, asset_id))
                self.in_flight = None
            if len(self.acknowledged) >= self.kill_after:
                self.enough.set()


def _server(data_dir: Path, log: Path, env: dict[str, str] | None = None) -> AbstractContextManager[Served]:
    """A real server over `data_dir`, killed (SIGKILL) on the way out unless it already stopped."""
    return serve_process(data_dir, log, {**os.environ, **(env or {})}, START_TIMEOUT_S, kill=True)


def _database(data_dir: Path) -> dict[int, str]:
    with closing(sqlite3.connect(data_dir / "emulator.db")) as db:
        return dict(db.execute("SELECT id, name FROM assets"))


def _search(client: httpx.Client, body: dict[str, Any]) -> dict[int, str]:
    response = client.post(SEARCH, json={"pageSize": 1000, **body})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["queryPagingInfo"]["hasNext"] is False
    assert answer["queryPagingInfo"]["totalRecords"] == len(answer["assets"])  # no index hit without a row
    return {asset["id"]: asset["name"] for asset in answer["assets"]}


def _named(names: list[str]) -> dict[str, Any]:
    params = [{"field": "asset.name", "fieldType": "STRING", "keyword": name} for name in names]
    return {"queryIndexSearchParams": params, "orForQueryIndexSearchParams": True}


def _flushing(data_dir: Path, pid: int) -> int | None:
    """Which of process `pid` and its children holds Whoosh's writer lock (a flush is under way), as the kernel's
    lock table says; None: neither."""
    try:
        inode = (data_dir / "index" / "assets_WRITELOCK").stat().st_ino
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    holders = {pid, *_children(pid)}
    for line in table.splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[5].rsplit(":", 1)[-1] == str(inode) and int(parts[4]) in holders:
            return int(parts[4])
    return None


def _children(pid: int) -> set[int]:
    """The child processes of `pid` (of any of its threads: the flush thread starts the index worker)."""
    found: set[int] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found.update(int(child) for child in children.read_text().split())
    return found


def _wait_for_a_flush(data_dir: Path, pid: int, by_child: bool, other_than: int | None = None) -> int:
    deadline = time.monotonic() + BURST_TIME_S
    while time.monotonic() < deadline:
        holder = _flushing(data_dir, pid)
        if holder is not None and (holder != pid) == by_child and holder != other_than:
            return holder
        time.sleep(0.0005)
    raise AssertionError("never saw a flush under way")


def _kill_mid_burst(url: str, process: subprocess.Popen[bytes], moment: KillMoment, data_dir: Path) -> Burst:
    """Run a burst and SIGKILL the server after `moment.after` acknowledged writes and its pause or index wait."""
    burst = Burst(url, moment.after, model=" ".join(f"w{n}" for n in range(moment.model_words)))
    thread = threading.Thread(target=burst.run, daemon=True)
    started = _Started(process.pid)  # the first index worker: its flush may be too short to be seen holding the lock
    thread.start()
    try:
        assert burst.enough.wait(BURST_TIME_S + 5)
        time.sleep(moment.pause_s)
        if moment.mid_flush:
            in_worker = "AIP_EMULATOR_FLUSH_PROCESS_FROM" in moment.env
            holder = _wait_for_a_flush(data_dir, process.pid, in_worker)
            if moment.worker_first:
                os.kill(holder, signal.SIGKILL)
            if moment.worker_first or "AIP_EMULATOR_CRASH_AT" in moment.env:  # the first worker dies: the server
                first = holder if moment.worker_first else started.first()  # goes on with another
                _wait_for_a_flush(data_dir, process.pid, in_worker, other_than=first)
        assert not burst.done.is_set(), "the burst ended before the kill"
    finally:
        started.stop()
        workers = _children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        thread.join(timeout=15)
    assert not thread.is_alive()
    _wait_gone(workers)  # no index worker outlives its server to write beside the next one
    return burst


class _Started:
    """The child processes of `pid` in the order they appeared, sampled every millisecond in a thread."""

    def __init__(self, pid: int) -> None:
        self.seen: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(pid,), daemon=True)
        self._thread.start()

    def _sample(self, pid: int) -> None:
        while not self._stop.is_set():
            self.seen += sorted(_children(pid) - set(self.seen))
            time.sleep(0.001)

    def first(self) -> int:
        deadline = time.monotonic() + BURST_TIME_S
        while not self.seen and time.monotonic() < deadline:
            time.sleep(0.001)
        assert self.seen, "no index worker started"
        return self.seen[0]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def _wait_gone(pids: set[int]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not [pid for pid in pids if _running(pid)]:
            return
        time.sleep(0.01)
    raise AssertionError(f"processes {sorted(pids)} outlived their server")


def _expected_names(burst: Burst) -> dict[int, set[str]]:
    """Each acknowledged asset's possible names now: its last acknowledged one, or the unanswered rename's."""
    names: dict[int, set[str]] = {}
    for write in burst.acknowledged:
        assert write.asset_id is not None
        names[write.asset_id] = {write.name}
    if burst.in_flight is not None and burst.in_flight.kind == "rename":
        assert burst.in_flight.asset_id is not None
        names[burst.in_flight.asset_id].add(burst.in_flight.name)
    return names


@pytest.mark.parametrize("moment", MOMENTS)
def test_after_a_kill_mid_burst_a_restart_has_database_and_index_agreeing_with_every_acknowledged_write(
    seeded_template: Path, tmp_path: Path, moment: KillMoment, app_loop: AppLoop, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    with _server(data_dir, tmp_path / "first.log", moment.env) as (url, process):
        burst = _kill_mid_burst(url, process, moment, data_dir)
    assert burst.statuses == [200] * len(burst.statuses)
    assert len(burst.acknowledged) >= moment.after

    caplog.set_level(logging.DEBUG, logger="aip_emulator")
    with restarted(data_dir, app_loop, ADMIN) as client:
        health = client.get("/_emulator/health").json()
        database = _database(data_dir)
        indexed = _search(client, {})
        ours = {asset_id: name for asset_id, name in database.items() if name.startswith("kb")}
        by_name = _search(client, _named(sorted(ours.values())))
        superseded = sorted({write.name for write in burst.acknowledged} - set(ours.values()))
        by_old_name = _search(client, _named(superseded)) if superseded else {}
        after = client.post(f"{INVENTORY}.json", json={"formId": LAPTOP, "name": "kbafter", "attributes": {}})
        by_new_name = _search(client, _named(["kbafter"]))
        last_word = {"field": "Model", "fieldType": "STRING", "keyword": f"w{moment.model_words - 1}"}
        by_model = _search(client, {"queryIndexSearchParams": [last_word]}) if moment.model_words else {}

    assert (health["status"], health["assets"], health["indexedAssets"]) == ("ok", len(database), len(database))
    assert indexed == database
    assert [i for i, names in _expected_names(burst).items() if database.get(i) not in names] == []
    assert by_name == ours
    assert by_old_name == {}
    assert after.status_code == 200, after.text
    assert by_new_name == {after.json()["data"]["id"]: "kbafter"}
    assert by_model == (ours if moment.model_words else {})  # a word past position 4095 of every create's Model
    assert "rebuilding" not in caplog.text  # caught up from the change log instead
