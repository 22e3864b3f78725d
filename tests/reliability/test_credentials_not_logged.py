"""No password or token is ever written to the logs or the request journal, whatever the request carries."""

from __future__ import annotations

import base64
import json
import logging
import shutil
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings, default_fixtures
from emulator.testing import Client, LiveServer
from tests.helpers import CLOUD_ADMIN_TOKEN, SEARCH

PASSWORD = "Pa55-w0rd-that-must-never-be-logged"
WRONG = "Wr0ng-pa55-that-must-never-be-logged"
LOGGERS = ["", "aip_emulator", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "fastapi"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    fixtures = tmp_path_factory.mktemp("fixtures")
    shutil.copytree(default_fixtures(), fixtures, dirs_exist_ok=True)
    users = json.loads((fixtures / "users.json").read_text())
    for user in users:
        if user["username"] == "admin":
            user["password"] = PASSWORD
    (fixtures / "users.json").write_text(json.dumps(users))
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), fixtures=fixtures, journal_body_limit=100_000)
    emulator = Emulator(settings)  # owned here: each TestClient runs the app's lifespan, which must not close it
    emulator.start()
    yield create_app(settings, emulator)
    emulator.close()


def secrets() -> list[str]:
    basic = [base64.b64encode(f"admin:{p}".encode()).decode() for p in (PASSWORD, WRONG)]
    return [PASSWORD, WRONG, CLOUD_ADMIN_TOKEN, CLOUD_ADMIN_TOKEN.split(".")[2], *basic]


def exercise(client: Client, base: str = "") -> None:
    bearer = {"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}
    assert client.post(base + SEARCH, json={"pageSize": 1}, auth=("admin", PASSWORD)).status_code == 200
    assert client.post(base + SEARCH, json={"pageSize": 1}, auth=("admin", WRONG)).status_code == 401
    assert client.get(base + "/api/v1/assets?maxResult=1", headers=bearer).status_code == 200
    assert (
        client.get(base + "/api/v1/assets?maxResult=1", headers={"Authorization": "Bearer x" + WRONG}).status_code
        == 401
    )
    # Secrets in bodies, queries and failing requests too.
    body = {"password": PASSWORD, "token": CLOUD_ADMIN_TOKEN, "genericKeyword": "("}
    assert client.post(base + SEARCH, json=body, auth=("admin", PASSWORD)).status_code == 400
    assert client.post(base + "/api/v1/assets/search", content=b"{", headers=bearer).status_code == 400


def assert_nothing_leaked(client: TestClient, log_text: str) -> None:
    journal = client.get("/_emulator/requests").text
    assert journal.count("/rest/jip-api/1.0/index/query.json") >= 3  # the journal did record the calls
    for secret in secrets():
        assert secret not in log_text, f"{secret!r} in the logs"
        assert secret not in journal, f"{secret!r} in the journal"


def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)


def test_in_process(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    debug_everywhere(caplog)
    with TestClient(app) as client:
        client.delete("/_emulator/requests")
        exercise(client)
        assert_nothing_leaked(client, caplog.text)


def test_over_real_http(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    server = LiveServer(app)  # its config sets uvicorn's loggers: turn them all to DEBUG afterwards
    debug_everywhere(caplog)
    unpropagated = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    for logger in unpropagated:  # uvicorn's own loggers do not propagate to the root, where caplog listens
        logger.addHandler(caplog.handler)
    try:
        with server, httpx.Client(base_url=server.url) as live, TestClient(app) as control:
            control.delete("/_emulator/requests")
            exercise(live)
            assert_nothing_leaked(control, caplog.text)
    finally:
        for logger in unpropagated:
            logger.removeHandler(caplog.handler)
    assert "GET /api/v1/assets?maxResult=1" in caplog.text  # uvicorn's access log was captured
