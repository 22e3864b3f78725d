"""The OpenAPI document declares how to authenticate and every error answer really sent; no 422 (issue 11: 6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir

SEARCH = "/rest/jip-api/1.0/index/query.json"


def _doc(client: Client) -> Any:
    return client.get("/openapi.json").json()


def test_security_schemes_for_swagger_uis_authorize(shared_client: Client) -> None:
    assert _doc(shared_client)["components"]["securitySchemes"] == {
        "basicAuth": {"type": "http", "scheme": "basic", "description": "Jira username and password (DC and Jira)"},
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "a Cloud API token"},
    }


def test_each_dialect_names_its_scheme(shared_client: Client) -> None:
    paths = _doc(shared_client)["paths"]

    assert paths[SEARCH]["post"]["security"] == [{"basicAuth": []}]
    assert paths["/rest/api/2/myself"]["get"]["security"] == [{"basicAuth": []}]
    assert paths["/rest/api/2/serverInfo"]["get"]["security"] == [{}, {"basicAuth": []}]
    assert paths["/api/v1/assets/search"]["post"]["security"] == [{"bearerAuth": []}]
    assert paths["/_emulator/reset"]["post"]["security"] == []


def test_a_guarded_control_plane_asks_for_basic(seeded_template: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "d"), control_auth=True))
    try:
        paths = TestClient(app).get("/openapi.json").json()["paths"]
    finally:
        app.state.emulator.close()

    assert paths["/_emulator/reset"]["post"]["security"] == [{"basicAuth": []}]
    assert paths["/_emulator/health"]["get"]["security"] == []


def test_no_422_anywhere(shared_client: Client) -> None:
    doc = _doc(shared_client)

    statuses = {
        status for operations in doc["paths"].values() for op in operations.values() for status in op["responses"]
    }
    assert "422" not in statuses
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def _errors(operation: dict[str, Any]) -> dict[str, str]:
    return {
        status: answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for status, answer in operation["responses"].items()
        if not status.startswith("2")
    }


def test_the_error_answers_are_declared_with_the_dialects_bodies(shared_client: Client) -> None:
    paths = _doc(shared_client)["paths"]

    assert _errors(paths[SEARCH]["post"]) == {
        "400": "DcError", "401": "JiraAuthError", "413": "DcError", "default": "DcError",
    }  # fmt: skip
    assert _errors(paths["/rest/jip-api/1.0/inventory/{asset_id}.json"]["put"]) == {
        "400": "DcError", "401": "JiraAuthError", "403": "DcError", "404": "DcError", "413": "DcError",
        "507": "DcError", "default": "DcError",
    }  # fmt: skip
    assert _errors(paths["/api/v1/collections/{collection_id}"]["delete"]) == {
        "400": "CloudError", "401": "CloudError", "403": "CloudError", "404": "CloudError", "409": "CloudError",
        "507": "CloudError", "default": "CloudError",
    }  # fmt: skip
    assert _errors(paths["/_emulator/tokens"]["post"]) == {
        "400": "ControlError", "409": "ControlError", "413": "ControlError", "default": "ControlError",
    }  # fmt: skip


def test_the_document_points_only_at_the_projects_own_docs(shared_client: Client) -> None:
    text = shared_client.get("/openapi.json").text

    assert re.findall(r"\b(?:dc|cloud|control)-api\.md", text) == []
