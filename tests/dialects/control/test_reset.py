"""One reset (docs/api.md §7, "Reset"): `POST /_emulator/reset` returns data, named snapshots, clock, strict switch,
fault rules and journal to the baseline, in the default namespace and in any other, and touches nothing outside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.runtime import state
from emulator.settings import Settings
from emulator.testing import Client, close_app, copy_data_dir
from tests.helpers import ADMIN, SEARCH

FORMS = "/rest/jip-api/1.0/form/list.json"
LEFTOVER = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "leftover", "fieldType": "STRING"}]}
LATE = 250_000_000_000_000  # in the year 9892: far from any real time
BASELINE_TOKENS = ["default-admin", "default-read", "default-write"]


def at(namespace: str, path: str) -> str:
    return path if namespace == "default" else f"/_ns/{namespace}{path}"


def change_everything(client: Client, namespace: str) -> None:
    """Everything a test can change: data, a token, a snapshot, the clock, strict mode, a fault, the journal."""
    created = client.post(
        at(namespace, "/rest/jip-api/1.0/inventory.json"), auth=ADMIN, json={"formId": 9, "name": "Leftover"}
    )
    assert created.status_code == 200, created.text
    token = client.post(at(namespace, "/_emulator/tokens"), json={"name": "leftover", "access": "READ"})
    assert token.status_code == 201, token.text
    assert client.post(at(namespace, "/_emulator/snapshots"), json={"name": "s1"}).status_code == 201
    assert client.post(at(namespace, "/_emulator/clock"), json={"freeze": True, "set": LATE}).status_code == 200
    assert client.post(at(namespace, "/_emulator/strict"), json={"strict": True}).status_code == 200
    assert client.post(at(namespace, "/_emulator/faults"), json={"path": FORMS, "status": 500}).status_code == 201
    assert client.get(at(namespace, FORMS), auth=ADMIN).status_code == 500  # journaled, and the fault is live


def observed(client: Client, namespace: str) -> dict[str, Any]:
    """The state as the control routes and a search show it (the journal read first: searches are journaled)."""
    clock = client.get(at(namespace, "/_emulator/clock")).json()
    seen = {
        "journal": client.get(at(namespace, "/_emulator/requests")).json(),
        "faults": client.get(at(namespace, "/_emulator/faults")).json(),
        "strict": client.get(at(namespace, "/_emulator/strict")).json(),
        "snapshots": client.get(at(namespace, "/_emulator/snapshots")).json(),
        "tokens": sorted(t["id"] for t in client.get(at(namespace, "/_emulator/tokens")).json()),
        "frozen": clock["frozen"],
        "late": clock["now"] >= LATE,
        "health": client.get(at(namespace, "/_emulator/health")).json(),
        "forms": client.get(at(namespace, FORMS), auth=ADMIN).status_code,
    }
    seen["leftovers"] = len(client.post(at(namespace, SEARCH), json=LEFTOVER, auth=ADMIN).json()["assets"])
    return seen


BASELINE = {
    "journal": {"total": 0, "requests": []},
    "faults": [],
    "strict": {"strict": False},
    "snapshots": [],
    "tokens": BASELINE_TOKENS,
    "frozen": False,
    "late": False,
    "health": {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0},
    "forms": 200,
    "leftovers": 0,
}


def test_a_reset_returns_every_piece_of_state_to_the_baseline(emulator_client: Client) -> None:
    change_everything(emulator_client, "default")
    assert observed(emulator_client, "default") != BASELINE

    answer = emulator_client.post("/_emulator/reset")

    assert answer.status_code == 200
    assert answer.json() == {"status": "reset", "assets": 39}
    assert observed(emulator_client, "default") == BASELINE


def test_a_namespace_reset_is_the_same_reset_and_leaves_the_others_alone(emulator_client: Client) -> None:
    change_everything(emulator_client, "w1")
    change_everything(emulator_client, "default")

    assert emulator_client.post(at("w1", "/_emulator/reset")).json() == {"status": "reset", "assets": 39}

    assert observed(emulator_client, "w1") == BASELINE
    default = observed(emulator_client, "default")
    assert default["faults"][0]["path"] == FORMS
    assert (default["strict"], default["frozen"], default["forms"], default["leftovers"]) == (
        {"strict": True},
        True,
        500,
        1,
    )
    assert [s["name"] for s in default["snapshots"]] == ["s1"]
    assert [e["path"] for e in default["journal"]["requests"]] == ["/rest/jip-api/1.0/inventory.json", FORMS]


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_journal_entries_after_a_reset_are_numbered_on(emulator_client: Client) -> None:
    emulator_client.get(FORMS, auth=ADMIN)
    emulator_client.post("/_emulator/reset")

    emulator_client.get(FORMS, auth=ADMIN)

    assert [e["id"] for e in emulator_client.get("/_emulator/requests").json()["requests"]] == [2]


def test_a_reset_brings_strict_mode_back_to_the_configured_one(seeded_template: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), strict=True))
    try:
        with TestClient(app) as client:
            client.post("/_emulator/strict", json={"strict": False})
            client.post("/_ns/w1/_emulator/strict", json={"strict": False})

            client.post("/_emulator/reset")
            client.post("/_ns/w1/_emulator/reset")

            assert client.get("/_emulator/strict").json() == {"strict": True}
            assert client.get("/_ns/w1/_emulator/strict").json() == {"strict": True}
    finally:
        close_app(app)


@pytest.mark.parametrize("path", ["/_emulator/reset", "/_ns/w1/_emulator/reset"])
def test_a_reset_after_a_seed_keeps_the_seeded_data_as_its_baseline(emulator_client: Client, path: str) -> None:
    prefix = path.removesuffix("/_emulator/reset")
    seeded = emulator_client.post(f"{prefix}/_emulator/seed", json={"generate": {"assets": 5, "seed": 1}})
    assert seeded.status_code == 200, seeded.text
    emulator_client.post(f"{prefix}/_emulator/faults", json={"path": FORMS, "status": 503})

    emulator_client.post(path)

    assert emulator_client.get(f"{prefix}/_emulator/health").json()["assets"] == 5
    assert emulator_client.get(f"{prefix}/_emulator/faults").json() == []


def test_a_snapshot_another_reset_deleted_first_does_not_fail_this_one(
    emulator_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = emulator_app.state.namespaces.default
    gone = state.Snapshot("deleted-meanwhile", 0)
    monkeypatch.setattr(state, "listing", lambda _emu: [gone])  # as a concurrent reset would leave it

    namespace.reset()

    assert namespace.faults.all() == []
