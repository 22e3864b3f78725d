"""`aip_async_client` in a user's anyio suite run through the shipped plugin (issue 29): async and sync tests take
turns, each first finds the baseline and then leaves changes behind (data, a Cloud token, a snapshot, the clock, a
fault without `times`), serially, under `-n 2` and against a shared server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.user_project import run_rounds, shared_server, write_project

pytestmark = pytest.mark.slow  # starts server or command processes

ROUNDS = 4  # of each kind: async, sync
EXAMPLE = f"""
import os
from pathlib import Path

import httpx
import pytest

FORMS = "/rest/jip-api/1.0/form/list.json"
SEARCH = "/rest/jip-api/1.0/index/query.json"
LEFTOVER = {{"queryIndexSearchParams": [{{"field": "asset.name", "keyword": "leftover", "fieldType": "STRING"}}]}}
ADMIN = ("admin", "admin")
LATE = 250_000_000_000_000  # the year 9892


def seen(kind, namespace):
    with Path(os.environ["ROUNDS_SEEN"]).open("a") as rounds:
        rounds.write(f"{{kind}}:{{namespace}}\\n")


@pytest.mark.anyio
@pytest.mark.parametrize("round_", range({ROUNDS}))
async def test_async_finds_the_baseline_then_changes_it(aip_async_client, aip_namespace, round_):
    client = aip_async_client
    assert isinstance(client, httpx.AsyncClient)
    assert (await client.get("/_emulator/faults")).json() == []
    assert (await client.get("/_emulator/snapshots")).json() == []
    assert (await client.get("/_emulator/clock")).json()["frozen"] is False
    assert len((await client.get("/_emulator/tokens")).json()) == 3
    assert (await client.post(SEARCH, json=LEFTOVER, auth=ADMIN)).json()["assets"] == []

    new = {{"formId": 9, "name": "Leftover"}}
    created = await client.post("/rest/jip-api/1.0/inventory.json", auth=ADMIN, json=new)
    assert created.status_code == 200
    assert len((await client.post(SEARCH, json=LEFTOVER, auth=ADMIN)).json()["assets"]) == 1
    (await client.post("/_emulator/tokens", json={{"name": "leftover", "access": "READ"}})).raise_for_status()
    (await client.post("/_emulator/snapshots", json={{"name": "s1"}})).raise_for_status()
    (await client.post("/_emulator/clock", json={{"freeze": True, "set": LATE}})).raise_for_status()
    (await client.post("/_emulator/faults", json={{"path": FORMS, "status": 500}})).raise_for_status()
    assert (await client.get(FORMS, auth=ADMIN)).status_code == 500
    seen("async", aip_namespace)


@pytest.mark.parametrize("round_", range({ROUNDS}))
def test_sync_finds_the_baseline_then_changes_it(aip_client, aip_namespace, round_):
    assert aip_client.get("/_emulator/faults").json() == []
    assert aip_client.get("/_emulator/clock").json()["frozen"] is False
    assert aip_client.get(FORMS, auth=ADMIN).status_code == 200
    assert aip_client.post(SEARCH, json=LEFTOVER, auth=ADMIN).json()["assets"] == []

    aip_client.post("/rest/jip-api/1.0/inventory.json", auth=ADMIN, json={{"formId": 9, "name": "Leftover"}})
    aip_client.post("/_emulator/clock", json={{"freeze": True, "set": LATE}}).raise_for_status()
    aip_client.post("/_emulator/faults", json={{"path": FORMS, "status": 500}}).raise_for_status()
    seen("sync", aip_namespace)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", {"test_async_clean.py": EXAMPLE})


@pytest.fixture
def shared(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    with shared_server(seeded_template, tmp_path) as url:
        yield url


def run_suite(project: Path, *args: str, url: str | None = None) -> list[str]:
    """Run the example suite in random-free order (sync rounds after async ones); `kind:namespace` of every round."""
    run, rounds = run_rounds(project, "-W", "error", *args, url=url)

    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{2 * ROUNDS} passed" in run.stdout
    return rounds


def test_serially_every_async_and_sync_test_finds_the_baseline(project: Path) -> None:
    assert run_suite(project) == ["async:default"] * ROUNDS + ["sync:default"] * ROUNDS


def test_under_two_xdist_workers_every_test_finds_the_baseline(project: Path) -> None:
    rounds = Counter(round_.partition(":")[2] for round_ in run_suite(project, "-n", "2"))

    assert set(rounds) <= {"gw0", "gw1"}
    assert max(rounds.values()) >= 2  # at least one worker ran a round after another round's changes


def test_against_a_shared_server_serially_and_under_two_workers_every_test_finds_the_baseline(
    project: Path, shared: str
) -> None:
    assert run_suite(project, url=shared) == ["async:default"] * ROUNDS + ["sync:default"] * ROUNDS
    in_workers = Counter(run_suite(project, "-n", "2", url=shared))
    assert set(in_workers) <= {f"{kind}:{worker}" for kind in ("async", "sync") for worker in ("gw0", "gw1")}

    with httpx.Client(base_url=shared) as client:  # the sessions leave nothing behind
        for prefix in ("", "/_ns/gw0", "/_ns/gw1"):
            assert client.get(f"{prefix}/_emulator/faults").json() == []
            assert client.get(f"{prefix}/_emulator/clock").json()["frozen"] is False
            assert client.get(f"{prefix}/_emulator/health").json()["assets"] == 39
