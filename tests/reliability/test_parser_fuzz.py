"""Parser fuzzing: generated `genericKeyword` strings and search params never give a 500: always 200, or a 400
in the DC envelope whose message names the problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.app import create_app
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from emulator.testing_transport import AppLoop, in_process_client
from tests.helpers import ADMIN, SEARCH

pytestmark = pytest.mark.slow  # long property-based runs

FIELDS = ["asset.name", "asset.id", "asset.created", "form.id", "form.name", "scheme.name", "Serial Number", "Cost"]
FIELD_TYPES = ["LIST", "STRING", "DATE", "DATE_TIME", "LONG", "DOUBLE", "ALL_ASSETS_REF", "ASSETS_REF_BY_FORM", "X"]
LUCENE_BITS = [
    "asset.name:",
    '"Serial Number":',
    "AND",
    "OR",
    "NOT",
    "+",
    "-",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    " TO ",
    "*",
    "?",
    '"',
    "\\",
    ":",
    "~",
    "^",
    "/",
    "tom*",
    "2024-01-01",
    "10.10.13.22",
    "#167",
    " ",
]
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)

keywords = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(LUCENE_BITS) | st.text(max_size=5), max_size=12).map("".join),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["2024-01-01", "2024-01-01T10:00", "99999-01-01", "-2w", "1d", "3y", "0000-00-00", ""]),
)
params = st.fixed_dictionaries(
    {"field": st.sampled_from(FIELDS) | st.text(max_size=10), "fieldType": st.sampled_from(FIELD_TYPES)},
    optional={
        "keyword": scalars,
        "keywords": st.lists(scalars, max_size=3) | scalars,
        "minNum": scalars,
        "maxNum": scalars,
        "minDate": scalars,
        "maxDate": scalars,
        "minRelativeDate": scalars,
        "maxRelativeDate": scalars,
        "relativeDate": scalars,
        "range": scalars,
    },
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "genericKeyword": keywords | st.none(),
        "queryIndexSearchParams": st.lists(params, max_size=3),
        "mandatoryQueryIndexSearchParams": st.lists(params, max_size=2),
        "orForQueryIndexSearchParams": scalars,
        "pageNumber": scalars,
        "pageSize": scalars,
        "sortDirection": st.sampled_from(["asc", "desc", "ASC", "up"]) | scalars,
        "sortField": st.sampled_from(FIELDS) | scalars,
        "sortType": st.sampled_from(FIELD_TYPES) | scalars,
    },
)


@pytest.fixture(scope="module")
def client(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory, app_loop: AppLoop
) -> Iterator[httpx.Client]:
    emulator = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path_factory.mktemp("parser-fuzz"))))
    emulator.start()
    app = create_app(emulator.settings, emulator)
    with in_process_client(app, app_loop) as in_process:
        yield in_process
    app.state.namespaces.close()
    emulator.close()


def check(client: httpx.Client, body: dict[str, Any]) -> None:
    response = client.post(SEARCH, json=body, auth=ADMIN)
    assert response.status_code in (200, 400), (body, response.status_code, response.text)
    if response.status_code == 400:
        answer = response.json()
        assert answer["success"] is False, answer
        assert answer["errorCode"] == "ValidationException", answer
        assert isinstance(answer["errorMessage"], str), answer
        assert len(answer["errorMessage"]) > 10, answer  # a sentence, not a bare code
        assert "internal error" not in answer["errorMessage"], answer


@FUZZ
@given(keyword=keywords)
def test_generic_keyword_is_200_or_a_named_400(client: httpx.Client, keyword: str) -> None:
    check(client, {"genericKeyword": keyword, "pageSize": 5})


@FUZZ
@given(body=bodies)
def test_search_bodies_are_200_or_a_named_400(client: httpx.Client, body: dict[str, Any]) -> None:
    check(client, body)


@pytest.mark.parametrize(
    ("keyword", "named"),
    [
        ("asset.name:(tom", "at the end"),
        ("a AND AND b", "position"),
        ("[1 TO", "at the end"),
    ],
)
def test_syntax_errors_name_the_position(client: httpx.Client, keyword: str, named: str) -> None:
    response = client.post(SEARCH, json={"genericKeyword": keyword}, auth=ADMIN)
    assert response.status_code == 400, response.text
    assert named in response.json()["errorMessage"]
