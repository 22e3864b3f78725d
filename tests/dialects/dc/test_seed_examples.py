"""The vendor's two documented search examples, replayed against the default fixtures, field for field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH

SEEDS = Path(__file__).parents[3] / "tests" / "data" / "seed"
EXAMPLES = ["search-one-string-field", "search-scheme-type-name-id"]


def _load(name: str) -> Any:
    return json.loads((SEEDS / name).read_text())


@pytest.mark.parametrize("example", EXAMPLES)
def test_seed_example_is_reproduced_field_for_field(shared_client: Client, example: str) -> None:
    request = _load(f"{example}.request.json")
    expected = _load(f"{example}.response.json")

    response = shared_client.post(SEARCH, json=request, auth=ADMIN)

    assert response.status_code == 200
    actual = response.json()
    assert isinstance(actual["queryIndexParam"].pop("respTime"), int)
    expected["queryIndexParam"].pop("respTime")
    assert actual == expected


@pytest.mark.parametrize("example", EXAMPLES)
def test_seed_example_keeps_the_vendors_key_order(shared_client: Client, example: str) -> None:
    expected = _load(f"{example}.response.json")

    actual = shared_client.post(SEARCH, json=_load(f"{example}.request.json"), auth=ADMIN).json()

    assert list(actual) == list(expected)
    assert list(actual["queryIndexParam"]) == list(expected["queryIndexParam"])
    assert list(actual["assets"][0]) == list(expected["assets"][0])
    assert list(actual["assets"][0]["inventoryItems"][0]) == list(expected["assets"][0]["inventoryItems"][0])


def test_resp_time_is_the_servers_clock_not_the_clients(shared_client: Client) -> None:
    request = _load("search-one-string-field.request.json")

    answer = shared_client.post(SEARCH, json=request, auth=ADMIN).json()

    assert answer["queryIndexParam"]["respTime"] != request["respTime"]
    assert answer["queryIndexParam"]["respTime"] > 1_700_000_000_000


def test_seed_example_answers_without_the_json_suffix(shared_client: Client) -> None:
    request = _load("search-one-string-field.request.json")

    answer = shared_client.post(SEARCH.removesuffix(".json"), json=request, auth=ADMIN).json()

    assert [asset["id"] for asset in answer["assets"]] == [21]
