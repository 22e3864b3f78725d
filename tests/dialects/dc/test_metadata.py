"""Metadata endpoints (dc-api.md §3): whole bodies pinned against the default fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN

DC = "/rest/jip-api/1.0"
VENDOR = {
    "attributeName": "Vendor",
    "id": 61,
    "values": [
        {"id": 101, "sortOrder": 1, "attributeValue": "HP"},
        {"id": 102, "sortOrder": 2, "attributeValue": "Dell"},
        {"id": 103, "sortOrder": 3, "attributeValue": "Lenovo"},
        {"id": 104, "sortOrder": 4, "attributeValue": "Apple"},
        {"id": 105, "sortOrder": 5, "attributeValue": "Canon"},
        {"id": 106, "sortOrder": 6, "attributeValue": "Brother"},
    ],
}
SERVERS = {
    "id": 2,
    "formName": "Servers",
    "attributes": [
        {"id": 6, "attribute": {"attributeName": "Server Name", "attributeType": "Text", "id": 5}, "sortOrder": 1},
        {"id": 8, "attribute": {"attributeName": "Serial Number", "attributeType": "Text", "id": 7}, "sortOrder": 2},
        {"id": 7, "attribute": {"attributeName": "IP", "attributeType": "Text", "id": 6}, "sortOrder": 3},
    ],
}


def _get(client: Client, path: str) -> Any:
    response = client.get(DC + path, auth=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("suffix", [".json", ""])
def test_attribute_list_is_a_bare_array_sorted_by_name(shared_client: Client, suffix: str) -> None:
    attributes = _get(shared_client, f"/attribute/list{suffix}")

    names = [a["attributeName"] for a in attributes]
    assert names == sorted(names, key=str.lower)
    assert len(attributes) == 29
    assert VENDOR in attributes
    assert {"attributeName": "Server Name", "id": 5} in attributes  # no "values" key for a text attribute


def test_one_attribute_with_its_options(shared_client: Client) -> None:
    assert _get(shared_client, "/attribute/61.json") == VENDOR


def test_unknown_attribute_is_404(shared_client: Client) -> None:
    response = shared_client.get(f"{DC}/attribute/9999.json", auth=ADMIN)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "errorCode": "EntityNotFoundException",
        "errorMessage": "Attribute 9999 does not exist",
    }


@pytest.mark.parametrize("suffix", [".json", ""])
def test_form_list_shows_forms_with_their_placed_attributes(shared_client: Client, suffix: str) -> None:
    forms = _get(shared_client, f"/form/list{suffix}")

    assert [f["id"] for f in forms] == [2, 6, 7, 8, 9, 10, 11]
    assert forms[0] == SERVERS


def test_one_form(shared_client: Client) -> None:
    assert _get(shared_client, "/form/2.json") == SERVERS


def test_object_schemas_in_the_envelope(shared_client: Client) -> None:
    answer = _get(shared_client, "/schema/objectSchemas.json")

    assert [answer["success"], answer["errorCode"], answer["errorMessage"]] == [True, None, None]
    assert answer["data"][0] == {
        "id": 1,
        "schemaName": "Default Asset Scheme",
        "key": "DAS",
        "description": "Created when the plugin was installed",
        "created": 1556640300000,
        "createdBy": "system",
        "updated": 1676367900000,
        "updatedBy": "admin",
        "forms": [
            {"id": 2, "formName": "Servers", "sortOrder": 1, "objectSchemaId": 1,
             "objectSchemaName": "Default Asset Scheme", "cloneFromId": None},
            {"id": 6, "formName": "Printers", "sortOrder": 2, "objectSchemaId": 1,
             "objectSchemaName": "Default Asset Scheme", "cloneFromId": None},
            {"id": 8, "formName": "Supplier", "sortOrder": 3, "objectSchemaId": 1,
             "objectSchemaName": "Default Asset Scheme", "cloneFromId": None},
            {"id": 10, "formName": "License", "sortOrder": 4, "objectSchemaId": 1,
             "objectSchemaName": "Default Asset Scheme", "cloneFromId": None},
        ],
    }  # fmt: skip
    assert [s["id"] for s in answer["data"]] == [1, 2, 3]


def _user(key: str, username: str, name: str, email: str) -> dict[str, Any]:
    return {
        "key": key,
        "username": username,
        "name": username,
        "directoryId": 1,
        "emailAddress": email,
        "displayName": name,
        "avatarUrl": f"{{base}}/secure/useravatar?size=xsmall&ownerId={username}",
        "active": True,
    }


def _location_two(base: str) -> dict[str, Any]:
    admin = _user("JIRAUSER10000", "admin", "Administrator", "admin@example.com")
    agent = _user("JIRAUSER10101", "agent", "Helen Park", "helen.park@example.com")
    for user in (admin, agent):
        user["avatarUrl"] = user["avatarUrl"].format(base=base)
    return {
        "id": 2,
        "createdAt": 1673253300000,
        "createdByUserKey": "JIRAUSER10000",
        "updatedAt": 1715012400000,
        "updatedByUserKey": "JIRAUSER10101",
        "locationName": "NYC Office",
        "street": "350 Fifth Avenue",
        "city": "New York",
        "province": "NY",
        "postalCode": "10118",
        "country": "United States",
        "contactUserKey": "JIRAUSER10101",
        "contactUser": agent,
        "phone": "+1 212 555 0147",
        "email": "nyc@example.com",
        "url": None,
        "description": None,
        "active": True,
        "external": False,
        "createdByUser": admin,
        "updatedByUser": agent,
    }


def test_one_location_in_the_envelope_with_embedded_users(shared_client: Client) -> None:
    base = str(shared_client.base_url).rstrip("/")

    assert _get(shared_client, "/location/2.json") == {
        "success": True,
        "errorCode": None,
        "errorMessage": None,
        "data": _location_two(base),
    }


def test_location_list_is_keyed_by_id_as_string_with_null_paging(shared_client: Client) -> None:
    base = str(shared_client.base_url).rstrip("/")

    answer = _get(shared_client, "/location.json")

    assert list(answer) == ["success", "errorCode", "errorMessage", "data", "pagingInfo"]
    assert answer["pagingInfo"] is None
    assert list(answer["data"]) == ["1", "2", "3", "4"]
    assert answer["data"]["2"] == _location_two(base)


def test_unknown_location_is_404_entity_not_found(shared_client: Client) -> None:
    response = shared_client.get(f"{DC}/location/77", auth=ADMIN)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "errorCode": "EntityNotFoundException",
        "errorMessage": "Location 77 does not exist",
    }
