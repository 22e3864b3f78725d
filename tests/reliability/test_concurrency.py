"""Concurrent writers and searchers against one live server: no server error, no lost or stale write, every page a
searcher gets is self-consistent (as many assets as the total leaves for it, no id twice), and the database and
the index still agree afterwards (dc-api.md §4: every accepted write is visible to the next search)."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import LiveServer, copy_data_dir

pytestmark = pytest.mark.slow  # many threads of load against one or more emulators

INVENTORY = "/rest/jip-api/1.0/inventory"
SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
LAPTOP = 9
VENDORS = ["HP", "Dell", "Lenovo"]
WRITERS, SEARCHERS = 8, 4
OPERATIONS_PER_WRITER = 25
SEARCHES_PER_SEARCHER = 200
TIME_BUDGET_S = 20.0
START_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Expected:
    """What one writer last wrote to one of its assets."""

    name: str
    ram: int
    vendor: str


@dataclass
class Ledger:
    """Everything one thread saw: its statuses, and for a writer what it believes exists."""

    statuses: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    live: dict[int, Expected] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    retired_names: list[str] = field(default_factory=list)
    surprises: list[str] = field(default_factory=list)


@pytest.fixture
def server_url(seeded_template: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A live uvicorn server over a private copy of the default data, and that data directory."""
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    app = create_app(Settings(data_dir=data_dir))
    try:
        with LiveServer(app) as server:
            yield server.url, data_dir
    finally:
        app.state.emulator.close()


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, auth=ADMIN, timeout=15.0)


def _name_query(names: list[str]) -> dict[str, Any]:
    """Assets whose name holds any of these (unique, single-word) names."""
    params = [{"field": "asset.name", "fieldType": "STRING", "keyword": name} for name in names]
    return {"queryIndexSearchParams": params, "orForQueryIndexSearchParams": True, "pageSize": 1000}


def _found(client: httpx.Client, body: dict[str, Any], ledger: Ledger | None = None) -> dict[int, dict[str, Any]]:
    response = client.post(SEARCH, json=body)
    if ledger is not None:
        ledger.statuses.append(response.status_code)
    assert response.status_code == 200, response.text
    return {asset["id"]: asset for asset in response.json()["assets"]}


def _value(asset: dict[str, Any], attribute: str) -> str | None:
    return next((i["value"] for i in asset["inventoryItems"] if i["attributeName"] == attribute), None)


def _matches(asset: dict[str, Any], expected: Expected) -> bool:
    return (
        asset["name"] == expected.name
        and _value(asset, "RAM (GB)") == str(expected.ram)
        and _value(asset, "Vendor") == expected.vendor
    )


def _write(
    client: httpx.Client, ledger: Ledger, method: str, path: str, body: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Send one write: its answer's envelope if accepted, else None (and a surprise noted)."""
    response = client.request(method, path, json=body)
    ledger.statuses.append(response.status_code)
    if response.status_code != 200:
        ledger.surprises.append(f"{method} {path}: {response.status_code} {response.text}")
        return None
    envelope: dict[str, Any] = response.json()
    return envelope


def _writer(url: str, writer: int, start: threading.Barrier, deadline: float) -> Ledger:
    """Creates, renames/revalues and deletes only its own assets, checking each write is seen by the next search."""
    ledger, rng = Ledger(), random.Random(writer)
    start.wait(START_TIMEOUT_S)
    with _client(url) as client:
        for step in range(OPERATIONS_PER_WRITER):
            if time.monotonic() > deadline:
                break
            name = f"cw{writer}s{step:03d}"  # one word, unique, fixed width: no other name shares it
            expected = Expected(name, step, VENDORS[step % len(VENDORS)])
            attributes = {"RAM (GB)": expected.ram, "Vendor": expected.vendor}
            roll = rng.random()
            if not ledger.live or roll < 0.45:
                body = {"formId": LAPTOP, "name": name, "attributes": attributes}
                created = _write(client, ledger, "POST", f"{INVENTORY}.json", body)
                if created is None:
                    continue
                target = created["data"]["id"]
                ledger.created.append(target)
                ledger.live[target] = expected
            elif roll < 0.8:
                target = rng.choice(sorted(ledger.live))
                body = {"name": name, "attributes": attributes}
                if _write(client, ledger, "PUT", f"{INVENTORY}/{target}.json", body) is None:
                    continue
                ledger.retired_names.append(ledger.live[target].name)
                ledger.live[target] = expected
            else:
                target = rng.choice(sorted(ledger.live))
                if _write(client, ledger, "DELETE", f"{INVENTORY}/{target}.json", None) is None:
                    continue
                ledger.retired_names.append(ledger.live.pop(target).name)
                ledger.deleted.add(target)
                continue
            seen = _found(client, _name_query([name]), ledger)
            if set(seen) != {target} or not _matches(seen[target], expected):
                ledger.surprises.append(f"right after writing {target} as {expected}, a search found {seen}")
    return ledger


def _searcher(url: str, start: threading.Barrier, writers_done: threading.Event, deadline: float) -> Ledger:
    """Full and wildcard searches until the writers are done."""
    ledger = Ledger()
    ours = [{"field": "asset.name", "fieldType": "STRING", "keyword": "cw*"}]
    bodies: list[dict[str, Any]] = [
        {"pageSize": 1000},
        {"queryIndexSearchParams": ours, "pageSize": 50},
        {"queryIndexSearchParams": ours, "pageSize": 5, "pageNumber": 3, "sortField": "asset.name"},
        {"genericKeyword": "Vendor:HP OR Vendor:Dell", "pageSize": 10, "pageNumber": 2, "sortField": "asset.name"},
        {"genericKeyword": "cw* AND RAM\\ \\(GB\\):[5 TO 20]", "pageSize": 7, "sortDirection": "desc"},
    ]
    start.wait(START_TIMEOUT_S)
    with _client(url) as client:
        for count in range(SEARCHES_PER_SEARCHER):
            if writers_done.is_set() or time.monotonic() > deadline:
                break
            body = bodies[count % len(bodies)]
            response = client.post(SEARCH, json=body)
            ledger.statuses.append(response.status_code)
            if response.status_code == 200:
                _check_page(body, response.json(), ledger)
    return ledger


def _check_page(body: dict[str, Any], answer: dict[str, Any], ledger: Ledger) -> None:
    """A page holds as many assets as its total leaves for it, each once."""
    size, number = body.get("pageSize", 15), body.get("pageNumber", 1)
    total = answer["queryPagingInfo"]["totalRecords"]
    ids = [asset["id"] for asset in answer["assets"]]
    if len(ids) != max(0, min(size, total - (number - 1) * size)) or len(set(ids)) != len(ids):
        ledger.surprises.append(f"page {number} of {size} with total {total} held {ids}")


def _run_all(url: str) -> tuple[list[Ledger], list[Ledger]]:
    start = threading.Barrier(WRITERS + SEARCHERS)
    writers_done = threading.Event()
    deadline = time.monotonic() + TIME_BUDGET_S
    with ThreadPoolExecutor(max_workers=WRITERS + SEARCHERS) as pool:
        searching = [pool.submit(_searcher, url, start, writers_done, deadline) for _ in range(SEARCHERS)]
        writing = [pool.submit(_writer, url, writer, start, deadline) for writer in range(WRITERS)]
        try:
            writers = [future.result(timeout=TIME_BUDGET_S + 15) for future in writing]
        finally:
            writers_done.set()
        searchers = [future.result(timeout=15) for future in searching]
    return writers, searchers


def _database_ids(data_dir: Path) -> set[int]:
    with closing(sqlite3.connect(data_dir / "emulator.db")) as db:
        return {row[0] for row in db.execute("SELECT id FROM assets")}


def test_concurrent_writes_and_searches_lose_nothing_and_leave_database_and_index_agreeing(
    server_url: tuple[str, Path],
) -> None:
    url, data_dir = server_url

    writers, searchers = _run_all(url)

    statuses = [status for ledger in writers + searchers for status in ledger.statuses]
    assert [status for status in statuses if status >= 500] == []
    assert [surprise for ledger in writers + searchers for surprise in ledger.surprises] == []
    assert sum(len(ledger.statuses) for ledger in searchers) > 0
    created = [asset_id for ledger in writers for asset_id in ledger.created]
    assert len(created) > WRITERS
    assert len(set(created)) == len(created)

    live = {asset_id: expected for ledger in writers for asset_id, expected in ledger.live.items()}
    deleted = {asset_id for ledger in writers for asset_id in ledger.deleted}
    retired = [name for ledger in writers for name in ledger.retired_names]
    with _client(url) as client:
        for asset_id, expected in live.items():
            response = client.get(f"{INVENTORY}/{asset_id}.json")
            assert response.status_code == 200, response.text
            assert _matches(response.json()["data"], expected), (asset_id, expected)
        for asset_id in deleted:
            assert client.get(f"{INVENTORY}/{asset_id}.json").status_code == 404
        by_current_name = _found(client, _name_query([e.name for e in live.values()]))
        assert set(by_current_name) == set(live)
        assert [i for i, asset in by_current_name.items() if not _matches(asset, live[i])] == []
        if retired:
            assert _found(client, _name_query(retired)) == {}

        everything = client.post(SEARCH, json={"pageSize": 1000}).json()
        health = client.get("/_emulator/health").json()

    indexed = {asset["id"] for asset in everything["assets"]}
    assert everything["queryPagingInfo"]["hasNext"] is False
    assert everything["queryPagingInfo"]["totalRecords"] == len(indexed)
    assert deleted.isdisjoint(indexed)
    assert set(live) <= indexed
    assert (health["status"], health["assets"], health["indexedAssets"]) == ("ok", len(indexed), len(indexed))
    assert _database_ids(data_dir) == indexed
