"""Swagger UI that works offline, the OpenAPI document, and CORS (off unless origins are configured)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir
from tests.helpers import ADMIN

LOCATION = "/rest/jip-api/1.0/location/1.json"
ORIGIN = "http://demo.localhost:3000"
HOST = "127.0.0.1:8080"  # where a browser finds the emulator (a browser must name it by a loopback host)


@pytest.fixture(scope="module")  # its tests only read and ask preflights: one app serves them all
def cors_client(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an emulator that lets one browser origin in."""
    data_dir = copy_data_dir(seeded_template, tmp_path_factory.mktemp("cors") / "data")
    app = create_app(Settings(data_dir=data_dir, cors_origins=[ORIGIN]))
    with TestClient(app) as client:
        yield client
    app.state.emulator.close()


def _preflight(client: Client, origin: str) -> dict[str, str]:
    response = client.options(
        LOCATION,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")} | {
        "status": str(response.status_code)
    }


def test_the_docs_page_loads_every_asset_from_the_emulator_itself(emulator_client: Client) -> None:
    page = emulator_client.get("/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(assets) == [
        "/docs/assets/favicon-32x32.png",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
    ]
    assert "http://" not in page.text
    assert "https://" not in page.text
    assert "url: '/openapi.json'" in page.text
    for asset in assets:
        response = emulator_client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 500, asset


def test_the_openapi_document_covers_the_dc_cloud_and_control_routes(emulator_client: Client) -> None:
    response = emulator_client.get("/openapi.json")

    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert {
        "/rest/jip-api/1.0/index/query.json",
        "/rest/api/2/myself",
        "/_emulator/requests",
        "/_emulator/requests/count",
        "/_emulator/faults",
        "/_emulator/faults/{rule_id}",
    } <= paths
    assert any(path.startswith("/api/v1/") for path in paths)
    assert "/docs" not in paths


def test_redoc_is_not_served_because_it_needs_a_cdn(emulator_client: Client) -> None:
    assert emulator_client.get("/redoc").status_code == 404


def test_cors_is_off_by_default(emulator_client: Client) -> None:
    answer = emulator_client.get(LOCATION, auth=ADMIN, headers={"Origin": ORIGIN, "Host": HOST})

    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in _preflight(emulator_client, ORIGIN)


def test_a_configured_origin_gets_its_preflight_answered(cors_client: TestClient) -> None:
    assert _preflight(cors_client, ORIGIN) == {
        "status": "200",
        "access-control-allow-origin": ORIGIN,
        "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY",
        "access-control-allow-headers": "authorization",
        "access-control-allow-credentials": "true",
        "access-control-max-age": "600",
    }


def test_a_configured_origin_may_read_the_answers(cors_client: TestClient) -> None:
    answer = cors_client.get(LOCATION, auth=ADMIN, headers={"Origin": ORIGIN, "Host": HOST})

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-expose-headers"] == "Retry-After, WWW-Authenticate, X-Seraph-LoginReason"


def test_another_origin_is_refused_its_preflight(cors_client: TestClient) -> None:
    preflight = _preflight(cors_client, "http://elsewhere.example")

    assert preflight["status"] == "400"
    assert "access-control-allow-origin" not in preflight


def test_cors_origins_come_from_the_environment_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIP_EMULATOR_CORS_ORIGINS", "http://a.localhost, http://b.localhost:8000/")

    assert Settings().cors_origins == ["http://a.localhost", "http://b.localhost:8000"]


def test_the_root_redirects_to_the_web_page_also_inside_a_namespace(shared_client: Client) -> None:
    answer = shared_client.get("/", follow_redirects=False)
    inside = shared_client.get("/_ns/docs-root/", follow_redirects=False)

    assert (answer.status_code, answer.headers["location"]) == (302, "/_emulator/ui/")
    assert (inside.status_code, inside.headers["location"]) == (302, "/_ns/docs-root/_emulator/ui/")
