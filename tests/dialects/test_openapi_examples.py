"""The OpenAPI document's request examples are answerable by the default fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.dialects.http import examples
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH, ids

SEEDS = Path(__file__).parents[1] / "data" / "seed"


def _operation(client: Client, path: str, method: str) -> Any:
    return client.get("/openapi.json").json()["paths"][path][method]


def test_the_dc_search_documents_the_vendors_examples(shared_client: Client) -> None:
    body = _operation(shared_client, SEARCH, "post")["requestBody"]["content"]["application/json"]

    assert set(body["examples"]) == {"one-string-field", "scheme-type-name-id", "lucene"}


@pytest.mark.parametrize(("name", "expected"), [("one-string-field", [21]), ("scheme-type-name-id", [1, 2, 3])])
def test_the_dc_search_examples_find_what_they_say(shared_client: Client, name: str, expected: list[int]) -> None:
    assert ids(shared_client, examples.DC_SEARCH[name]["value"], ADMIN) == expected


def test_the_write_examples_are_accepted(emulator_client: Client) -> None:
    dc = emulator_client.post(
        "/rest/jip-api/1.0/inventory.json", json=examples.DC_CREATE["laptop"]["value"], auth=ADMIN
    )
    token = emulator_client.post("/_emulator/tokens", json={"name": "t", "access": "WRITE"}).json()["token"]
    cloud = emulator_client.post(
        "/api/v1/assets", json=examples.CLOUD_CREATE["laptop"]["value"], headers={"Authorization": f"Bearer {token}"}
    )
    found = emulator_client.post(
        "/api/v1/assets/search", json=examples.CLOUD_SEARCH["laptops"]["value"],
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip

    assert dc.status_code == 200
    assert cloud.status_code == 201
    assert found.status_code == 200
    assert found.json()["total"] >= 1


@pytest.mark.parametrize(("name", "seed"), [("one-string-field", "search-one-string-field"),
                                            ("scheme-type-name-id", "search-scheme-type-name-id")])  # fmt: skip
def test_the_dc_search_examples_are_the_vendors_requests_verbatim(name: str, seed: str) -> None:
    documented = json.loads((SEEDS / f"{seed}.request.json").read_text())

    assert examples.DC_SEARCH[name]["value"] == documented
    assert list(examples.DC_SEARCH[name]["value"]) == list(documented)
