"""The shipped pytest plugin: one emulator per session, back to its fixtures after every test."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.helpers import ADMIN, ids

INVENTORY = "/rest/jip-api/1.0/inventory"
NEW = {"formId": 9, "name": "Plugin Laptop", "attributes": {"Vendor": "HP"}}
PLUGIN_LAPTOP = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "plugin", "fieldType": "STRING"}]}


@pytest.mark.parametrize("round_", [1, 2])
def test_the_in_process_client_starts_every_test_from_the_fixtures(aip_client: TestClient, round_: int) -> None:
    assert ids(aip_client, PLUGIN_LAPTOP) == []  # the previous round's write was reset

    aip_client.post(f"{INVENTORY}.json", json=NEW, auth=ADMIN)
    aip_client.post("/_emulator/clock", json={"freeze": True, "set": 1_000_000_000_000})

    assert len(ids(aip_client, PLUGIN_LAPTOP)) == 1


def test_the_clock_runs_again_after_a_test_froze_it(aip_client: TestClient) -> None:
    assert aip_client.get("/_emulator/clock").json()["frozen"] is False


@pytest.mark.parametrize("round_", [1, 2])
def test_the_live_server_starts_every_test_from_the_fixtures(aip_live_url: str, round_: int) -> None:
    with httpx.Client(base_url=aip_live_url) as client:
        assert ids(client, PLUGIN_LAPTOP) == []

        client.post(f"{INVENTORY}.json", json=NEW, auth=ADMIN)

        assert len(ids(client, PLUGIN_LAPTOP)) == 1


def test_a_ready_cloud_token_reads_the_cloud_api(aip_client: TestClient, aip_cloud_token: str) -> None:
    response = aip_client.get("/api/v1/collections", headers={"Authorization": f"Bearer {aip_cloud_token}"})

    assert response.status_code == 200
    assert response.json()["total"] == 7
