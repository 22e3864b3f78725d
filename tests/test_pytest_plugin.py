"""The shipped pytest plugin: one emulator per session, back to its fixtures after every test."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import ADMIN, SEARCH, ids

INVENTORY = "/rest/jip-api/1.0/inventory"
NEW = {"formId": 9, "name": "Plugin Laptop", "attributes": {"Vendor": "HP"}}
PLUGIN_LAPTOP = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "plugin", "fieldType": "STRING"}]}


@pytest.mark.parametrize("round_", [1, 2])
def test_the_in_process_client_starts_every_test_from_the_fixtures(aip_client: httpx.Client, round_: int) -> None:
    assert ids(aip_client, PLUGIN_LAPTOP) == []  # the previous round's write was reset

    aip_client.post(f"{INVENTORY}.json", json=NEW, auth=ADMIN)
    aip_client.post("/_emulator/clock", json={"freeze": True, "set": 1_000_000_000_000})

    assert len(ids(aip_client, PLUGIN_LAPTOP)) == 1


def test_the_clock_runs_again_after_a_test_froze_it(aip_client: httpx.Client) -> None:
    assert aip_client.get("/_emulator/clock").json()["frozen"] is False


@pytest.mark.parametrize("round_", [1, 2])
def test_the_live_server_starts_every_test_from_the_fixtures(aip_live_url: str, round_: int) -> None:
    with httpx.Client(base_url=aip_live_url) as client:
        assert ids(client, PLUGIN_LAPTOP) == []

        client.post(f"{INVENTORY}.json", json=NEW, auth=ADMIN)

        assert len(ids(client, PLUGIN_LAPTOP)) == 1


def test_a_ready_cloud_token_reads_the_cloud_api(aip_client: httpx.Client, aip_cloud_token: str) -> None:
    response = aip_client.get("/api/v1/collections", headers={"Authorization": f"Bearer {aip_cloud_token}"})

    assert response.status_code == 200
    assert response.json()["total"] == 7


def test_the_in_process_client_is_an_httpx_client_of_the_workers_namespace(
    aip_client: httpx.Client, aip_namespace: str
) -> None:
    assert isinstance(aip_client, httpx.Client)
    assert str(aip_client.base_url).rstrip("/").endswith("testserver" if aip_namespace == "default" else aip_namespace)


@pytest.mark.anyio
@pytest.mark.parametrize("round_", [1, 2])
async def test_the_async_client_starts_every_test_from_the_fixtures(
    aip_async_client: httpx.AsyncClient, round_: int
) -> None:
    before = await aip_async_client.post(SEARCH, json=PLUGIN_LAPTOP, auth=ADMIN)
    created = await aip_async_client.post(f"{INVENTORY}.json", json=NEW, auth=ADMIN)
    after = await aip_async_client.post(SEARCH, json=PLUGIN_LAPTOP, auth=ADMIN)

    assert before.json()["assets"] == []  # the other round's write was reset
    assert created.status_code == 200
    assert len(after.json()["assets"]) == 1
