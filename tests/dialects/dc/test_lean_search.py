"""The DC search's lean twin (`emulator.dialects.http.lean`): the same answers as the documented route, which answers
whatever the twin declines; which searches run on the event loop (`light_search`)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi import FastAPI

from emulator.dialects.dc.routes import light_search
from emulator.dialects.dc.schemas import SearchRequest
from emulator.dialects.http.lean import LeanRoute
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH

SEED: dict[str, Any] = {
    "queryIndexSearchParams": [
        {"field": "asset.name", "keyword": "tom*", "fieldType": "STRING"},
        {"field": "form.name", "keywords": ["Servers"], "fieldType": "LIST"},
    ],
    "pageNumber": 1,
    "pageSize": 15,
    "sortField": "asset.name",
    "sortType": "STRING",
}
BODIES = {
    "seed": SEED,
    "lucene": {"genericKeyword": "Vendor:Dell OR Vendor:Lenovo", "pageSize": 20},
    "leading wildcard": {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "*book"}]},
    "big page": {"pageSize": 150, "sortField": "asset.name", "sortDirection": "desc"},
    "near miss (a warning header)": {"queryIndexSearchParams": [{"field": "Vendr", "keyword": "Dell"}]},
    "bad page (400)": {"pageNumber": 0},
    "unknown field type (400)": {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRNG"}]},
}
# FastAPI reads `+json` types as JSON; the twin takes `application/json` only, so this one is the documented route's.
DOCUMENTED_ONLY = {"Content-Type": "application/vnd.aip+json"}


def _answer(response: Any) -> tuple[int, Any, list[str]]:
    body = response.json()
    if isinstance(body, dict) and "queryIndexParam" in body:
        body["queryIndexParam"].pop("respTime")  # the server's clock
    return response.status_code, body, response.headers.get_list("X-AIP-Emulator-Warning")


@pytest.mark.parametrize("path", [SEARCH, SEARCH.removesuffix(".json")], ids=["json", "plain"])
@pytest.mark.parametrize("name", list(BODIES))
def test_the_twin_answers_what_the_documented_route_answers(shared_client: Client, name: str, path: str) -> None:
    raw = json.dumps(BODIES[name])
    lean = shared_client.post(path, content=raw, headers={"Content-Type": "application/json"}, auth=ADMIN)
    documented = shared_client.post(path, content=raw, headers=DOCUMENTED_ONLY, auth=ADMIN)

    assert _answer(lean) == _answer(documented)
    assert lean.status_code == (400 if "400" in name else 200)


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [("{not json", "application/json"), ('{"pageSize": "many"}', "application/json"), ("", "application/json")],
    ids=["malformed", "invalid", "empty"],
)
def test_declined_bodies_get_the_documented_routes_errors(shared_client: Client, raw: str, content_type: str) -> None:
    lean = shared_client.post(SEARCH, content=raw, headers={"Content-Type": content_type}, auth=ADMIN)
    documented = shared_client.post(SEARCH, content=raw, headers=DOCUMENTED_ONLY, auth=ADMIN)

    assert lean.status_code == documented.status_code == 400
    assert lean.json() == documented.json()


def test_the_twin_is_first_and_out_of_the_openapi_document(emulator_app: FastAPI) -> None:
    assert isinstance(emulator_app.router.routes[0], LeanRoute)
    assert "post" in emulator_app.openapi()["paths"][SEARCH]


def _light(body: dict[str, Any], emulator_app: FastAPI) -> bool:
    return light_search(SearchRequest.model_validate(body), json.dumps(body).encode(), emulator_app.state.emulator)


def test_plain_searches_over_a_small_index_are_light(emulator_app: FastAPI) -> None:
    assert _light(SEED, emulator_app)
    assert _light({}, emulator_app)


@pytest.mark.parametrize(
    "change",
    [
        {"genericKeyword": "name:tom"},
        {"pageSize": 101},
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "*book"}]},
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "t?m"}]},
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "t*m*"}]},
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "x" * 513}]},
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "tom"}] * 9},
        {"mandatoryQueryIndexSearchParams": [{"field": "form.name", "keywords": ["a*b"]}]},
        # a name the catalog lacks is compared with every known one (difflib) for its near-miss hint
        {"queryIndexSearchParams": [{"field": "Vendr", "keyword": "Dell"}]},
        {"mandatoryQueryIndexSearchParams": [{"field": "Vendr", "keyword": "Dell"}]},
        {"sortField": "asset.nme"},
        # whatever else a large body carries (dates, labels, empty keywords) is read on the loop too
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "tom", "fieldLabel": "x" * 2048}]},
        {"queryIndexSearchParams": [{"field": "form.name", "keywords": [""] * 1000}]},
        # each prefix is a range of a lexicon to read; the catch-all field's is read in every field
        {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "ab* cd* ef* gh* ij*"}]},
        {"queryIndexSearchParams": [{"field": "asset.content", "keyword": "tom*"}]},
    ],
    ids=str.split(
        "lucene page leading question inner long many mandatory unknown-field unknown-mandatory-field"
        " unknown-sort-field large-body empty-keywords many-prefixes prefix-on-any-text"
    ),
)
def test_other_searches_go_to_a_worker_thread(emulator_app: FastAPI, change: dict[str, Any]) -> None:
    assert not _light(copy.deepcopy(SEED) | change, emulator_app)


def test_no_search_is_light_while_another_runs_or_over_a_larger_index(emulator_app: FastAPI) -> None:
    index = emulator_app.state.emulator.index
    assert index.quiet(39)  # the default fixtures hold 39 assets
    assert not index.quiet(38)
    index.searching += 1  # as a search in a worker thread pins its state
    try:
        assert not _light(SEED, emulator_app)
    finally:
        index.searching -= 1
