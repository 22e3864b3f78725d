"""The Postman collections and environment the emulator serves (issue 30): their shape, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.dialects.http import examples
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir

POSTMAN = "/_emulator/postman"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _get(client: Client, name: str) -> Any:
    answer = client.get(f"{POSTMAN}/{name}.json")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _items(collection: dict[str, Any]) -> list[Any]:
    return [item for folder in collection["item"] for item in folder["item"]]


def test_the_collection_has_a_folder_per_dialect_with_the_vendors_auth(emulator_client: Client) -> None:
    collection = _get(emulator_client, "collection")
    folders = {f["name"]: f for f in collection["item"]}

    assert collection["info"]["schema"] == SCHEMA
    assert list(folders) == ["Data Center", "Jira", "Cloud"]
    assert folders["Data Center"]["auth"] == {"type": "basic", "basic": [
        {"key": "username", "value": "{{username}}", "type": "string"},
        {"key": "password", "value": "{{password}}", "type": "string"},
    ]}  # fmt: skip
    assert folders["Cloud"]["auth"] == {"type": "noauth"}
    for item in folders["Cloud"]["item"]:
        assert item["request"]["header"][0] == {"key": "Authorization", "value": "Bearer {{jwtToken}}"}


def test_every_request_is_below_base_url_and_asserts_something(emulator_client: Client) -> None:
    items = _items(_get(emulator_client, "collection")) + _items(_get(emulator_client, "control"))

    assert [i["name"] for i in items if not i["request"]["url"].startswith("{{baseUrl}}/")] == []
    assert [i["name"] for i in items if "pm.test(" not in "".join(i["event"][0]["script"]["exec"])] == []


def test_both_vendor_search_examples_are_sent_as_they_are_documented(emulator_client: Client) -> None:
    bodies = [json.loads(i["request"]["body"]["raw"]) for i in _items(_get(emulator_client, "collection"))
              if "body" in i["request"]]  # fmt: skip

    assert examples.DC_SEARCH["one-string-field"]["value"] in bodies
    assert examples.DC_SEARCH["scheme-type-name-id"]["value"] in bodies


def test_the_control_routes_are_a_collection_of_their_own(emulator_client: Client) -> None:
    api = json.dumps(_get(emulator_client, "collection"))
    control = _get(emulator_client, "control")

    assert "/_emulator" not in api
    assert [f["name"] for f in control["item"]] == ["Emulator control"]
    assert [i["request"]["url"] for i in control["item"][0]["item"][-2:]] == [
        "{{baseUrl}}/_emulator/reset", "{{baseUrl}}/_emulator/tokens"
    ]  # fmt: skip


def test_the_environment_names_this_server_and_a_working_token(emulator_client: Client) -> None:
    environment = _get(emulator_client, "environment")
    values = {v["key"]: v for v in environment["values"]}

    assert environment["_postman_variable_scope"] == "environment"
    assert list(values) == [
        "baseUrl", "username", "password", "jwtToken", "basicAuthUsername", "basicAuthPassword", "bearerToken"
    ]  # fmt: skip
    assert values["bearerToken"]["value"] == values["jwtToken"]["value"]
    assert values["baseUrl"]["value"] == str(emulator_client.base_url).rstrip("/")
    assert (values["password"]["type"], values["jwtToken"]["type"]) == ("secret", "secret")
    token = values["jwtToken"]["value"]
    assert emulator_client.get("/api/v1/collections", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert emulator_client.get("/_emulator/tokens").json()[-1]["name"] == "postman"


def test_inside_a_namespace_the_base_url_is_the_namespaces(emulator_client: Client) -> None:
    environment = emulator_client.get(f"/_ns/pm{POSTMAN}/environment.json").json()
    collection = emulator_client.get(f"/_ns/pm{POSTMAN}/collection.json").json()

    base = str(emulator_client.base_url).rstrip("/") + "/_ns/pm"
    assert environment["values"][0] == {"key": "baseUrl", "value": base, "type": "default", "enabled": True}
    assert collection["variable"][0] == {"key": "baseUrl", "value": base, "type": "string"}


def test_a_context_path_and_another_cloud_base_are_in_every_url(seeded_template: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "d"), context_path="/jira",
                        cloud_base_path="/cloud/v2")  # fmt: skip
    app = create_app(settings)
    try:
        client = TestClient(app)
        urls = [i["request"]["url"] for i in _items(client.get(f"{POSTMAN}/collection.json").json())]
        doc = client.get("/openapi.json").json()
    finally:
        app.state.emulator.close()

    assert {url.split("/")[1] for url in urls} == {"jira", "cloud"}
    assert "{{baseUrl}}/jira/rest/jip-api/1.0/index/query.json" in urls
    assert "{{baseUrl}}/cloud/v2/assets/LAP-1" in urls
    found = doc["paths"]["/cloud/v2/assets/{key}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert found["example"]["asset"]["key"] == "LAP-1"
    assert (
        "example"
        in doc["paths"]["/jira/rest/jip-api/1.0/index/query.json"]["post"]["responses"]["200"]["content"][
            "application/json"
        ]
    )
