"""The shipped pytest plugin: one emulator per session, back to its fixtures after every test."""

from __future__ import annotations

import ssl
import subprocess
import sys
from typing import Any

import httpx
import pytest

import emulator.testing
from emulator import testing_control, testing_journal
from emulator.testing_server import Remote, async_client, control_client, tls
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


def test_loading_the_plugin_loads_no_app_until_a_fixture_needs_one() -> None:
    """Every pytest process loads the plugin (pytest-xdist's controller, a session against `AIP_EMULATOR_URL`); the
    web stack, the database layer and the search engine (a second of imports) wait for the first in-process app."""
    heavy = ("fastapi", "sqlalchemy", "jwt", "whoosh", "uvicorn", "emulator.app", "emulator.runtime.emulator")
    probe = f"import sys, emulator.testing as t; t.LiveServer; print([m for m in {heavy!r} if m in sys.modules])"

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert result.stdout == "[]\n"


def test_the_plugins_helpers_load_when_first_named() -> None:
    names = {name: getattr(emulator.testing, name) for name in ("AipClock", "AipFaults", "ControlError", "Client")}

    assert names == {name: getattr(testing_control, name) for name in names}
    assert emulator.testing.AipJournal is testing_journal.AipJournal
    with pytest.raises(AttributeError) as missing:
        emulator.testing.AipNothing  # noqa: B018
    assert str(missing.value) == "module 'emulator.testing' has no attribute 'AipNothing'"


def test_the_clients_of_a_server_load_the_ca_bundle_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Against `AIP_EMULATOR_URL` every test makes clients (its reset, `aip_client`, ...): they share one TLS context
    instead of loading the CA bundle each (~25 ms of CPU a client)."""
    loads: list[object] = []
    load = ssl.SSLContext.load_verify_locations

    def counted(context: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args)
        load(context, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    tls.cache_clear()
    remote = Remote("http://127.0.0.1:9")

    with control_client(remote) as one, control_client(remote) as two:
        clients = [one, two, async_client(remote)]

    assert len(loads) == 1
    assert [type(client) for client in clients] == [httpx.Client, httpx.Client, httpx.AsyncClient]
