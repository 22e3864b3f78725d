"""Bad input on the DC API: a 400 in the vendor envelope that names the problem, never a 500 (dc-api.md §1, §2)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH


def _error(message: str, code: str = "ValidationException") -> dict[str, Any]:
    return {"success": False, "errorCode": code, "errorMessage": message}


def _post(client: Client, body: Any) -> tuple[int, Any]:
    response = client.post(SEARCH, json=body, auth=ADMIN)
    return response.status_code, response.json()


def test_malformed_json_is_400_naming_the_position(shared_client: Client) -> None:
    response = shared_client.post(
        SEARCH, content=b'{"pageSize": 15,,}', headers={"Content-Type": "application/json"}, auth=ADMIN
    )

    assert response.status_code == 400
    assert response.json() == _error(
        "Malformed JSON in the request body at position 16: Expecting property name enclosed in double quotes"
    )


def test_a_body_that_is_not_an_object_is_400(shared_client: Client) -> None:
    assert _post(shared_client, [1, 2]) == (
        400,
        _error("request body: Input should be a valid dictionary or object to extract fields from"),
    )


def test_unknown_field_type_is_400_naming_param_and_value(shared_client: Client) -> None:
    status, body = _post(shared_client, {"queryIndexSearchParams": [{"field": "asset.id", "fieldType": "NUMBER"}]})

    assert status == 400
    assert body == _error(
        "queryIndexSearchParams[0].fieldType: unknown field type 'NUMBER'; use one of LIST, STRING, DATE, "
        "DATE_TIME, LONG, DOUBLE, ALL_ASSETS_REF, ASSETS_REF_BY_FORM"
    )


def test_non_numeric_bound_is_400_naming_the_key_and_value(shared_client: Client) -> None:
    params = [{"field": "asset.id", "fieldType": "LONG", "range": True, "minNum": 1, "maxNum": "lots"}]

    assert _post(shared_client, {"queryIndexSearchParams": params}) == (
        400,
        _error(
            "queryIndexSearchParams[0].maxNum: Input should be a valid number, unable to parse string as a number"
            " (got 'lots')"
        ),
    )


@pytest.mark.parametrize("bad", ["2019-13-45", "29/05/2019", "yesterday", "2019-05-29T25:00"])
def test_malformed_date_is_400_naming_the_value(shared_client: Client, bad: str) -> None:
    params = [{"field": "asset.created", "fieldType": "DATE_TIME", "range": True, "minDate": bad}]

    assert _post(shared_client, {"queryIndexSearchParams": params}) == (
        400,
        _error(
            f"queryIndexSearchParams[0].minDate/maxDate: '{bad}' is not a valid date;"
            " use yyyy-MM-dd or yyyy-MM-ddTHH:mm"
        ),
    )


def test_malformed_relative_date_is_400(shared_client: Client) -> None:
    params = [{"field": "asset.created", "fieldType": "DATE_TIME", "relativeDate": True, "minRelativeDate": "-2x"}]

    assert _post(shared_client, {"queryIndexSearchParams": params}) == (
        400,
        _error(
            "queryIndexSearchParams[0].minRelativeDate/maxRelativeDate: '-2x' is not a relative date;"
            " use a signed number and d, w, m or y"
        ),
    )


def test_lucene_syntax_error_is_400_that_says_where(shared_client: Client) -> None:
    status, body = _post(shared_client, {"genericKeyword": "asset.name:(tom* AND"})

    assert status == 400
    assert body["errorCode"] == "ValidationException"
    assert body["errorMessage"].startswith("genericKeyword: cannot parse 'asset.name:(tom* AND': ")
    assert body["errorMessage"].endswith("unexpected end of query at the end")


def test_lucene_range_with_text_bound_on_a_number_field_is_400(shared_client: Client) -> None:
    assert _post(shared_client, {"genericKeyword": "asset.id:[one TO 5]"}) == (
        400,
        _error("genericKeyword asset.id: 'one' is not a number"),
    )


def test_param_without_field_is_400(shared_client: Client) -> None:
    assert _post(shared_client, {"queryIndexSearchParams": [{"keyword": "x", "fieldType": "STRING"}]}) == (
        400,
        _error("queryIndexSearchParams[0].field: a field name is required"),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pageSize": 0}, "pageSize: 0 is not allowed; use 1 to 1000"),
        ({"pageSize": 1001}, "pageSize: 1001 is not allowed; use 1 to 1000"),
        ({"pageNumber": 0}, "pageNumber: 0 is not allowed; pages count from 1"),
        ({"pageNumber": -3}, "pageNumber: -3 is not allowed; pages count from 1"),
        ({"sortDirection": "up"}, "sortDirection: 'up' is not asc or desc"),
        ({"sortField": "asset.name", "sortType": "TEXT"}, "sortType: unknown field type 'TEXT'; use one of LIST, "
         "STRING, DATE, DATE_TIME, LONG, DOUBLE, ALL_ASSETS_REF, ASSETS_REF_BY_FORM"),
        ({"pageSize": "many"}, "pageSize: Input should be a valid integer, unable to parse string as an integer"
         " (got 'many')"),
        ({"queryIndexSearchParams": {"field": "x"}}, "queryIndexSearchParams: Input should be a valid list"),
    ],
)  # fmt: skip
def test_bad_paging_sorting_and_shapes_are_400(shared_client: Client, body: dict[str, Any], message: str) -> None:
    assert _post(shared_client, body) == (400, _error(message))


def test_unknown_route_is_404_in_the_envelope(shared_client: Client) -> None:
    response = shared_client.get("/rest/jip-api/1.0/nothing/here.json", auth=ADMIN)

    assert response.status_code == 404
    assert response.json() == _error("No resource at /rest/jip-api/1.0/nothing/here.json", "EntityNotFoundException")


def test_wrong_method_is_405_in_the_envelope(shared_client: Client) -> None:
    response = shared_client.get(SEARCH, auth=ADMIN)

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json() == _error(f"Method GET is not allowed on {SEARCH}", "MethodNotAllowedException")
