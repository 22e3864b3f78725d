"""A small example suite run with `pytest -n 4` (pytest-xdist) against one emulator, through the shipped plugin: each
worker works in its own namespace, named after the worker id, and every test starts from the baseline."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import LiveServer, close_app, copy_data_dir
from tests.user_project import QUIET_PLUGINS

pytestmark = pytest.mark.slow  # starts server or command processes

EXAMPLE = """
import os
from pathlib import Path

import httpx
import pytest

SEARCH = "/rest/jip-api/1.0/index/query.json"
MINE = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "xdist", "fieldType": "STRING"}]}
NEW = {"formId": 9, "name": "xdist laptop", "attributes": {}}


@pytest.mark.parametrize("round_", range(12))
def test_each_test_sees_only_its_own_write(aip_live_url, aip_namespace, round_):
    with httpx.Client(base_url=aip_live_url, auth=("admin", "admin")) as client:
        assert client.post(SEARCH, json=MINE).json()["assets"] == []
        client.post("/rest/jip-api/1.0/inventory.json", json=NEW).raise_for_status()
        assert len(client.post(SEARCH, json=MINE).json()["assets"]) == 1
    out = Path(os.environ["NAMESPACES_SEEN"])
    with out.open("a") as seen:
        seen.write(f"{aip_namespace} {aip_live_url}\\n")


@pytest.mark.parametrize("round_", range(4))
def test_the_client_and_the_token_work_in_the_namespace(aip_client, aip_cloud_token, round_):
    headers = {"Authorization": f"Bearer {aip_cloud_token}"}
    assert aip_client.get("/api/v1/collections", headers=headers).status_code == 200
    assert aip_client.post(SEARCH, json=MINE, auth=("admin", "admin")).json()["assets"] == []
    aip_client.post("/_emulator/clock", json={"freeze": True, "set": 1_000_000_000_000})
"""


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    with LiveServer(app) as live:
        yield live.url
    close_app(app)


def test_four_xdist_workers_share_one_emulator_in_four_namespaces(server: str, tmp_path: Path) -> None:
    project = tmp_path / "example"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "conftest.py").write_text('pytest_plugins = ["emulator.testing"]\n')
    (project / "test_example.py").write_text(EXAMPLE)
    seen = tmp_path / "seen.txt"
    env = {**os.environ, "AIP_EMULATOR_URL": server, "NAMESPACES_SEEN": str(seen)}
    env.pop("PYTEST_XDIST_WORKER", None)  # this suite itself may run under xdist

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "4", "-q", *QUIET_PLUGINS, str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "16 passed" in run.stdout
    used = {line.split()[0]: line.split()[1] for line in seen.read_text().splitlines()}
    assert set(used) <= {"gw0", "gw1", "gw2", "gw3"}
    assert len(used) >= 2  # pytest-xdist spread the tests over several workers
    assert all(url == f"{server}/_ns/{name}" for name, url in used.items())
    with httpx.Client(base_url=server) as client:
        listed = {n["name"]: n["assets"] for n in client.get("/_emulator/namespaces").json()}
        assert client.get("/_emulator/clock").json()["frozen"] is False
    assert set(used) <= set(listed)
    assert all(assets == 39 for assets in listed.values())  # every worker reset after its last test; default untouched
