"""One data set, two dialects (cloud-api.md §3): what one API writes, the other reads and finds."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.dialects.cloud.helpers import FROZEN, bearer, call, keys, value
from tests.helpers import ADMIN, search

INVENTORY = "/rest/jip-api/1.0/inventory"
MMILLER_ACCOUNT = "557058:00000000-0000-4000-8000-000000010102"


@pytest.fixture
def write(emulator_app: FastAPI) -> dict[str, str]:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    return bearer(emulator_app, "WRITE")


def _items(asset: dict[str, Any]) -> dict[str, Any]:
    return {i["attributeName"]: i["value"] for i in asset["inventoryItems"]}


def test_an_asset_created_through_cloud_is_found_by_the_dc_search_with_the_same_values(
    emulator_client: Client, write: dict[str, str]
) -> None:
    body = {
        "collectionId": 9,
        "name": "Laptop 42",
        "attributes": {"Model": "ThinkPad Z13", "Vendor": "Lenovo", "Operating Systems": ["Windows 11", "Ubuntu 22.04"],
                       "RAM (GB)": 32, "Warranty Expiry": "2029-01-31", "Used By": MMILLER_ACCOUNT},
        "globalAttributes": {"Status": "In stock", "Cost": 1999.0, "Location": "Berlin HQ"},
    }  # fmt: skip
    created = call(emulator_client, "POST", "/assets", write, json=body, expect=201)

    found = search(emulator_client, {"queryIndexSearchParams": [
        {"field": "asset.key", "fieldType": "STRING", "keyword": created["asset"]["key"]},
        {"field": "asset.status", "fieldType": "LIST", "keywords": ["In stock"]},
        {"field": "Used By", "fieldType": "STRING", "keyword": "mmiller"},
    ]})  # fmt: skip

    assert [a["id"] for a in found["assets"]] == [created["asset"]["id"]]
    asset = found["assets"][0]
    assert (asset["name"], asset["formId"], asset["creator"], asset["created"]) == ("Laptop 42", 9, "admin", FROZEN)
    assert _items(asset) == {
        "Model": "ThinkPad Z13", "Vendor": "Lenovo", "Operating Systems": "Windows 11, Ubuntu 22.04", "RAM (GB)": "32",
        "Warranty Expiry": "2029-01-31", "Used By": "JIRAUSER10102",
    }  # fmt: skip


def test_an_asset_updated_through_dc_is_read_back_through_cloud(emulator_client: Client, write: dict[str, str]) -> None:
    changes = {"name": "Laptop 1 (repaired)", "attributes": {"Vendor": "HP", "asset.status": "In repair"}}
    response = emulator_client.put(f"{INVENTORY}/167.json", json=changes, auth=ADMIN)

    asset = call(emulator_client, "GET", "/assets/LAP-1", write)

    assert response.status_code == 200, response.text
    assert asset["asset"]["name"] == "Laptop 1 (repaired)"
    assert value(asset, "Vendor") == "HP"
    assert value(asset, "Status", "globalAttributes") == "In repair"
    assert asset["asset"]["updatedAt"] == FROZEN


def test_an_asset_created_through_dc_gets_the_next_key_and_is_found_by_cloud(
    emulator_client: Client, write: dict[str, str]
) -> None:
    response = emulator_client.post(f"{INVENTORY}.json", json={"formId": 9, "name": "Laptop 43"}, auth=ADMIN)
    asset_id = response.json()["data"]["id"]

    found = call(emulator_client, "POST", "/assets/search", write, json={"query": "LAP-9"})

    assert keys(found) == ["LAP-9"]
    assert found["assets"][0]["asset"]["id"] == asset_id


def test_an_asset_deleted_through_cloud_is_gone_from_dc(emulator_client: Client, write: dict[str, str]) -> None:
    call(emulator_client, "DELETE", "/assets/LAP-1", write, expect=204)

    response = emulator_client.get(f"{INVENTORY}/167.json", auth=ADMIN)
    employee = call(emulator_client, "GET", "/assets/EMP-2", write)

    assert response.status_code == 404
    assert value(employee, "Assigned Laptop") is None  # the reference went with it
