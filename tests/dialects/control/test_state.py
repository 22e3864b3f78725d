"""Reset, snapshots, seeding and the clock (control-api.md): what the real product never gives a tester."""

from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings, default_fixtures
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH, ids

INVENTORY = "/rest/jip-api/1.0/inventory"
LAPTOP = {"formId": 9, "name": "Snapshot Laptop", "attributes": {"Vendor": "HP"}}


def _create(client: Client, name: str = "Snapshot Laptop") -> int:
    response = client.post(f"{INVENTORY}.json", json={**LAPTOP, "name": name}, auth=ADMIN)
    assert response.status_code == 200, response.text
    asset_id: int = response.json()["data"]["id"]
    return asset_id


def _named(client: Client, word: str) -> list[int]:
    return ids(client, {"queryIndexSearchParams": [{"field": "asset.name", "keyword": word, "fieldType": "STRING"}]})


def _without_time(body: dict[str, Any]) -> dict[str, Any]:
    """A seed answer without its `tookMs`, which must be a whole number of milliseconds."""
    took = body.pop("tookMs")
    assert isinstance(took, int)
    assert took >= 0
    return body


def _health(client: Client) -> Any:
    return client.get("/_emulator/health").json()


def test_reset_discards_writes_in_rows_and_index(emulator_client: Client) -> None:
    created = _create(emulator_client)
    emulator_client.delete(f"{INVENTORY}/21.json", auth=ADMIN)

    response = emulator_client.post("/_emulator/reset")

    assert response.status_code == 200
    assert response.json() == {"status": "reset", "assets": 39}
    assert _health(emulator_client) == {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0}
    assert emulator_client.get(f"{INVENTORY}/{created}.json", auth=ADMIN).status_code == 404
    assert _named(emulator_client, "snapshot") == []
    assert _named(emulator_client, "printer002") == [21]


def test_a_restored_snapshot_brings_back_rows_and_search_results(emulator_client: Client) -> None:
    kept = _create(emulator_client, "Kept Laptop")
    saved = emulator_client.post("/_emulator/snapshots", json={"name": "with-kept"})
    emulator_client.delete(f"{INVENTORY}/{kept}.json", auth=ADMIN)
    _create(emulator_client, "Later Laptop")

    restored = emulator_client.post("/_emulator/snapshots/with-kept/restore")

    assert saved.status_code == 201
    assert set(saved.json()) == {"name", "createdAt"}
    assert restored.json() == {"status": "restored", "name": "with-kept", "assets": 40}
    assert _named(emulator_client, "kept") == [kept]
    assert _named(emulator_client, "later") == []
    assert emulator_client.get(f"{INVENTORY}/{kept}.json", auth=ADMIN).json()["data"]["name"] == "Kept Laptop"


def test_writes_after_a_restore_continue_from_the_restored_state(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/snapshots", json={"name": "start"})
    first = _create(emulator_client, "First")
    emulator_client.post("/_emulator/snapshots/start/restore")

    second = _create(emulator_client, "Second")

    assert second == first  # the id allocator is part of the restored database
    assert _named(emulator_client, "second") == [second]
    assert _named(emulator_client, "first") == []


def test_snapshots_are_listed_and_deleted(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/snapshots", json={"name": "a"})
    emulator_client.post("/_emulator/snapshots", json={"name": "b"})

    listed = emulator_client.get("/_emulator/snapshots").json()
    deleted = emulator_client.delete("/_emulator/snapshots/a")

    assert [s["name"] for s in listed] == ["a", "b"]
    assert deleted.status_code == 204
    assert [s["name"] for s in emulator_client.get("/_emulator/snapshots").json()] == ["b"]


def test_unknown_snapshots_and_bad_names_answer_in_the_control_shape(emulator_client: Client) -> None:
    missing = emulator_client.post("/_emulator/snapshots/nope/restore")
    bad = emulator_client.post("/_emulator/snapshots", json={"name": "../escape"})

    assert missing.status_code == 404
    assert missing.json() == {"error": "EntityNotFoundException", "message": "Snapshot 'nope' does not exist"}
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "ValidationException",
        "message": "name: '../escape' is not a snapshot name; use 1-64 letters, digits, '.', '_' or '-'",
    }


def test_seeding_a_fixture_directory_replaces_the_data_and_becomes_the_reset_state(
    emulator_client: Client, tmp_path: Path
) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    assets = json.loads((fixtures / "assets.json").read_text())
    (fixtures / "assets.json").write_text(json.dumps([a for a in assets if a["formId"] in (2, 6)]))

    seeded = emulator_client.post("/_emulator/seed", json={"fixtures": str(fixtures)})
    _create(emulator_client)
    emulator_client.post("/_emulator/reset")

    assert _without_time(seeded.json()) == {"status": "seeded", "assets": 6}
    assert _health(emulator_client) == {"status": "ok", "assets": 6, "indexedAssets": 6, "pendingChanges": 0}
    assert ids(emulator_client, {}) == [1, 2, 3, 20, 21, 22]


def test_seeding_a_generated_data_set(emulator_client: Client) -> None:
    seeded = emulator_client.post("/_emulator/seed", json={"generate": {"assets": 25, "seed": 7}})

    assert _without_time(seeded.json()) == {"status": "seeded", "assets": 25}
    assert _health(emulator_client) == {"status": "ok", "assets": 25, "indexedAssets": 25, "pendingChanges": 0}


def test_a_broken_seed_is_a_400_and_changes_nothing(emulator_client: Client, tmp_path: Path) -> None:
    response = emulator_client.post("/_emulator/seed", json={"fixtures": str(tmp_path / "none")})

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"{tmp_path / 'none'}: fixture directory not found; name a fixture directory on the server's machine"
    )
    assert _health(emulator_client)["assets"] == 39


def test_the_clock_freezes_sets_and_advances(emulator_client: Client) -> None:
    frozen = emulator_client.post("/_emulator/clock", json={"freeze": True, "set": 1_700_000_000_000})
    advanced = emulator_client.post("/_emulator/clock", json={"advanceMs": 60_000})
    created = emulator_client.post(f"{INVENTORY}.json", json=LAPTOP, auth=ADMIN).json()["data"]

    assert frozen.json() == {"now": 1_700_000_000_000, "frozen": True}
    assert advanced.json() == {"now": 1_700_000_060_000, "frozen": True}
    assert created["created"] == 1_700_000_060_000
    assert created["createdFormatted"] == "14/Nov/23 10:14 PM"
    assert emulator_client.post("/_emulator/clock", json={"freeze": False}).json()["frozen"] is False


def test_an_export_loads_back_into_the_same_state(emulator_client: Client, tmp_path: Path) -> None:
    _create(emulator_client, "Exported Laptop")
    emulator_client.delete(f"{INVENTORY}/3.json", auth=ADMIN)
    everything = {"pageSize": 1000, "sortField": "asset.id", "sortType": "LONG"}
    before = emulator_client.post(SEARCH, json=everything, auth=ADMIN).json()

    response = emulator_client.get("/_emulator/export")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path / "exported")
    emulator_client.post("/_emulator/reset")
    seeded = emulator_client.post("/_emulator/seed", json={"fixtures": str(tmp_path / "exported")})
    after = emulator_client.post(SEARCH, json=everything, auth=ADMIN).json()

    assert response.headers["content-type"] == "application/zip"
    assert _without_time(seeded.json()) == {"status": "seeded", "assets": 39}
    before["queryIndexParam"].pop("respTime")
    after["queryIndexParam"].pop("respTime")
    assert after == before


def test_deleting_the_clock_goes_back_to_real_time(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/clock", json={"freeze": True, "set": 1_700_000_000_000})

    response = emulator_client.delete("/_emulator/clock")

    assert response.status_code == 200
    answer = response.json()
    assert answer["frozen"] is False
    assert abs(answer["now"] - time.time() * 1000) < 60_000


def test_advancing_the_clock_past_a_tokens_expiry_refuses_it(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/clock", json={"freeze": True, "set": 1_800_000_000_000})
    minted = emulator_client.post(
        "/_emulator/tokens", json={"name": "short", "access": "READ", "expiresAt": 1_800_000_060_000}
    ).json()
    headers = {"Authorization": f"Bearer {minted['token']}"}
    before = emulator_client.get("/api/v1/collections", headers=headers)

    emulator_client.post("/_emulator/clock", json={"advanceMs": 59_999})
    last_moment = emulator_client.get("/api/v1/collections", headers=headers)
    emulator_client.post("/_emulator/clock", json={"advanceMs": 1})
    expired = emulator_client.get("/api/v1/collections", headers=headers)

    assert before.status_code == last_moment.status_code == 200
    assert expired.status_code == 401
    assert expired.json()["message"] == (
        "Invalid token: it has expired (at 2027-01-15T08:01:00Z, by the emulator's clock); "
        "mint a new one: POST /_emulator/tokens"
    )
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_a_seed_makes_token_ids_and_the_secret_reproducible(seeded_template: Path, tmp_path: Path) -> None:
    minted = []
    for run in range(2):
        data_dir = tmp_path / f"run{run}"
        shutil.copytree(seeded_template, data_dir)
        app = create_app(Settings(data_dir=data_dir, seed=42))
        with TestClient(app) as client:
            client.post("/_emulator/clock", json={"freeze": True, "set": 1_800_000_000_000})
            minted.append(client.post("/_emulator/tokens", json={"name": "ci", "access": "READ"}).json())

    assert minted[0]["id"] == minted[1]["id"]
    assert minted[0]["token"] == minted[1]["token"]
