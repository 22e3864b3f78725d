"""Cloud asset reads and writes (cloud-api.md §2, §3): typed values, keys, accountIds, the one write path."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.dialects.cloud.helpers import BASE, FROZEN, bearer, call, value

ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
JDOE_ACCOUNT = "557058:00000000-0000-4000-8000-000000010100"
AGENT_ACCOUNT = "557058:00000000-0000-4000-8000-000000010101"
MMILLER_ACCOUNT = "557058:00000000-0000-4000-8000-000000010102"
NEW_SERVER = {
    "collectionId": 11,
    "name": "Render Node 01",
    "attributes": {
        "Server Name": "render01",
        "IP Address": "192.168.40.7",
        "Environment": "Staging",
        "Operating Systems": ["Ubuntu 22.04"],
        "RAM (GB)": 64,
        "Last Audit": "2026-01-05T09:30:00+01:00",
    },
    "globalAttributes": {
        "Status": "In use",
        "Assignee": MMILLER_ACCOUNT,
        "Quantity": 2,
        "Location": "Berlin HQ",
        "Belongs to group": ["helpdesk"],
        "Install Date": "2026-01-02",
        "Cost": 4999.5,
        "Currency": "EUR",
    },
}


@pytest.fixture
def admin(emulator_app: FastAPI) -> dict[str, str]:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    return bearer(emulator_app, "ADMIN")


def _globals(**filled: Any) -> list[dict[str, Any]]:
    """The 15 global attribute values, null unless given (by display name)."""
    names = [
        ("Status", "DROPDOWN"), ("Substatus", "DROPDOWN"), ("Assignee", "USER"), ("Reserved for", "USER"),
        ("Owner", "USER"), ("Managed by", "USER"), ("Quantity", "NUMBER"), ("Asset tag", "TEXT"),
        ("Serial Number", "TEXT"), ("Invoice Number", "TEXT"), ("Location", "DROPDOWN"),
        ("Belongs to group", "MULTI_SELECT"), ("Install Date", "DATE"), ("Cost", "DECIMAL"), ("Currency", "DROPDOWN"),
    ]  # fmt: skip
    return [
        {"id": 9_000_001 + i, "name": name, "type": kind, "value": filled.get(name)}
        for i, (name, kind) in enumerate(names)
    ]


def test_an_asset_is_read_by_key_with_typed_values(emulator_client: Client, admin: dict[str, str]) -> None:
    asset = call(emulator_client, "GET", "/assets/LAP-1", admin)

    assert asset == {
        "asset": {"id": 167, "key": "LAP-1", "name": "Laptop 1", "collectionId": 9, "updatedAt": 1710495000000,
                  "updatedBy": ADMIN_ACCOUNT},
        "createdBy": ADMIN_ACCOUNT, "createdAt": 1710495000000, "attachments": 1,
        "globalAttributes": _globals(**{
            "Status": "In use", "Substatus": "Assigned", "Assignee": JDOE_ACCOUNT, "Owner": ADMIN_ACCOUNT,
            "Managed by": AGENT_ACCOUNT, "Asset tag": "AT-10167", "Serial Number": "5CG3281XQZ",
            "Invoice Number": "INV-2024-0315", "Location": "Berlin HQ", "Belongs to group": ["jira-users"],
            "Install Date": "2024-03-15", "Cost": 1299.99, "Currency": "EUR",
        }),
        "attributes": [
            {"id": 18, "name": "Model", "type": "TEXT", "value": "Latitude 7440"},
            {"id": 61, "name": "Vendor", "type": "DROPDOWN", "value": "Dell"},
            {"id": 62, "name": "Operating Systems", "type": "MULTI_SELECT", "value": ["Windows 11"]},
            {"id": 63, "name": "Features", "type": "CHECKBOX", "value": ["Backlit Keyboard", "Fingerprint Reader"]},
            {"id": 98, "name": "RAM (GB)", "type": "NUMBER", "value": 16},
            {"id": 100, "name": "Purchase Price", "type": "DECIMAL", "value": 1299.99},
            {"id": 90, "name": "Warranty Expiry", "type": "DATE", "value": "2027-03-14"},
            {"id": 93, "name": "Used By", "type": "USER", "value": JDOE_ACCOUNT},
        ],
    }  # fmt: skip


def test_the_numeric_id_names_the_same_asset(emulator_client: Client, admin: dict[str, str]) -> None:
    assert call(emulator_client, "GET", "/assets/167", admin) == call(emulator_client, "GET", "/assets/lap-1", admin)


def test_references_show_as_asset_keys_and_unset_attributes_as_null(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    employee = call(emulator_client, "GET", "/assets/EMP-2", admin)

    assert value(employee, "Assigned Laptop") == ["LAP-1"]
    assert value(employee, "Jira User") == JDOE_ACCOUNT
    assert value(employee, "Notes") is None


def test_an_unknown_key_is_a_404(emulator_client: Client, admin: dict[str, str]) -> None:
    body = call(emulator_client, "GET", "/assets/LAP-999", admin, expect=404)

    assert body == {"timestamp": FROZEN, "status": 404, "error": "Not Found", "message": "Asset LAP-999 does not exist",
                    "path": f"{BASE}/assets/LAP-999"}  # fmt: skip


def test_an_asset_the_owner_may_not_browse_is_a_404(emulator_app: FastAPI, emulator_client: Client) -> None:
    jdoe = bearer(emulator_app, "READ", owner="jdoe")

    call(emulator_client, "GET", "/assets/EMP-1", jdoe, expect=404)


def test_no_token_is_a_401_asking_for_a_bearer_token(emulator_app: FastAPI, emulator_client: Client) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)

    response = emulator_client.get(f"{BASE}/assets/LAP-1")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "timestamp": FROZEN, "status": 401, "error": "Unauthorized",
        "message": "A Bearer token is required (Authorization: Bearer <token>); "
        "the request has no Authorization header",
        "path": f"{BASE}/assets/LAP-1",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("{{jwtToken}}", "Invalid token: '{{jwtToken}}' is an unresolved variable, not a JWT; define 'jwtToken' in "
                         "the active environment (or mint a token: POST /_emulator/tokens)"),
        ('"abc.def.ghi"', "Invalid token: it is wrapped in quotes; send the token without them"),
    ],
)  # fmt: skip
def test_a_postman_slip_is_a_401_naming_it(
    emulator_app: FastAPI, emulator_client: Client, token: str, message: str
) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)

    response = emulator_client.get(f"{BASE}/assets/LAP-1", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    assert response.json() == {
        "timestamp": FROZEN, "status": 401, "error": "Unauthorized", "message": message, "path": f"{BASE}/assets/LAP-1",
    }  # fmt: skip


def test_attachments_list_their_metadata(emulator_client: Client, admin: dict[str, str]) -> None:
    assert call(emulator_client, "GET", "/assets/SRVS-1/attachments", admin) == [
        {"fileName": "ombMnU6umGQ.jpg", "serverFileName": "13307_43813_1556782191293.jpg", "size": "71 KB",
         "createdAt": 1556792940000, "createdBy": ADMIN_ACCOUNT},
    ]  # fmt: skip
    assert call(emulator_client, "GET", "/assets/PRN-2/attachments", admin) == []


def test_a_created_asset_is_answered_whole_with_201_and_the_next_key(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    asset = call(emulator_client, "POST", "/assets", admin, json=NEW_SERVER, expect=201)

    assert asset == {
        "asset": {"id": 513, "key": "SRV-8", "name": "Render Node 01", "collectionId": 11, "updatedAt": FROZEN,
                  "updatedBy": ADMIN_ACCOUNT},
        "createdBy": ADMIN_ACCOUNT, "createdAt": FROZEN, "attachments": 0,
        "globalAttributes": _globals(**{
            "Status": "In use", "Assignee": MMILLER_ACCOUNT, "Quantity": 2, "Location": "Berlin HQ",
            "Belongs to group": ["helpdesk"], "Install Date": "2026-01-02", "Cost": 4999.5, "Currency": "EUR",
        }),
        "attributes": [
            {"id": 5, "name": "Server Name", "type": "TEXT", "value": "render01"},
            {"id": 86, "name": "IP Address", "type": "IP", "value": "192.168.40.7"},
            {"id": 87, "name": "IPv6 Address", "type": "IPV6", "value": None},
            {"id": 64, "name": "Environment", "type": "RADIO", "value": "Staging"},
            {"id": 62, "name": "Operating Systems", "type": "MULTI_SELECT", "value": ["Ubuntu 22.04"]},
            {"id": 98, "name": "RAM (GB)", "type": "NUMBER", "value": 64},
            {"id": 92, "name": "Last Audit", "type": "DATETIME", "value": "2026-01-05T08:30:00+00:00"},
            {"id": 89, "name": "Notes", "type": "TEXT_AREA", "value": None},
        ],
    }  # fmt: skip
    assert call(emulator_client, "GET", "/assets/SRV-8", admin) == asset


def test_values_may_be_sent_as_an_array_by_id_and_references_as_keys(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    body = {
        "collectionId": 10,
        "name": "Figma Professional",
        "attributes": [
            {"id": 102, "value": "FIG-PRO-0001"},
            {"name": "Installed On", "value": ["LAP-2", "SRV-1"]},
            {"id": 97, "value": ["SUP-5"]},
        ],
    }

    asset = call(emulator_client, "POST", "/assets", admin, json=body, expect=201)

    assert asset["asset"]["key"] == "LIC-8"
    assert [(v["name"], v["value"]) for v in asset["attributes"] if v["value"] is not None] == [
        ("License Key", "FIG-PRO-0001"), ("Installed On", ["LAP-2", "SRV-1"]), ("Supplier", ["SUP-5"]),
    ]  # fmt: skip


def test_an_update_changes_only_what_it_names_and_null_clears(emulator_client: Client, admin: dict[str, str]) -> None:
    before = call(emulator_client, "GET", "/assets/LAP-1", admin)
    body = {"attributes": {"RAM (GB)": 32, "Used By": None}, "globalAttributes": {"Status": "In repair"}}

    after = call(emulator_client, "PUT", "/assets/LAP-1", admin, json=body)

    assert value(after, "RAM (GB)") == 32
    assert value(after, "Used By") is None
    assert value(after, "Status", "globalAttributes") == "In repair"
    assert after["asset"] == {**before["asset"], "updatedAt": FROZEN, "updatedBy": ADMIN_ACCOUNT}
    unchanged = {"RAM (GB)", "Used By"}
    assert [v for v in after["attributes"] if v["name"] not in unchanged] == [
        v for v in before["attributes"] if v["name"] not in unchanged
    ]


def test_an_update_may_rename_the_asset(emulator_client: Client, admin: dict[str, str]) -> None:
    after = call(emulator_client, "PUT", "/assets/LAP-1", admin, json={"name": "Laptop 1 (spare)"})

    assert after["asset"]["name"] == "Laptop 1 (spare)"
    assert value(after, "Model") == "Latitude 7440"


def test_a_deleted_asset_is_gone_and_its_key_is_not_reused(emulator_client: Client, admin: dict[str, str]) -> None:
    created = call(emulator_client, "POST", "/assets", admin, json=NEW_SERVER, expect=201)

    response = emulator_client.delete(f"{BASE}/assets/{created['asset']['key']}", headers=admin)
    again = call(emulator_client, "POST", "/assets", admin, json=NEW_SERVER, expect=201)

    assert (response.status_code, response.content) == (204, b"")
    call(emulator_client, "GET", "/assets/SRV-8", admin, expect=404)
    assert again["asset"]["key"] == "SRV-9"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"attributes": {"Colour": "red"}}, "attributes.Colour", "unknown attribute 'Colour'"),
        ({"attributes": {"RAM (GB)": "lots"}}, "attributes.RAM (GB)",
         "attribute 'RAM (GB)': 'lots' is not a whole number"),
        ({"attributes": {"Vendor": "Acme"}}, "attributes.Vendor",
         "attribute 'Vendor': unknown option 'Acme' (options: HP, Dell, Lenovo, Apple, Canon, Brother)"),
        ({"attributes": {"Used By": "nobody"}}, "attributes.Used By", "attribute 'Used By': unknown user 'nobody'"),
        ({"globalAttributes": {"Mood": "good"}}, "globalAttributes.Mood",
         "globalAttributes.Mood: unknown global attribute 'Mood'"),
        ({"globalAttributes": {"Status": "Lost"}}, "globalAttributes.Status",
         "globalAttributes.Status: unknown status 'Lost'"),
        ({"globalAttributes": {"Location": "Mars"}}, "globalAttributes.Location",
         "globalAttributes.Location: unknown location 'Mars'"),
        ({"globalAttributes": {"Quantity": "many"}}, "globalAttributes.Quantity",
         "globalAttributes.Quantity: 'many' is not a whole number"),
        ({"globalAttributes": {"Belongs to group": "x"}}, "globalAttributes.Belongs to group",
         "globalAttributes.Belongs to group: expected a list of group names, got 'x'"),
        ({"attributes": {"IP": "1.2.3.4"}}, "attributes.IP", "attribute 'IP' is not on collection 9 'Laptop'"),
        ({"name": " "}, "name", "name: an asset needs a non-empty name"),
        ({"colour": "red"}, "colour", "colour: Extra inputs are not permitted (got 'red')"),
    ],
)  # fmt: skip
def test_a_bad_update_is_a_400_naming_the_field(
    emulator_client: Client, admin: dict[str, str], body: dict[str, Any], field: str, message: str
) -> None:
    answer = call(emulator_client, "PUT", "/assets/LAP-1", admin, json=body, expect=400)

    assert answer == {"timestamp": FROZEN, "status": 400, "error": "Bad Request", "message": message,
                      "path": f"{BASE}/assets/LAP-1", "errors": [{"field": field, "message": message}]}  # fmt: skip
    assert value(call(emulator_client, "GET", "/assets/LAP-1", admin), "RAM (GB)") == 16  # nothing half-written


def test_a_missing_required_attribute_or_collection_is_a_400_naming_it(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    employee = call(emulator_client, "POST", "/assets", admin, json={"collectionId": 7, "name": "Eve"}, expect=400)
    unknown = call(emulator_client, "POST", "/assets", admin, json={"collectionId": 99, "name": "Eve"}, expect=400)
    missing = call(emulator_client, "POST", "/assets", admin, json={"name": "Eve"}, expect=400)

    required = "attribute 'Email Address' is required on collection 7 'Employee'"
    assert employee["errors"] == [{"field": "attributes.Email Address", "message": required}]
    assert unknown["errors"] == [{"field": "collectionId", "message": "collectionId: unknown collection 99"}]
    assert missing["errors"][0]["field"] == "collectionId"


def test_malformed_json_is_a_400(emulator_client: Client, admin: dict[str, str]) -> None:
    headers = {**admin, "Content-Type": "application/json"}

    response = emulator_client.post(f"{BASE}/assets", headers=headers, content=b'{"name": ')

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body", "message": "Malformed JSON in the request body at position 9: Expecting value"}
    ]


def test_a_read_token_may_not_write(emulator_app: FastAPI, emulator_client: Client) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    read = bearer(emulator_app, "READ")

    body = call(emulator_client, "POST", "/assets", read, json=NEW_SERVER, expect=403)
    call(emulator_client, "PUT", "/assets/LAP-1", read, json={"name": "x"}, expect=403)
    call(emulator_client, "DELETE", "/assets/LAP-1", read, expect=403)

    assert body == {
        "timestamp": FROZEN, "status": 403, "error": "Forbidden",
        "message": "This token has READ access; WRITE access is required", "path": f"{BASE}/assets",
    }  # fmt: skip


def test_the_owners_scheme_permissions_still_apply_to_a_write_token(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    jdoe = bearer(emulator_app, "WRITE", owner="jdoe")  # jira-users may browse but not create in IT Hardware

    body = call(emulator_client, "POST", "/assets", jdoe, json=NEW_SERVER, expect=403)

    assert body["message"] == "You do not have the Create Asset permission in scheme 'IT Hardware'"
