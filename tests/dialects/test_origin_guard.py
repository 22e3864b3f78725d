"""No web page can drive a developer's emulator: a foreign Origin may not write or reach the control plane, and a
browser must name the emulator by a loopback host (DNS rebinding); programs without those headers are unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir
from emulator.testing_transport import AppLoop, in_process_client
from tests.helpers import ADMIN

EVIL = "http://evil.example"
CREATE = "/rest/jip-api/1.0/inventory.json"
LOCATION = "/rest/jip-api/1.0/location/1.json"
CROSS_ORIGIN = (
    f"Cross-origin request refused: Origin '{EVIL}' is not this emulator's own; a web page of another site may not "
    "write or reach the control plane (AIP_EMULATOR_CORS_ORIGINS allows an origin)"
)
HOME = "localhost:8080"
BROWSER = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}


def foreign_host(name: str) -> str:
    return (
        f"Host '{name}' is not allowed: the emulator answers loopback names and the hosts in "
        "AIP_EMULATOR_ALLOWED_HOSTS (a guard against DNS rebinding); add it there to reach the emulator by it"
    )


def control(message: str) -> dict[str, Any]:
    return {"error": "PermissionException", "message": message}


def dc(message: str) -> dict[str, Any]:
    return {"success": False, "errorCode": "PermissionException", "errorMessage": message}


@pytest.fixture
def client(emulator_app: FastAPI, app_loop: AppLoop) -> Iterator[Client]:
    """A client calling the emulator as a browser on this machine would: at http://localhost:8080 (the worker's
    reused app, reset after the test; no lifespan, which would close it)."""
    with in_process_client(emulator_app, app_loop, base_url=f"http://{HOME}") as browser:
        yield browser


def assets(client: Client) -> int:
    count: int = client.get("/_emulator/health").json()["assets"]
    return count


def test_a_cross_origin_simple_post_cannot_reset_the_emulator(client: Client) -> None:
    client.post(CREATE, auth=ADMIN, json={"formId": 9, "name": "Kept"})
    before = assets(client)

    response = client.post("/_emulator/reset", content=b"{}", headers={"Origin": EVIL, "Content-Type": "text/plain"})

    assert (response.status_code, response.json()) == (403, control(CROSS_ORIGIN))
    assert assets(client) == before


@pytest.mark.parametrize("path", ["/_emulator/requests", "/_emulator/health", "/_ns/other/_emulator/health"])
def test_a_foreign_origin_cannot_read_the_control_plane(client: Client, path: str) -> None:
    response = client.get(path, headers={"Origin": EVIL})

    assert (response.status_code, response.json()) == (403, control(CROSS_ORIGIN))


def test_a_foreign_origin_cannot_make_a_namespace_by_naming_it(client: Client) -> None:
    client.get("/_ns/made-by-a-page/rest/jip-api/1.0/location/1.json", headers={"Origin": EVIL}, auth=ADMIN)
    client.post("/_ns/made-by-a-page" + CREATE, headers={"Origin": EVIL}, auth=ADMIN, json={})

    names = [ns["name"] for ns in client.get("/_emulator/namespaces").json()]
    assert "made-by-a-page" not in names


def test_a_foreign_origin_cannot_write_through_a_dialect(client: Client) -> None:
    before = assets(client)

    response = client.post(CREATE, auth=ADMIN, headers={"Origin": EVIL}, json={"formId": 9, "name": "From a web page"})

    assert (response.status_code, response.json()) == (403, dc(CROSS_ORIGIN))
    assert assets(client) == before


@pytest.mark.parametrize("origin", ["null", "file://", "not a url"])
def test_an_opaque_origin_cannot_write(client: Client, origin: str) -> None:
    response = client.post("/_emulator/reset", headers={"Origin": origin})

    assert response.status_code == 403
    assert response.json()["message"].startswith(f"Cross-origin request refused: Origin '{origin}'")


def test_a_foreign_origin_may_still_read_a_dialect(client: Client) -> None:
    response = client.get(LOCATION, auth=ADMIN, headers={"Origin": EVIL})

    assert response.status_code == 200
    assert response.json()["data"]["locationName"] == "Berlin HQ"


@pytest.mark.parametrize("origin", ["http://localhost:8080", "http://LocalHost:8080/"])
def test_the_emulators_own_origin_may_do_anything(client: Client, origin: str) -> None:
    response = client.post("/_emulator/reset", headers={"Origin": origin})

    assert response.status_code == 200, response.text


def test_a_browser_naming_a_foreign_host_is_refused_everywhere(client: Client) -> None:
    headers = {**BROWSER, "Host": "evil.example:8080"}

    control_answer = client.get("/_emulator/requests", headers=headers)
    dc_answer = client.get(LOCATION, auth=ADMIN, headers=headers)

    assert (control_answer.status_code, control_answer.json()) == (403, control(foreign_host("evil.example")))
    assert (dc_answer.status_code, dc_answer.json()) == (403, dc(foreign_host("evil.example")))


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"},  # a browser without Fetch metadata
        {"Origin": "http://evil.example:8080"},
        {"Sec-Fetch-Mode": "navigate"},
    ],
)
def test_any_sign_of_a_browser_brings_the_host_check(client: Client, headers: dict[str, str]) -> None:
    response = client.get("/_emulator/requests", headers={**headers, "Host": "evil.example:8080"})

    assert (response.status_code, response.json()) == (403, control(foreign_host("evil.example")))


@pytest.mark.parametrize(
    "host", ["localhost:8080", "127.0.0.1:8080", "127.8.9.10", "[::1]:8080", "app.localhost:3000", "LOCALHOST"]
)
def test_a_browser_may_name_any_loopback_host(client: Client, host: str) -> None:
    response = client.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": host})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("host", ["evil.example", "aip-emulator:8080", "10.0.0.5:8080"])
def test_a_program_may_name_any_host(client: Client, host: str) -> None:
    response = client.get(LOCATION, auth=ADMIN, headers={"Host": host, "User-Agent": "python-httpx/0.28"})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("host", ["[::1", "[zz]:80"])  # no URL has them: urlsplit raises
def test_a_host_no_url_can_have_is_refused_to_a_browser_and_answered_to_a_program(client: Client, host: str) -> None:
    """Both were a plain-text 500 on every path (this guard runs before every other layer)."""
    browser = client.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": host})
    program = client.get(LOCATION, auth=ADMIN, headers={"Host": host, "User-Agent": "python-httpx/0.28"})

    assert (browser.status_code, browser.json()) == (403, dc(foreign_host(host)))
    assert program.status_code == 200, program.text


@pytest.mark.parametrize("origin", ["http://[::1", "http://[zz]:80"])
def test_an_origin_no_url_can_have_is_a_foreign_one(client: Client, origin: str) -> None:
    """Both were a plain-text 500 on every path: it may read a dialect, not write or reach the control plane."""
    reset = client.post("/_emulator/reset", headers={"Origin": origin})
    read = client.get(LOCATION, auth=ADMIN, headers={"Origin": origin})

    refused = CROSS_ORIGIN.replace(EVIL, origin)
    assert (reset.status_code, reset.json()) == (403, control(refused))
    assert read.status_code == 200, read.text


@pytest.fixture
def configured(seeded_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Client]:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), **request.param)
    with TestClient(create_app(settings), base_url=f"http://{HOME}") as client:
        yield client


@pytest.mark.parametrize("configured", [{"allowed_hosts": "aip-emulator, Demo.Example"}], indirect=True)
def test_allowed_hosts_let_a_browser_in_by_those_names(configured: Client) -> None:
    allowed = configured.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": "demo.example:8080"})
    other = configured.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": "evil.example"})

    assert allowed.status_code == 200, allowed.text
    assert other.status_code == 403


@pytest.mark.parametrize("configured", [{"allowed_hosts": "*"}], indirect=True)
def test_a_star_allows_every_host(configured: Client) -> None:
    response = configured.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": "anything.example"})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "configured", [{"base_url": "http://jira.example:2990/jira", "host": "192.168.7.7"}], indirect=True
)
def test_the_base_url_and_the_bound_address_are_allowed(configured: Client) -> None:
    for host in ("jira.example:2990", "192.168.7.7:8080"):
        response = configured.get(LOCATION, auth=ADMIN, headers={**BROWSER, "Host": host})
        assert response.status_code == 200, (host, response.text)


@pytest.mark.parametrize("configured", [{"cors_origins": EVIL}], indirect=True)
def test_an_origin_allowed_by_cors_may_write(configured: Client) -> None:
    response = configured.post("/_emulator/reset", headers={"Origin": EVIL})

    assert response.status_code == 200, response.text
