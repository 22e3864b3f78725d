"""Hostile searches answer at once, with the right hits or a clear 400 naming the costly part; none is a 500.

Each shape here once took the server down: a sloppy phrase with a word the index does not hold (a 500), a regular
expression or wildcard with nested repetition over a long run of one letter (a core held for 44 minutes by Python's
backtracking `re`), ten thousand clauses (3.4 s). A test that regressed to the backtracking matcher would not
finish: the patterns below need about 2**60 steps from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

RUN = "a" * 60  # the long run of one letter the backtracking shapes feed on
CREATE = "/rest/jip-api/1.0/inventory.json"


@pytest.fixture
def client(emulator_client: Client) -> Client:
    """The default fixtures plus an asset named with a long run of `a` (still in the in-memory layer, so the
    reference evaluator is exercised too, beside Whoosh's segments)."""
    response = emulator_client.post(CREATE, auth=ADMIN, json={"formId": 9, "name": RUN, "attributes": {}})
    assert response.status_code == 200, response.text
    return emulator_client


def names(client: Client, body: dict[str, Any]) -> list[str]:
    response = client.post(SEARCH, auth=ADMIN, json=body)
    assert response.status_code == 200, response.text
    return sorted(asset["name"] for asset in response.json()["assets"])


def dc_error(client: Client, body: dict[str, Any], code: str, message: str) -> None:
    response = client.post(SEARCH, auth=ADMIN, json=body)
    assert (response.status_code, response.json()) == (
        400,
        {"success": False, "errorCode": code, "errorMessage": message},
    )


def string(field: str, keyword: str) -> dict[str, Any]:
    return {"queryIndexSearchParams": [{"field": field, "keyword": keyword, "fieldType": "STRING"}]}


# -- sloppy phrases with absent words ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        'asset.name:"printer nosuchword"~2',
        'asset.name:"nosuchword printer"~2',
        '"rep rep"~3',
        '"nosuchword"~3',
        '"printer001 nosuchword nosuchword"~10',
        'asset.name:"nosuchword other"~1 OR asset.name:"printer001"',
    ],
)
def test_a_sloppy_phrase_with_a_word_the_index_does_not_hold_matches_nothing(client: Client, query: str) -> None:
    expected = ["Printer001"] if query.endswith('"printer001"') else []

    assert names(client, {"genericKeyword": query}) == expected


def test_a_sloppy_phrase_of_present_words_still_matches(client: Client) -> None:
    # "Alpha server": the reversed order costs two moves; "Alpha Tomcat Server" needs three.
    assert names(client, {"genericKeyword": 'asset.name:"server alpha"~2'}) == [
        "Alpha server test",
        "Server alpha test",
    ]
    assert names(client, {"genericKeyword": 'asset.name:"server alpha"~3'}) == [
        "Alpha Tomcat Server",
        "Alpha server test",
        "Server alpha test",
    ]


def test_a_sloppy_phrase_repeating_one_word_many_times_answers(client: Client) -> None:
    # Sixty places of one word: trying every assignment of positions would never end.
    assert names(client, {"genericKeyword": '"' + " ".join(["server"] * 60) + '"~1000'}) == []


# -- backtracking shapes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"genericKeyword": "/(a|aa)*c/"}, []),
        ({"genericKeyword": "asset.name:/(a|aa)*/"}, [RUN]),
        ({"genericKeyword": "asset.name:/(a*)*q/"}, []),
        ({"genericKeyword": "asset.name:/((a+)+)+/"}, [RUN]),
        ({"genericKeyword": "asset.name:*a*a*a*a*a*a*a*a*b"}, []),
        (string("asset.name", "*a*a*a*a*a*a*a*a*b"), []),
        (string("asset.name", "*a*a*a*a*a*a*a*a*"), [RUN]),
        (string("asset.name", "a*a*a*a*a*a*a*a*a*a*a*a*c"), []),
        (string("asset.content", "?a*a*a*a*a*a*a*a*?"), [RUN]),
    ],
)
def test_nested_repetition_over_a_long_run_answers_in_linear_time(
    client: Client, body: dict[str, Any], expected: list[str]
) -> None:
    assert names(client, body) == expected


# -- clauses, expansions, time -------------------------------------------------------------------------------------
def test_a_query_of_more_clauses_than_max_clause_count_is_a_400(client: Client) -> None:
    query = " OR ".join(f"word{i}" for i in range(10_000))

    dc_error(
        client,
        {"genericKeyword": query},
        "TooManyClauses",
        "maxClauseCount is set to 1024: the query has more than 1024 clauses; split it into several searches "
        "(AIP_EMULATOR_MAX_CLAUSE_COUNT raises the limit)",
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("10.10.13.22", ["Beta Tomcat Server"]),  # one word with dots: a whole value and a word of the catch-all
        ("at-10167", ["Laptop 1"]),  # two words, one whole value: looked up field by field
        ("printer001", ["Printer001"]),
    ],
)
def test_many_absent_words_beside_one_present_find_it_on_the_catch_all(
    client: Client, word: str, expected: list[str]
) -> None:
    # Absent words skip the look-up in every field (no text holds them); present ones are still found.
    query = " OR ".join([f"nosuch{i}" for i in range(500)] + [word.replace("-", "\\-")])

    assert names(client, {"genericKeyword": query}) == expected


def test_a_query_of_max_clause_count_clauses_is_answered(client: Client) -> None:
    query = " OR ".join(["printer001", *(f"word{i}" for i in range(1023))])

    assert names(client, {"genericKeyword": query}) == ["Printer001"]


def test_too_many_clauses_in_the_cloud_dialect_is_its_400(client: Client) -> None:
    filters = [{"field": "name", "operator": "EQUALS", "value": f"x{i}"} for i in range(1025)]
    response = client.post(
        "/api/v1/assets/search",
        headers={"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"},
        json={"filters": filters, "matchAll": False},
    )

    assert response.status_code == 400, response.text
    assert response.json()["message"] == (
        "maxClauseCount is set to 1024: the query has 1025 clauses; split it into several searches "
        "(AIP_EMULATOR_MAX_CLAUSE_COUNT raises the limit)"
    )


@pytest.fixture
def limited(seeded_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Client]:
    """An emulator with the limits the test's parameter sets."""
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), **request.param)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("limited", [{"max_expansions": 2}], indirect=True)
def test_a_term_expanding_to_more_than_max_expansions_is_a_400_naming_it(limited: Client) -> None:
    dc_error(
        limited,
        {"genericKeyword": "asset.name:*server*"},
        "TooManyClauses",
        "`asset.name:*server*` expands to more than 2 terms; make it narrower, e.g. with a longer prefix "
        "(AIP_EMULATOR_MAX_EXPANSIONS raises the limit)",
    )
    dc_error(
        limited,
        string("asset.name", "printer00?"),
        "TooManyClauses",
        "`asset.name:printer00?` expands to more than 2 terms; make it narrower, e.g. with a longer prefix "
        "(AIP_EMULATOR_MAX_EXPANSIONS raises the limit)",
    )


@pytest.mark.parametrize("limited", [{"max_expansions": 6}], indirect=True)
def test_a_term_expanding_to_max_expansions_is_answered(limited: Client) -> None:
    # Three whole values and the same three words.
    assert names(limited, string("asset.name", "printer00?")) == ["Printer001", "Printer002", "Printer003"]


@pytest.mark.parametrize("limited", [{"search_time_limit_s": 1e-9}], indirect=True)
def test_a_search_past_its_time_limit_is_a_400_naming_the_part_it_was_matching(limited: Client) -> None:
    dc_error(
        limited,
        {"genericKeyword": "Vendor:/d.*/"},
        "TimeExceededException",
        "the search ran longer than its time limit of 1e-09 s while matching `Vendor:/d.*/`; make that part "
        "narrower (AIP_EMULATOR_SEARCH_TIME_LIMIT_S raises the limit)",
    )
