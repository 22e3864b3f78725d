"""Cloud attribute definitions and global attributes (cloud-api.md §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.dialects.cloud.helpers import BASE, FROZEN, bearer, call, keys, value


@pytest.fixture
def admin(emulator_app: FastAPI) -> dict[str, str]:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    return bearer(emulator_app, "ADMIN")


def _search(client: Client, headers: dict[str, str], *filters: dict[str, Any]) -> list[str]:
    return keys(call(client, "POST", "/assets/search", headers, json={"filters": list(filters)}))


def test_attribute_definitions_are_listed_by_id_and_paged(emulator_client: Client, admin: dict[str, str]) -> None:
    page = call(emulator_client, "GET", "/attributes?maxResult=3", admin)

    assert page == {
        "startAt": 1, "maxResult": 3, "total": 29,
        "values": [
            {"id": 5, "name": "Server Name", "type": "TEXT", "required": False, "multiple": False, "options": None,
             "referenceCollectionIds": None, "global": False},
            {"id": 6, "name": "IP", "type": "TEXT", "required": False, "multiple": False, "options": None,
             "referenceCollectionIds": None, "global": False},
            {"id": 7, "name": "Serial Number", "type": "TEXT", "required": False, "multiple": False, "options": None,
             "referenceCollectionIds": None, "global": False},
        ],
    }  # fmt: skip


def test_every_dc_type_shows_as_its_cloud_type(emulator_client: Client, admin: dict[str, str]) -> None:
    page = call(emulator_client, "GET", "/attributes?maxResult=100", admin)

    assert {a["name"]: a["type"] for a in page["values"]} == {
        "Server Name": "TEXT", "IP": "TEXT", "Serial Number": "TEXT", "Model": "TEXT", "Vendor": "DROPDOWN",
        "Operating Systems": "MULTI_SELECT", "Features": "CHECKBOX", "Environment": "RADIO", "Department": "DROPDOWN",
        "External System Id": "TEXT", "IP Address": "IP", "IPv6 Address": "IPV6", "Vendor URL": "URL",
        "Notes": "TEXT_AREA", "Warranty Expiry": "DATE", "Renewal Date": "DATE", "Last Audit": "DATETIME",
        "Used By": "USER", "Jira User": "USER", "Installed On": "ASSET_REFERENCE",
        "Assigned Laptop": "ASSET_REFERENCE_BY_COLLECTION", "Supplier": "ASSET_REFERENCE_BY_COLLECTION",
        "RAM (GB)": "NUMBER", "Seats": "NUMBER", "Purchase Price": "DECIMAL", "Email Address": "TEXT",
        "License Key": "TEXT", "Phone": "TEXT", "Start Date": "DATE",
    }  # fmt: skip


def test_an_attribute_is_read_by_id(emulator_client: Client, admin: dict[str, str]) -> None:
    assert call(emulator_client, "GET", "/attributes/64", admin) == {
        "id": 64, "name": "Environment", "type": "RADIO", "required": False, "multiple": False,
        "options": ["Production", "Staging", "Development"], "referenceCollectionIds": None, "global": False,
    }  # fmt: skip
    call(emulator_client, "GET", "/attributes/12345", admin, expect=404)


def test_the_global_attributes_have_fixed_ids_above_every_attribute(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    page = call(emulator_client, "GET", "/global-attributes", admin)

    assert {k: v for k, v in page.items() if k != "values"} == {"startAt": 1, "maxResult": 50, "total": 15}
    assert [(a["id"], a["name"], a["type"]) for a in page["values"]] == [
        (9000001, "Status", "DROPDOWN"), (9000002, "Substatus", "DROPDOWN"), (9000003, "Assignee", "USER"),
        (9000004, "Reserved for", "USER"), (9000005, "Owner", "USER"), (9000006, "Managed by", "USER"),
        (9000007, "Quantity", "NUMBER"), (9000008, "Asset tag", "TEXT"), (9000009, "Serial Number", "TEXT"),
        (9000010, "Invoice Number", "TEXT"), (9000011, "Location", "DROPDOWN"),
        (9000012, "Belongs to group", "MULTI_SELECT"), (9000013, "Install Date", "DATE"), (9000014, "Cost", "DECIMAL"),
        (9000015, "Currency", "DROPDOWN"),
    ]  # fmt: skip
    assert call(emulator_client, "GET", "/attributes/9000001", admin) == {
        "id": 9000001, "name": "Status", "type": "DROPDOWN", "required": False, "multiple": False,
        "options": ["In stock", "In use", "In repair", "Retired"], "referenceCollectionIds": None, "global": True,
    }  # fmt: skip


def test_a_created_attribute_is_placed_on_collections_and_written_and_searched(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    body = {"name": "Colour", "type": "DROPDOWN", "options": ["Black", "Silver"], "collectionIds": [9]}

    created = call(emulator_client, "POST", "/attributes", admin, json=body, expect=201)
    laptop = call(emulator_client, "PUT", "/assets/LAP-1", admin, json={"attributes": {"Colour": "silver"}})

    assert created == {"id": 105, "name": "Colour", "type": "DROPDOWN", "required": False, "multiple": False,
                       "options": ["Black", "Silver"], "referenceCollectionIds": None, "global": False}  # fmt: skip
    assert call(emulator_client, "GET", "/collections/9", admin)["attributes"][-1] == created
    assert value(laptop, "Colour") == "Silver"
    assert _search(emulator_client, admin, {"field": "Colour", "operator": "EQUALS", "value": "Silver"}) == ["LAP-1"]


def test_a_reference_attribute_names_one_collection(emulator_client: Client, admin: dict[str, str]) -> None:
    body = {"name": "Backup Of", "type": "ASSET_REFERENCE_BY_COLLECTION", "referenceCollectionIds": [11]}

    created = call(emulator_client, "POST", "/attributes", admin, json=body, expect=201)

    assert (created["multiple"], created["referenceCollectionIds"]) == (True, [11])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "TEXT"}, "name"),
        ({"name": "Colour", "type": "COLOUR"}, "type"),
        ({"name": "Colour", "type": "TEXT", "options": ["Black"]}, "options"),
        ({"name": "Colour", "type": "DROPDOWN"}, "options"),
        ({"name": "Colour", "type": "DROPDOWN", "options": ["Black", "black"]}, "options"),
        ({"name": "Backup Of", "type": "ASSET_REFERENCE_BY_COLLECTION"}, "referenceCollectionIds"),
        ({"name": "Colour", "type": "TEXT", "collectionIds": [99]}, "collectionIds[0]"),
        ({"name": "Colour", "type": "TEXT", "collectionIds": [9, 9]}, "collectionIds[1]"),  # was a 500
        ({"name": "Colour", "type": "TEXT", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_attribute_is_a_400_naming_the_field(
    emulator_client: Client, admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    answer = call(emulator_client, "POST", "/attributes", admin, json=body, expect=400)

    assert [e["field"] for e in answer["errors"]] == [field]


def test_a_duplicate_attribute_name_is_a_409(emulator_client: Client, admin: dict[str, str]) -> None:
    body = call(emulator_client, "POST", "/attributes", admin, json={"name": "vendor", "type": "TEXT"}, expect=409)

    assert body == {"timestamp": FROZEN, "status": 409, "error": "Conflict",
                    "message": "An attribute named 'vendor' already exists", "path": f"{BASE}/attributes"}  # fmt: skip


def test_renaming_an_attribute_to_a_name_another_has_is_a_409_and_changes_nothing(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    before = call(emulator_client, "GET", "/attributes/64", admin)

    body = call(emulator_client, "PUT", "/attributes/64", admin, json={"name": "VENDOR"}, expect=409)  # was a 500

    assert body == {"timestamp": FROZEN, "status": 409, "error": "Conflict",
                    "message": "An attribute named 'VENDOR' already exists",
                    "path": f"{BASE}/attributes/64"}  # fmt: skip
    assert call(emulator_client, "GET", "/attributes/64", admin) == before


def test_an_attribute_is_renamed_and_its_unused_options_replaced(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    body = {"name": "Stage", "options": ["Production", "Staging", "Development", "Test"]}

    updated = call(emulator_client, "PUT", "/attributes/64", admin, json=body)

    assert (updated["name"], updated["options"]) == ("Stage", ["Production", "Staging", "Development", "Test"])
    assert value(call(emulator_client, "GET", "/assets/SRV-1", admin), "Stage") == "Production"


def test_removing_an_option_still_in_use_is_a_409(emulator_client: Client, admin: dict[str, str]) -> None:
    body = call(emulator_client, "PUT", "/attributes/64", admin, json={"options": ["Production"]}, expect=409)

    assert body["message"] == "options: option 'Staging' is still used by assets"
    assert call(emulator_client, "GET", "/attributes/64", admin)["options"] == ["Production", "Staging", "Development"]


def test_the_type_and_the_global_attributes_cannot_change(emulator_client: Client, admin: dict[str, str]) -> None:
    retyped = call(emulator_client, "PUT", "/attributes/64", admin, json={"type": "TEXT"}, expect=400)
    global_ = call(emulator_client, "PUT", "/attributes/9000001", admin, json={"name": "State"}, expect=400)

    assert retyped["errors"] == [{"field": "type", "message": "type: the type of an attribute cannot change"}]
    assert [e["field"] for e in global_["errors"]] == ["id"]


def test_a_deleted_attribute_takes_its_values_out_of_the_database_and_the_index(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    assert _search(emulator_client, admin, {"field": "RAM (GB)", "operator": "GT", "value": 16}) != []

    response = emulator_client.delete(f"{BASE}/attributes/98", headers=admin)
    dc = emulator_client.post("/rest/jip-api/1.0/index/query.json", auth=("admin", "admin"),
                              json={"genericKeyword": "laptop", "pageSize": 100})  # fmt: skip

    assert (response.status_code, response.content) == (204, b"")
    assert [a["name"] for a in call(emulator_client, "GET", "/assets/LAP-1", admin)["attributes"]] == [
        "Model", "Vendor", "Operating Systems", "Features", "Purchase Price", "Warranty Expiry", "Used By",
    ]  # fmt: skip
    call(emulator_client, "GET", "/attributes/98", admin, expect=404)
    assert all(i["attributeName"] != "RAM (GB)" for a in dc.json()["assets"] for i in a["inventoryItems"])
    body = call(emulator_client, "POST", "/assets/search", admin,
                json={"filters": [{"field": "RAM (GB)", "operator": "GT", "value": 16}]}, expect=400)  # fmt: skip
    assert body["errors"][0]["field"] == "filters[0].field"


def test_a_write_token_may_not_manage_attributes(emulator_app: FastAPI, emulator_client: Client) -> None:
    write = bearer(emulator_app, "WRITE")

    call(emulator_client, "POST", "/attributes", write, json={"name": "Colour", "type": "TEXT"}, expect=403)
    call(emulator_client, "DELETE", "/attributes/98", write, expect=403)


ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
JDOE_ACCOUNT = "557058:00000000-0000-4000-8000-000000010100"


def _cloud_only_attributes(client: Client, admin: dict[str, str]) -> tuple[int, int]:
    email = {"name": "Contact Email", "type": "EMAIL", "collectionIds": [9]}
    users = {"name": "Shared With", "type": "MULTI_USER", "collectionIds": [9]}
    made = [call(client, "POST", "/attributes", admin, json=body, expect=201) for body in (email, users)]
    assert [(a["type"], a["multiple"]) for a in made] == [("EMAIL", False), ("MULTI_USER", True)]
    return made[0]["id"], made[1]["id"]


def test_email_and_multi_user_attributes_are_created_written_and_found(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    email_id, users_id = _cloud_only_attributes(emulator_client, admin)
    body = {"collectionId": 9, "name": "Laptop 77",
            "attributes": {"Contact Email": "ops@example.com", "Shared With": [JDOE_ACCOUNT, "admin"]}}  # fmt: skip

    asset = call(emulator_client, "POST", "/assets", admin, json=body, expect=201)

    assert [v for v in asset["attributes"] if v["id"] in (email_id, users_id)] == [
        {"id": email_id, "name": "Contact Email", "type": "EMAIL", "value": "ops@example.com"},
        {"id": users_id, "name": "Shared With", "type": "MULTI_USER", "value": [JDOE_ACCOUNT, ADMIN_ACCOUNT]},
    ]
    key = asset["asset"]["key"]
    shared = {"field": "Shared With", "operator": "EQUALS", "value": JDOE_ACCOUNT}
    contact = {"field": "Contact Email", "operator": "CONTAINS", "value": "@example"}
    assert _search(emulator_client, admin, shared) == [key]
    assert _search(emulator_client, admin, contact) == [key]


def test_email_and_multi_user_show_as_text_and_user_picker_in_data_center(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    _cloud_only_attributes(emulator_client, admin)
    body = {"collectionId": 9, "name": "Laptop 78",
            "attributes": {"Contact Email": "ops@example.com", "Shared With": "jdoe, mmiller"}}  # fmt: skip
    asset_id = call(emulator_client, "POST", "/assets", admin, json=body, expect=201)["asset"]["id"]

    dc = emulator_client.get(f"/rest/jip-api/1.0/inventory/{asset_id}.json", auth=("admin", "admin")).json()["data"]

    items = {i["attributeName"]: i for i in dc["inventoryItems"]}
    assert (items["Contact Email"]["attributeType"], items["Contact Email"]["displayValue"]) == (
        "Text",
        "ops@example.com",
    )
    assert {k: items["Shared With"][k] for k in ("attributeType", "value", "textValues", "displayValue")} == {
        "attributeType": "UserPicker", "value": "JIRAUSER10100, JIRAUSER10102",
        "textValues": "JIRAUSER10100, JIRAUSER10102", "displayValue": "John Doe, Maria Miller",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Contact Email": "not-an-address"}, "'not-an-address' is not an email address; use name@domain"),
        ({"Shared With": ["jdoe", "ghost"]}, "unknown user 'ghost'"),
    ],
)
def test_a_bad_email_or_user_is_a_400_naming_the_attribute(
    emulator_client: Client, admin: dict[str, str], values: dict[str, Any], message: str
) -> None:
    _cloud_only_attributes(emulator_client, admin)
    body = {"collectionId": 9, "name": "Laptop 79", "attributes": values}

    answer = call(emulator_client, "POST", "/assets", admin, json=body, expect=400)

    assert [e["field"] for e in answer["errors"]] == [f"attributes.{next(iter(values))}"]
    assert message in answer["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Server Name", "required": False}, "required"),
        ({"collectionIds": [9]}, "collectionIds"),
        ({"referenceCollectionIds": [9]}, "referenceCollectionIds"),
    ],
)
def test_an_update_offering_a_create_only_field_is_a_400_naming_it(
    emulator_client: Client, admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    answer = call(emulator_client, "PUT", "/attributes/64", admin, json=body, expect=400)

    got = "" if isinstance(body[field], list) else f" (got {body[field]!r})"
    message = f"{field}: Extra inputs are not permitted{got}"
    assert answer == {
        "timestamp": FROZEN, "status": 400, "error": "Bad Request", "message": message,
        "path": f"{BASE}/attributes/64", "errors": [{"field": field, "message": message}],
    }  # fmt: skip
    assert call(emulator_client, "GET", "/attributes/64", admin)["name"] == "Environment"


def test_an_update_of_an_unknown_attribute_is_a_404_before_its_body_is_judged(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    answer = call(emulator_client, "PUT", "/attributes/777", admin, json={"required": "nonsense"}, expect=404)

    assert answer == {
        "timestamp": FROZEN, "status": 404, "error": "Not Found", "message": "Attribute 777 does not exist",
        "path": f"{BASE}/attributes/777",
    }  # fmt: skip


def test_a_write_token_may_not_change_an_attribute_whatever_the_body(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    write = bearer(emulator_app, "WRITE")

    call(emulator_client, "PUT", "/attributes/64", write, json={"required": True}, expect=403)
    call(emulator_client, "PUT", "/attributes/777", write, json={"name": "X"}, expect=403)


def test_the_update_schema_offers_only_what_an_update_takes(emulator_client: Client) -> None:
    doc = emulator_client.get("/openapi.json").json()
    operation = doc["paths"][f"{BASE}/attributes/{{attribute_id}}"]["put"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]

    assert ref == "#/components/schemas/AttributeUpdate"
    assert set(doc["components"]["schemas"]["AttributeUpdate"]["properties"]) == {"name", "type", "options"}
