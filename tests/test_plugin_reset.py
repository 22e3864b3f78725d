"""Every test starts clean (issues 21 and 29): a user's suite run through the shipped plugin, serially, under `-n 2`
and against a shared server, where every test first finds the baseline and then changes every piece of state a test
can change (data, a Cloud token, a named snapshot, the clock, strict mode, a fault without `times`, the journal).

The suite holds two files: `test_async_clean.py` (`aip_async_client` in an anyio suite: async and sync tests take
turns) and `test_clean.py` (`aip_client` with the faults, clock and journal fixtures). Each way of running is one
nested session of both files (one before this held each file's sessions apart: twice the child processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.testing import free_port
from tests.user_project import QUIET_PLUGINS, run_rounds, shared_server, write_project

pytestmark = pytest.mark.slow  # starts server or command processes

RESET_ROUNDS = 6
ASYNC_ROUNDS = 4  # of each kind: async, sync
RESET_EXAMPLE = f"""
import os
from pathlib import Path

import pytest

FORMS = "/rest/jip-api/1.0/form/list.json"
SEARCH = "/rest/jip-api/1.0/index/query.json"
INVENTORY = "/rest/jip-api/1.0/inventory.json"
LEFTOVER = {{"queryIndexSearchParams": [{{"field": "asset.name", "keyword": "leftover", "fieldType": "STRING"}}]}}
ADMIN = ("admin", "admin")
LATE = 250_000_000_000_000  # the year 9892


def finds_the_baseline(client):
    assert client.get("/_emulator/requests").json() == {{"total": 0, "requests": []}}
    assert client.get("/_emulator/faults").json() == []
    assert client.get("/_emulator/strict").json() == {{"strict": False}}
    assert client.get("/_emulator/snapshots").json() == []
    assert sorted(t["id"] for t in client.get("/_emulator/tokens").json()) == [
        "default-admin", "default-read", "default-write"]
    clock = client.get("/_emulator/clock").json()
    assert clock["frozen"] is False and clock["now"] < LATE
    assert client.get("/_emulator/health").json()["assets"] == 39
    assert client.get(FORMS, auth=ADMIN).status_code == 200
    assert client.post(SEARCH, json=LEFTOVER, auth=ADMIN).json()["assets"] == []


def changes_everything(client, faults, clock, journal):
    created = client.post(INVENTORY, auth=ADMIN, json={{"formId": 9, "name": "Leftover"}})
    created.raise_for_status()
    client.post("/_emulator/tokens", json={{"name": "leftover", "access": "READ"}}).raise_for_status()
    client.post("/_emulator/snapshots", json={{"name": "s1"}}).raise_for_status()
    assert clock.freeze(LATE) == LATE
    client.post("/_emulator/strict", json={{"strict": True}}).raise_for_status()
    faults.add(FORMS, status=500)  # no `times`: it would fail every later call
    assert client.get(FORMS, auth=ADMIN).status_code == 500
    journal.assert_requested("GET", FORMS, times=2)  # one of finds_the_baseline, one here
    assert len(journal.requests()) == 4


@pytest.mark.parametrize("round_", range({RESET_ROUNDS}))
def test_finds_the_baseline_then_changes_everything(
    aip_client, aip_faults, aip_clock, aip_journal, aip_namespace, round_
):
    finds_the_baseline(aip_client)
    changes_everything(aip_client, aip_faults, aip_clock, aip_journal)
    with Path(os.environ["ROUNDS_SEEN"]).open("a") as seen:
        seen.write(f"reset:{{aip_namespace}}\\n")
"""


ASYNC_EXAMPLE = f"""
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
@pytest.mark.parametrize("round_", range({ASYNC_ROUNDS}))
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


@pytest.mark.parametrize("round_", range({ASYNC_ROUNDS}))
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
    return write_project(tmp_path / "project", {"test_async_clean.py": ASYNC_EXAMPLE, "test_clean.py": RESET_EXAMPLE})


@pytest.fixture
def shared(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    with shared_server(seeded_template, tmp_path) as url:
        yield url


SERIAL_ORDER = ["async:default"] * ASYNC_ROUNDS + ["sync:default"] * ASYNC_ROUNDS + ["reset:default"] * RESET_ROUNDS
KINDS = {"async": ASYNC_ROUNDS, "sync": ASYNC_ROUNDS, "reset": RESET_ROUNDS}


def run_suite(project: Path, *args: str, url: str | None = None) -> list[str]:
    """Run both files (warnings are errors), in random-free order: the async file first, its sync rounds after its
    async ones, then the reset file; `kind:namespace` of every round, in the order the rounds ran."""
    run, rounds = run_rounds(project, "-W", "error", *args, url=url)

    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{2 * ASYNC_ROUNDS + RESET_ROUNDS} passed" in run.stdout
    return rounds


def in_workers(rounds: list[str]) -> Counter[str]:
    """Rounds by worker; every kind ran all its rounds, in the two workers only."""
    assert Counter(round_.partition(":")[0] for round_ in rounds) == KINDS
    by_worker = Counter(round_.partition(":")[2] for round_ in rounds)
    assert set(by_worker) <= {"gw0", "gw1"}
    return by_worker


def test_serially_every_async_sync_and_reset_test_finds_the_baseline(project: Path) -> None:
    assert run_suite(project) == SERIAL_ORDER


def test_under_two_xdist_workers_every_test_finds_the_baseline(project: Path) -> None:
    by_worker = in_workers(run_suite(project, "-n", "2"))

    assert max(by_worker.values()) >= 2  # at least one worker ran a round after another round's changes


def test_against_a_shared_server_every_test_and_every_session_finds_the_baseline(project: Path, shared: str) -> None:
    with httpx.Client(base_url=shared) as client:  # what an earlier, interrupted session left behind
        for prefix in ("", "/_ns/gw0", "/_ns/gw1"):
            client.post(f"{prefix}/_emulator/faults", json={"path": "/rest/jip-api/1.0/form/list.json", "status": 500})
            client.post(f"{prefix}/_emulator/strict", json={"strict": True})

    assert run_suite(project, url=shared) == SERIAL_ORDER
    in_workers(run_suite(project, "-n", "2", url=shared))

    with httpx.Client(base_url=shared) as client:  # and what the sessions leave behind: nothing
        for prefix in ("", "/_ns/gw0", "/_ns/gw1"):
            assert client.get(f"{prefix}/_emulator/faults").json() == []
            assert client.get(f"{prefix}/_emulator/snapshots").json() == []
            assert client.get(f"{prefix}/_emulator/clock").json()["frozen"] is False
            assert client.get(f"{prefix}/_emulator/health").json()["assets"] == 39


def test_a_shared_server_that_does_not_answer_is_named_with_what_to_do(tmp_path: Path) -> None:
    project = tmp_path / "unreachable"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_one.py").write_text("def test_one(aip_client):\n    pass\n")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIP_EMULATOR_", "PYTEST_XDIST_"))}

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS, str(project)],
        cwd=project,
        env={**env, "AIP_EMULATOR_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 1
    assert f"RuntimeError: AIP_EMULATOR_URL={url}: no emulator answers there" in run.stdout
    assert "unset AIP_EMULATOR_URL for an in-process emulator" in run.stdout
