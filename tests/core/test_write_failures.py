"""A write or a flush that fails half-way leaves database and index agreeing, and the next one works."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from emulator.runtime.emulator import Emulator
from emulator.search import files as files_module
from emulator.search import index as index_module
from emulator.search.directory import SCHEMA_VERSION
from emulator.testing import Client
from tests.helpers import ADMIN, ids

pytestmark = pytest.mark.fresh_app  # the tests break the store and the index on purpose

INVENTORY = "/rest/jip-api/1.0/inventory.json"


def _stamped(index: index_module.SearchIndex) -> tuple[int, int]:
    stamp = index.stamp() or {}
    return stamp.get("generation", -1), stamp.get("schema", -1)


def _laptop(name: str) -> dict[str, Any]:
    return {"formId": 9, "name": name, "attributes": {"Vendor": "HP"}}


def _named(client: Client, word: str) -> list[int]:
    return ids(client, {"queryIndexSearchParams": [{"field": "asset.name", "keyword": word, "fieldType": "STRING"}]})


def _failing_once(real: Callable[..., Any], error: Exception) -> Callable[..., Any]:
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise error
        return real(*args, **kwargs)

    return wrapper


def _full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_stamp_after_a_flush_loses_nothing_and_the_next_flush_stamps(
    emulator_app: FastAPI, emulator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = emulator_app.state.emulator.index
    monkeypatch.setattr(index_module, "write_stamp", _failing_once(files_module.write_stamp, _full()))

    first = emulator_client.post(INVENTORY, json=_laptop("Stampless One"), auth=ADMIN)
    index.flush()
    unstamped = index.flushed
    second = emulator_client.post(INVENTORY, json=_laptop("Stamped Two"), auth=ADMIN)
    index.flush()

    assert (first.status_code, second.status_code) == (200, 200)
    assert unstamped < index.flushed
    assert _stamped(index) == (index.flushed, SCHEMA_VERSION)
    assert _named(emulator_client, "stampless") == [first.json()["data"]["id"]]
    assert _named(emulator_client, "stamped") == [second.json()["data"]["id"]]


def test_a_failed_database_commit_reaches_neither_database_nor_index(
    emulator_app: FastAPI, emulator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu: Emulator = emulator_app.state.emulator
    monkeypatch.setattr(Session, "commit", _failing_once(Session.commit, _full()))

    refused = emulator_client.post(INVENTORY, json=_laptop("Phantom Laptop"), auth=ADMIN)
    pending = emu.index.pending()
    accepted = emulator_client.post(INVENTORY, json=_laptop("Real Laptop"), auth=ADMIN)
    emu.index.flush()

    assert refused.status_code == 507
    assert pending == 0
    assert accepted.status_code == 200
    assert _named(emulator_client, "phantom") == []
    assert _named(emulator_client, "real") == [accepted.json()["data"]["id"]]
    health = emulator_client.get("/_emulator/health").json()
    assert health == {"status": "ok", "assets": 40, "indexedAssets": 40, "pendingChanges": 0}
