"""Small helpers shared by the API tests."""

from __future__ import annotations

import os
from typing import Any

from emulator.testing import Client

# `make fuzz` (AIP_EMULATOR_FUZZ=long) runs the property tests' long profiles; `make test` the short ones.
LONG = os.environ.get("AIP_EMULATOR_FUZZ") == "long"

SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
JDOE = ("jdoe", "jdoe")
# The fixtures' `default-admin` Cloud token (fixtures/README.md): fixed secret, never expires.
CLOUD_ADMIN_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJkZWZhdWx0LWFkbWluIiwiaXNzIjoiYWlwLWNsb3VkIiwic3ViIjoiNTU3MDU4Oj"
    "AwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAxMDAwMCIsInRlbmFudCI6ImVtdWxhdG9yIiwibmFtZSI6IkRlZmF1bHQgYWRtaW4gdG9r"
    "ZW4iLCJhY2Nlc3MiOiJBRE1JTiIsImlhdCI6MTcwNDA2NzIwMH0.hPbrM0c5MKnPDQZT0qBp0xZV-5flJxECVZZhosazhpg"
)


def search(client: Client, body: dict[str, Any], auth: tuple[str, str] = ADMIN) -> dict[str, Any]:
    """POST a DC search and return the JSON answer, asserting a 200."""
    response = client.post(SEARCH, json=body, auth=auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def names(client: Client, params: list[dict[str, Any]], **extra: Any) -> list[str]:
    """The names of the assets a params search finds (up to 1000, sorted by name)."""
    body = {"queryIndexSearchParams": params, "pageSize": 1000, "sortField": "asset.name", **extra}
    return [asset["name"] for asset in search(client, body)["assets"]]


def ids(client: Client, body: dict[str, Any], auth: tuple[str, str] = ADMIN) -> list[int]:
    """The asset ids a search finds, in answer order (up to 1000 unless the body says)."""
    return [asset["id"] for asset in search(client, {"pageSize": 1000, **body}, auth)["assets"]]


def string_param(field: str, keyword: str) -> dict[str, Any]:
    return {"field": field, "keyword": keyword, "fieldType": "STRING"}
