"""`aip-emulator serve` answers while it seeds (issue 14): health 503 "starting" with progress, searches 503 in the
DC shape with Retry-After, then everything once health is 200; a start that fails late still exits 2 in one line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.seeding.generate import generate
from emulator.testing import free_port
from tests.cli.server import command, env

pytestmark = pytest.mark.slow  # starts server or command processes

ASSETS = 3000  # a few seconds of seeding and indexing
SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
STEPS = {"loading assets", "writing the database", "indexing assets", "writing the index"}
STARTING = re.compile(
    r"(opening the data directory|seeding the data directory: [a-z ]+ [\d,]+ of [\d,]+( [a-z]+s)?( \(ETA \d+ s\))?)"
    r"; retry when /_emulator/health answers 200"
)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture directory of generated assets, written once per session."""
    directory = tmp_path_factory.mktemp("generated") / "fixtures"
    generate(directory, ASSETS)
    return directory


def _first_answer(url: str, server: subprocess.Popen[str]) -> httpx.Response:
    """Health's first answer, polled from the moment the server is started."""
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=5) as client:  # one client: each new one loads the CA bundle (~25 ms of CPU)
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise AssertionError(f"the server exited before answering: {server.communicate()[1]}")
            try:
                return client.get(f"{url}/_emulator/health")
            except httpx.TransportError:
                time.sleep(0.005)
    raise AssertionError("the server never answered")


def _check_progress(progress: Any) -> None:
    if progress["step"] is None:
        assert progress == {"step": None, "stepsDone": []}
        return
    assert set(progress) == {"step", "done", "total", "unit", "etaS", "stepsDone"}
    assert progress["step"] in STEPS
    assert set(progress["stepsDone"]) <= STEPS
    assert 0 <= progress["done"] <= progress["total"]
    assert progress["unit"] in {"asset", "row", "term", "step"}
    assert progress["etaS"] is None or progress["etaS"] >= 0


def _check_starting(response: httpx.Response) -> None:
    """A 503 of health while starting: the whole body, the counts only by type and range."""
    body = response.json()
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert set(body) == {"status", "message", "progress"}
    assert body["status"] == "starting"
    assert STARTING.fullmatch(body["message"]), body["message"]
    _check_progress(body["progress"])


def _until_ready(url: str) -> tuple[httpx.Response, list[Any]]:
    """Health polled until it answers 200; that answer and the progress reports seen on the way."""
    reports: list[Any] = []
    deadline = time.monotonic() + 120
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            response = client.get(f"{url}/_emulator/health")
            if response.status_code == 200:
                return response, reports
            _check_starting(response)
            reports.append(response.json()["progress"])
            time.sleep(0.05)
    raise AssertionError("the server never became ready")


def test_serve_answers_health_and_refuses_searches_while_it_seeds_then_serves_them(
    generated: Path, tmp_path: Path
) -> None:
    port = free_port()
    argv = command("serve", "--data-dir", str(tmp_path / "data"), "--fixtures", str(generated), "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    with subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as server:
        try:
            _check_starting(_first_answer(url, server))
            search = httpx.post(url + SEARCH, auth=ADMIN, json={"pageSize": 1000}, timeout=5)
            ready, reports = _until_ready(url)
            found = httpx.post(url + SEARCH, auth=ADMIN, json={"pageSize": 1000}, timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=20)

    assert (search.status_code, search.headers["retry-after"]) == (503, "1")
    body = search.json()
    assert set(body) == {"success", "errorCode", "errorMessage"}
    assert (body["success"], body["errorCode"]) == (False, "ServiceUnavailableException")
    assert STARTING.fullmatch(body["errorMessage"]), body["errorMessage"]
    assert any(report["step"] in STEPS for report in reports)
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ok", "assets": ASSETS, "indexedAssets": ASSETS, "pendingChanges": 0},
    )
    assert found.status_code == 200
    assert found.json()["queryPagingInfo"]["totalRecords"] == ASSETS
    assert len(found.json()["assets"]) == 1000


def test_a_start_that_fails_in_the_background_exits_2_in_one_line_and_leaves_no_data_dir(
    generated: Path, tmp_path: Path
) -> None:
    broken = shutil.copytree(generated, tmp_path / "broken")
    last = sorted(broken.glob("assets-*.json"))[-1]
    assets = json.loads(last.read_text())
    assets[-1]["status"] = "Lost in space"  # found while loading, after the server answers
    last.write_text(json.dumps(assets))
    port = free_port()
    argv = command("serve", "--data-dir", str(tmp_path / "data"), "--fixtures", str(broken), "--port", str(port))
    with subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as server:
        answered = _first_answer(f"http://127.0.0.1:{port}", server)
        _out, err = server.communicate(timeout=60)

    assert answered.status_code == 503
    assert answered.json()["status"] in {"starting", "failed"}
    assert server.returncode == 2
    assert err.endswith(f"aip-emulator: {last}: asset {ASSETS}: field 'asset.status': unknown status 'Lost in space'\n")
    assert "Traceback" not in err
    assert not (tmp_path / "data").exists()
