"""Near-miss hints: an unknown field, sort field or option answers as the vendor does (200, nothing found) and
says why in `X-AIP-Emulator-Warning`; strict mode makes the same text a 400 in the dialect's error shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

WARNING = "X-AIP-Emulator-Warning"
CLOUD_SEARCH = "/api/v1/assets/search"
BEARER = {"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}


def _param(field: str, **criteria: Any) -> dict[str, Any]:
    return {"queryIndexSearchParams": [{"field": field, **criteria}]}


DC_NEAR_MISSES = [
    pytest.param(_param("Serial Numbr", keyword="1254*", fieldType="STRING"),
                 ["unknown field 'Serial Numbr' (did you mean 'Serial Number'?)"], id="a_misspelt_attribute"),
    pytest.param(_param("serial number", keyword="1254*", fieldType="STRING"),
                 ["unknown field 'serial number' (did you mean 'Serial Number'?)"], id="a_wrong_case"),
    pytest.param({"genericKeyword": "asset.nmae:tom*"},
                 ["unknown field 'asset.nmae' (did you mean 'asset.name'?)"], id="a_field_in_generic_keyword"),
    pytest.param({"sortField": "asset.nme"},
                 ["unknown sort field 'asset.nme' (did you mean 'asset.name'?)"], id="a_sort_field"),
    pytest.param(_param("Vendor", keywords=["Lenvo"], fieldType="LIST"),
                 ["unknown option 'Lenvo' of 'Vendor' (did you mean 'Lenovo'?)"], id="an_attribute_option"),
    pytest.param(_param("form.name", keywords=["Printer"], fieldType="LIST"),
                 ["unknown option 'Printer' of 'form.name' (did you mean 'Printers'?)"], id="a_form_name"),
    pytest.param(_param("Colour", keyword="red", fieldType="STRING"), ["unknown field 'Colour'"], id="nothing_close"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "warnings"), DC_NEAR_MISSES)
def test_a_dc_near_miss_answers_as_the_vendor_and_says_why(
    shared_client: Client, body: dict[str, Any], warnings: list[str]
) -> None:
    response = shared_client.post(SEARCH, json=body, auth=ADMIN)

    assert response.status_code == 200
    assert response.headers.get_list(WARNING) == warnings
    if "sortField" not in body:
        assert response.json()["assets"] == []


@pytest.mark.parametrize(
    "body",
    [
        _param("Serial Number", keyword="1254*", fieldType="STRING"),
        _param("Vendor", keywords=["lenovo", "HP"], fieldType="LIST"),
        _param("form.name", keywords=["Serv*"], fieldType="LIST"),
        {"genericKeyword": "*:* -asset.name:tom*", "sortField": "RAM (GB)"},
    ],
)
def test_a_search_on_known_names_has_no_warning(shared_client: Client, body: dict[str, Any]) -> None:
    response = shared_client.post(SEARCH, json=body, auth=ADMIN)

    assert response.status_code == 200
    assert WARNING.lower() not in response.headers


def test_a_cloud_near_miss_answers_200_and_says_why(shared_client: Client) -> None:
    body = {"filters": [{"field": "Status", "operator": "EQUALS", "value": "In Uze"},
                        {"field": "Assigned Laptop", "operator": "EQUALS", "value": "LAP-999"}]}  # fmt: skip

    response = shared_client.post(CLOUD_SEARCH, json=body, headers=BEARER)

    assert (response.status_code, response.json()["total"]) == (200, 0)
    assert response.headers.get_list(WARNING) == [
        "unknown option 'In Uze' of 'Status' (did you mean 'In use'?)",
        "unknown asset 'LAP-999'",
    ]


@pytest.fixture
def strict(emulator_app: FastAPI, emulator_client: Client) -> Client:
    answer = emulator_client.post("/_emulator/strict", json={"strict": True})
    assert answer.json() == {"strict": True}
    return emulator_client


def test_strict_mode_makes_a_dc_near_miss_a_400_with_the_same_text(strict: Client) -> None:
    response = strict.post(SEARCH, json=_param("Serial Numbr", keyword="1254*", fieldType="STRING"), auth=ADMIN)

    assert (response.status_code, response.json()) == (400, {
        "success": False, "errorCode": "ValidationException",
        "errorMessage": "unknown field 'Serial Numbr' (did you mean 'Serial Number'?) (strict mode is on)",
    })  # fmt: skip


def test_strict_mode_makes_a_cloud_near_miss_a_400_naming_the_filter(strict: Client) -> None:
    body = {"filters": [{"field": "Status", "operator": "EQUALS", "value": "In Uze"}]}

    response = strict.post(CLOUD_SEARCH, json=body, headers=BEARER)

    message = "unknown option 'In Uze' of 'Status' (did you mean 'In use'?) (strict mode is on)"
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "filters[0].value", "message": message}]


def test_strict_mode_is_switched_off_again_and_starts_from_the_setting(strict: Client) -> None:
    assert strict.get("/_emulator/strict").json() == {"strict": True}
    assert strict.post("/_emulator/strict", json={"strict": False}).json() == {"strict": False}

    response = strict.post(SEARCH, json=_param("Serial Numbr", keyword="1"), auth=ADMIN)

    assert response.status_code == 200
    assert strict.post("/_emulator/strict", json={"strict": "maybe"}).status_code == 400


def test_the_journal_entry_carries_the_same_warnings(emulator_client: Client) -> None:
    emulator_client.post(SEARCH, json=_param("Serial Numbr", keyword="1254*", fieldType="STRING"), auth=ADMIN)

    [entry] = emulator_client.get("/_emulator/requests").json()["requests"]

    assert entry["warnings"] == ["unknown field 'Serial Numbr' (did you mean 'Serial Number'?)"]
