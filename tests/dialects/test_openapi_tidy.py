"""The OpenAPI document as tools read it (issue 30): valid by a standard validator, `servers` naming this server,
readable names, closed sets as enums, and examples that are true: each one valid against its own schema, and each
recorded answer what a fresh server answers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from emulator.dialects.http.openapi_tidy import ANSWER_FILES, answer
from emulator.testing import Client
from tests.dialects import answers
from tests.dialects.cloud.helpers import FROZEN, bearer
from tests.helpers import SEARCH


@pytest.fixture(scope="module")
def doc(shared_client: Client) -> dict[str, Any]:
    found: dict[str, Any] = shared_client.get("/openapi.json").json()
    return found


def test_a_standard_validator_accepts_the_document(doc: dict[str, Any]) -> None:
    from openapi_spec_validator import validate  # noqa: PLC0415  (0.4 s of imports: not in every worker's collection)

    validate(doc)


def test_servers_name_the_base_the_document_was_asked_at(shared_client: Client) -> None:
    served = shared_client.get("/openapi.json", headers={"Host": "emulator.test:8123"}).json()

    assert served["servers"] == [{"url": "http://emulator.test:8123", "description": "this emulator"}]


def _errors(schema: dict[str, Any], doc: dict[str, Any], example: Any) -> list[Any]:
    """What a standard OpenAPI 3.1 schema validator finds wrong with `example` against `schema` of `doc`."""
    from openapi_schema_validator import OAS31Validator  # noqa: PLC0415  (imported by the tests that use it)

    return list(OAS31Validator({**schema, "components": doc["components"]}).iter_errors(example))


def _examples(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every example the document declares: (where, its schema, the example)."""
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                if "example" in p:
                    yield f"{method} {path} {p['name']}", p["schema"], p["example"]
            for mime, body in op.get("requestBody", {}).get("content", {}).items():
                for name, example in body.get("examples", {}).items():
                    yield f"{method} {path} {mime} {name}", body["schema"], example["value"]
            for status, response in op["responses"].items():
                for mime, body in response.get("content", {}).items():
                    if "example" in body:
                        yield f"{method} {path} {status} {mime}", body["schema"], body["example"]


def test_every_parameter_has_an_example(doc: dict[str, Any]) -> None:
    bare = [
        f"{method} {path} {p['name']}"
        for path, operations in doc["paths"].items()
        for method, op in operations.items()
        for p in op.get("parameters", [])
        if "example" not in p
    ]

    assert bare == []


def test_every_example_is_valid_against_its_own_schema(doc: dict[str, Any]) -> None:
    found = list(_examples(doc))
    wrong = [f"{where}: {error.message}" for where, schema, example in found for error in _errors(schema, doc, example)]

    assert wrong == []
    assert len([where for where in found if " 200 " in where[0] or " 201 " in where[0]]) == len(ANSWER_FILES)


def test_an_example_that_breaks_its_schema_is_caught(doc: dict[str, Any]) -> None:
    schema = doc["paths"][SEARCH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    wrong = {"sortDirection": "sideways", "queryIndexSearchParams": [{"fieldType": "TEXT"}]}

    errors = _errors(schema, doc, wrong)

    assert len(errors) == 2


@pytest.mark.parametrize("name", sorted(answers.REQUESTS))
def test_each_recorded_answer_is_what_a_fresh_server_answers(
    emulator_app: FastAPI, emulator_client: Client, name: str
) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)  # `respTime` is the emulator clock's
    token = bearer(emulator_app, "READ")["Authorization"].split(" ", 1)[1]
    if os.environ.get("AIP_EMULATOR_RECORD_ANSWERS"):
        answers.record(emulator_client, token)

    assert answers.send(emulator_client, name, token) == answer(name)


def test_component_names_are_readable(doc: dict[str, Any]) -> None:
    names = set(doc["components"]["schemas"])

    assert [n for n in names if "__" in n] == []
    assert {"DcAsset", "CloudAsset"} <= names
    assert "emulator__" not in str(doc)


def _property(doc: dict[str, Any], schema: str, name: str) -> Any:
    return doc["components"]["schemas"][schema]["properties"][name]


def _enum(found: dict[str, Any]) -> list[str]:
    return next(branch["enum"] for branch in found.get("anyOf", [found]) if "enum" in branch)


def test_closed_sets_are_enums(doc: dict[str, Any]) -> None:
    field_types = ["LIST", "STRING", "DATE", "DATE_TIME", "LONG", "DOUBLE", "ALL_ASSETS_REF", "ASSETS_REF_BY_FORM"]
    operators = ["EQUALS", "NOT_EQUALS", "CONTAINS", "IN", "GT", "GTE", "LT", "LTE", "IS_EMPTY", "IS_NOT_EMPTY"]

    assert _enum(_property(doc, "SearchParam", "fieldType")) == field_types
    assert _enum(_property(doc, "SearchRequest", "sortType")) == field_types
    assert _enum(_property(doc, "SearchRequest", "sortDirection")) == ["asc", "desc"]
    assert _enum(_property(doc, "Filter", "operator")) == operators
    assert _enum(_property(doc, "SortParam", "order")) == ["ASC", "DESC"]
    assert "MULTI_USER" in _enum(_property(doc, "AttributeWrite", "type"))
    assert _enum(_property(doc, "AttributeUpdate", "type")) == _enum(_property(doc, "AttributeWrite", "type"))
    assert _enum(_property(doc, "NewToken", "access")) == ["READ", "WRITE", "ADMIN"]


def test_cloud_asset_names_are_typed(doc: dict[str, Any]) -> None:
    assert _property(doc, "AssetCreate", "name")["type"] == "string"
    assert _property(doc, "AssetUpdate", "name")["type"] == "string"


def test_the_export_is_declared_as_the_zip_it_serves(doc: dict[str, Any], shared_client: Client) -> None:
    declared = doc["paths"]["/_emulator/export"]["get"]["responses"]["200"]["content"]

    assert list(declared) == ["application/zip"]
    assert shared_client.get("/_emulator/export").headers["content-type"] == "application/zip"
