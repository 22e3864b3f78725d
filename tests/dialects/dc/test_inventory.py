"""DC asset writes (dc-api.md §4): every accepted write is visible to the next search; a rejected one leaves
no trace."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.helpers import ADMIN, JDOE, SEARCH, ids

INVENTORY = "/rest/jip-api/1.0/inventory"
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC
LAPTOP = {
    "formId": 9,
    "name": "Laptop 99 Test Rig",
    "attributes": {
        "Model": "ThinkPad X1 Carbon",
        "Vendor": "Lenovo",
        "Operating Systems": "Ubuntu 22.04, Windows 11",
        "Features": ["Backlit Keyboard"],
        "RAM (GB)": 32,
        "Purchase Price": 2149.5,
        "Warranty Expiry": "2029-06-30",
        "Used By": "mmiller",
        "asset.status": "In use",
        "asset.owner": "JIRAUSER10000",
        "asset.location": "Berlin HQ",
        "asset.belongsToGroup": '["jira-users"]',
        "asset.cost": "2149.50",
        "asset.costCurrency": "EUR",
        "asset.installDate": "2026-01-02",
    },
}


def _create(client: Client, body: dict[str, Any], auth: tuple[str, str] = ADMIN) -> dict[str, Any]:
    response = client.post(f"{INVENTORY}.json", json=body, auth=auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _find(client: Client, field: str, field_type: str, **criteria: Any) -> list[int]:
    return ids(client, {"queryIndexSearchParams": [{"field": field, "fieldType": field_type, **criteria}]})


def _item(asset: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for i in asset["inventoryItems"] if i["attributeName"] == name)


def test_created_asset_is_answered_whole(emulator_app: FastAPI, emulator_client: Client) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)

    asset = _create(emulator_client, LAPTOP)

    assert asset["id"] == 513  # fixtures end at 512
    assert {k: v for k, v in asset.items() if k != "inventoryItems"} == {
        "id": 513, "name": "Laptop 99 Test Rig", "sortOrder": 0, "objectSchemaId": 2, "objectSchemaName": "IT Hardware",
        "formId": 9, "formName": "Laptop", "created": FROZEN, "createdFormatted": "01/Jan/26 12:00 AM",
        "creator": "admin", "attachments": None, "customfieldId": "customfield_10100", "optionId": 20513,
        "inventoryItemListSize": 8,
    }  # fmt: skip
    assert [i["attributeName"] for i in asset["inventoryItems"]] == [
        "Model", "Vendor", "Operating Systems", "Features", "RAM (GB)", "Purchase Price", "Warranty Expiry", "Used By",
    ]  # fmt: skip
    assert _item(asset, "Operating Systems")["value"] == "Ubuntu 22.04, Windows 11"
    assert [v["attributeValue"] for v in _item(asset, "Operating Systems")["multiListValues"]] == [
        "Ubuntu 22.04",
        "Windows 11",
    ]
    assert _item(asset, "Used By")["textValues"] == "JIRAUSER10102"
    assert _item(asset, "Used By")["displayValue"] == "Maria Miller"
    assert _item(asset, "Warranty Expiry")["displayValue"] == "30/Jun/29"


def test_a_created_asset_is_found_by_every_attribute_kind(emulator_client: Client) -> None:
    new = _create(emulator_client, LAPTOP)["id"]

    assert new in _find(emulator_client, "asset.name", "STRING", keyword="rig")
    assert new in _find(emulator_client, "Model", "STRING", keyword="thinkp?d")
    assert new in _find(emulator_client, "Vendor", "LIST", keywords=["lenovo"])
    assert new in _find(emulator_client, "Operating Systems", "LIST", keywords=["Ubuntu 22.04"])
    assert new in _find(emulator_client, "RAM (GB)", "LONG", minNum=32)
    assert new in _find(emulator_client, "Purchase Price", "DOUBLE", range=True, minNum=2000, maxNum=2200)
    assert new in _find(emulator_client, "Warranty Expiry", "DATE", minDate="2029-06-30")
    assert new in _find(emulator_client, "Used By", "STRING", keyword="mmiller")
    assert new in _find(emulator_client, "asset.status", "LIST", keywords=["In use"])
    assert new in _find(emulator_client, "asset.cost", "DOUBLE", minNum=2149.5)
    assert new in _find(emulator_client, "asset.content", "STRING", keyword="carbon")
    assert new in ids(emulator_client, {"genericKeyword": 'asset.name:"test rig" AND Vendor:Lenovo'})


def test_a_reference_written_by_name_or_id_is_searchable(emulator_client: Client) -> None:
    body = {
        "formId": 10,
        "name": "Test Suite License",
        "attributes": {"License Key": "K-1", "Installed On": "Laptop 1, 152"},
    }

    new = _create(emulator_client, body)

    assert [r["id"] for r in _item(new, "Installed On")["inventoryRefs"]] == [167, 152]
    assert new["id"] in _find(emulator_client, "Installed On", "ALL_ASSETS_REF", keywords=["Laptop 1 #167"])
    assert new["id"] in _find(emulator_client, "Installed On", "ALL_ASSETS_REF", keywords=[152])


def test_an_update_changes_only_what_it_sends_and_search_sees_only_new_values(emulator_client: Client) -> None:
    new = _create(emulator_client, LAPTOP)["id"]

    response = emulator_client.put(
        f"{INVENTORY}/{new}.json", json={"attributes": {"Vendor": "Dell", "Model": None}}, auth=ADMIN
    )

    assert response.status_code == 200
    updated = response.json()["data"]
    assert updated["name"] == "Laptop 99 Test Rig"
    assert "Model" not in [i["attributeName"] for i in updated["inventoryItems"]]
    assert new not in _find(emulator_client, "Vendor", "LIST", keywords=["Lenovo"])
    assert new in _find(emulator_client, "Vendor", "LIST", keywords=["Dell"])
    assert new not in _find(emulator_client, "Model", "STRING", keyword="thinkpad")
    assert new in _find(emulator_client, "RAM (GB)", "LONG", minNum=32)


def test_renaming_an_asset_reindexes_the_assets_that_reference_it(emulator_client: Client) -> None:
    response = emulator_client.put(f"{INVENTORY}/167", json={"name": "Laptop One"}, auth=ADMIN)

    assert response.status_code == 200
    assert _find(emulator_client, "Assigned Laptop", "ASSETS_REF_BY_FORM", keywords=["Laptop One #167"]) == [102]
    assert _find(emulator_client, "Assigned Laptop", "ASSETS_REF_BY_FORM", keywords=["Laptop 1 #167"]) == []


def test_a_deleted_asset_is_gone_and_references_to_it_are_removed(emulator_client: Client) -> None:
    response = emulator_client.delete(f"{INVENTORY}/167.json", auth=ADMIN)

    assert response.status_code == 200
    assert response.json() == {"success": True, "errorCode": None, "errorMessage": None, "data": None}
    assert emulator_client.get(f"{INVENTORY}/167.json", auth=ADMIN).status_code == 404
    assert _find(emulator_client, "asset.id", "LONG", minNum=167) == []
    assert _find(emulator_client, "Assigned Laptop", "ASSETS_REF_BY_FORM", keywords=["167"]) == []
    employee = emulator_client.get(f"{INVENTORY}/102.json", auth=ADMIN).json()["data"]
    assert "Assigned Laptop" not in [i["attributeName"] for i in employee["inventoryItems"]]


def test_ids_and_keys_of_deleted_assets_are_never_reused(emulator_client: Client) -> None:
    first = _create(emulator_client, LAPTOP)["id"]
    emulator_client.delete(f"{INVENTORY}/{first}", auth=ADMIN)

    second = _create(emulator_client, LAPTOP)["id"]

    assert second == first + 1


def test_inventory_item_ids_of_deleted_assets_are_never_reused(emulator_client: Client) -> None:
    first = _create(emulator_client, LAPTOP)
    emulator_client.delete(f"{INVENTORY}/{first['id']}", auth=ADMIN)

    second = _create(emulator_client, LAPTOP)

    old = {item["id"] for item in first["inventoryItems"]}
    new = {item["id"] for item in second["inventoryItems"]}
    assert len(new) == len(old) == 8
    assert min(new) > max(old)


BAD_WRITES = [
    ({"name": "x"}, "formId: the form (asset type) of the new asset is required"),
    ({"formId": 99, "name": "x"}, "formId: unknown form 99"),
    ({"formId": 9}, "name: an asset needs a non-empty name"),
    ({"formId": 9, "name": "x", "attributes": {"Colour": "red"}}, "unknown attribute 'Colour'"),
    ({"formId": 9, "name": "x", "attributes": {"asset.colour": "red"}}, "unknown system field 'asset.colour'"),
    ({"formId": 9, "name": "x", "attributes": {"IP": "1.2.3.4"}}, "attribute 'IP' is not on form 9 'Laptop'"),
    ({"formId": 9, "name": "x", "attributes": {"Vendor": "Acme"}},
     "attribute 'Vendor': unknown option 'Acme' (options: HP, Dell, Lenovo, Apple, Canon, Brother)"),
    ({"formId": 9, "name": "x", "attributes": {"Used By": "ghost"}}, "attribute 'Used By': unknown user 'ghost'"),
    ({"formId": 9, "name": "x", "attributes": {"RAM (GB)": "lots"}},
     "attribute 'RAM (GB)': 'lots' is not a whole number"),
    ({"formId": 9, "name": "x", "attributes": {"Warranty Expiry": "soon"}},
     "attribute 'Warranty Expiry': 'soon' is not a date; use yyyy-MM-dd"),
    ({"formId": 9, "name": "x", "attributes": {"asset.location": "Mars"}},
     "field 'asset.location': unknown location 'Mars'"),
    ({"formId": 9, "name": "x", "attributes": {"asset.status": "Lost"}}, "field 'asset.status': unknown status 'Lost'"),
    ({"formId": 9, "name": "x", "attributes": {"asset.belongsToGroup": "jira-users"}},
     "field 'asset.belongsToGroup': expected a JSON array of group names as a string, got 'jira-users'"),
    ({"formId": 10, "name": "x", "attributes": {"License Key": "K", "Installed On": "9999"}},
     "attribute 'Installed On': unknown asset '9999'"),
    ({"formId": 10, "name": "x", "attributes": {"License Key": "K", "Supplier": [167]}},
     "attribute 'Supplier': asset 167 is not of form 8"),
    ({"formId": 10, "name": "x"}, "attribute 'License Key' is required on form 10 'License'"),
    ({"formId": "nine", "name": "x"},
     "formId: Input should be a valid integer, unable to parse string as an integer (got 'nine')"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), BAD_WRITES)
def test_a_rejected_create_names_the_problem_and_leaves_no_trace(
    emulator_client: Client, body: dict[str, Any], message: str
) -> None:
    before = emulator_client.get("/_emulator/health").json()

    response = emulator_client.post(f"{INVENTORY}.json", json=body, auth=ADMIN)

    assert response.status_code == 400
    assert response.json() == {"success": False, "errorCode": "ValidationException", "errorMessage": message}
    assert emulator_client.get("/_emulator/health").json() == before
    assert _find(emulator_client, "asset.name", "STRING", keyword="x") == []


def test_a_rejected_update_changes_neither_database_nor_index(emulator_client: Client) -> None:
    body = {"name": "Renamed", "attributes": {"Vendor": "HP", "RAM (GB)": "lots"}}

    response = emulator_client.put(f"{INVENTORY}/167.json", json=body, auth=ADMIN)

    assert response.status_code == 400
    laptop = emulator_client.get(f"{INVENTORY}/167.json", auth=ADMIN).json()["data"]
    assert laptop["name"] == "Laptop 1"
    assert _item(laptop, "Vendor")["value"] == "Dell"
    assert _find(emulator_client, "asset.name", "STRING", keyword="renamed") == []
    assert 167 in _find(emulator_client, "Vendor", "LIST", keywords=["Dell"])


def test_a_failing_flush_loses_no_acknowledged_write(
    emulator_app: FastAPI, emulator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = emulator_app.state.emulator.index

    def broken_write(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index, "_write", broken_write)
    response = emulator_client.post(f"{INVENTORY}.json", json=LAPTOP, auth=ADMIN)
    with pytest.raises(OSError, match="disk full"):
        index.flush()
    found_before = _find(emulator_client, "asset.name", "STRING", keyword="rig")
    monkeypatch.undo()
    index.flush()

    assert response.status_code == 200
    assert found_before == [response.json()["data"]["id"]]
    assert _find(emulator_client, "asset.name", "STRING", keyword="rig") == found_before
    health = emulator_client.get("/_emulator/health").json()
    assert health == {"status": "ok", "assets": 40, "indexedAssets": 40, "pendingChanges": 0}


def test_writes_need_the_schemes_create_update_or_delete_permission(emulator_client: Client) -> None:
    create = emulator_client.post(f"{INVENTORY}.json", json={**LAPTOP, "formId": 2}, auth=JDOE)
    update = emulator_client.put(f"{INVENTORY}/1.json", json={"name": "mine"}, auth=JDOE)
    delete = emulator_client.delete(f"{INVENTORY}/1.json", auth=JDOE)

    assert create.status_code == update.status_code == delete.status_code == 403
    assert update.json() == {
        "success": False,
        "errorCode": "PermissionException",
        "errorMessage": "You do not have the Update Asset permission in scheme 'Default Asset Scheme'",
    }
    assert ids(emulator_client, {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "mine"}]}) == []


def test_a_helpdesk_agent_may_update_but_not_delete_in_it_hardware(emulator_client: Client) -> None:
    agent = ("agent", "agent")

    assert emulator_client.put(f"{INVENTORY}/167.json", json={"name": "Laptop 1b"}, auth=agent).status_code == 200
    assert emulator_client.delete(f"{INVENTORY}/167.json", auth=agent).status_code == 403


def test_assets_of_schemes_the_caller_may_not_browse_cannot_be_read_or_written(emulator_client: Client) -> None:
    for response in (
        emulator_client.get(f"{INVENTORY}/102.json", auth=JDOE),
        emulator_client.put(f"{INVENTORY}/102.json", json={"name": "x"}, auth=JDOE),
        emulator_client.delete(f"{INVENTORY}/102.json", auth=JDOE),
    ):
        assert response.status_code == 404
        assert response.json()["errorMessage"] == "Asset 102 does not exist"


def test_the_list_pages_through_one_form_in_id_order(emulator_client: Client) -> None:
    response = emulator_client.get(f"{INVENTORY}/list.json?formId=2&pageNumber=2&pageSize=2", auth=ADMIN)

    answer = response.json()
    assert [a["id"] for a in answer["data"]] == [3]
    assert answer["pagingInfo"] == {
        "pageRecordSize": 1,
        "totalRecords": 3,
        "totalPages": 2,
        "pageNumber": 2,
        "pageSize": 2,
        "hasNext": False,
    }


def test_search_sees_a_write_immediately(emulator_client: Client) -> None:
    new = _create(emulator_client, LAPTOP)["id"]

    body = {"queryIndexSearchParams": [{"field": "asset.id", "fieldType": "LONG", "minNum": new}]}
    assert emulator_client.post(SEARCH, json=body, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"] == 1


@pytest.mark.parametrize("form_id", [9, 1, None, "nine"])
def test_an_update_naming_form_id_is_a_400_and_changes_nothing(emulator_client: Client, form_id: Any) -> None:
    before = emulator_client.get(f"{INVENTORY}/21.json", auth=ADMIN).json()

    response = emulator_client.put(
        f"{INVENTORY}/21.json", json={"formId": form_id, "name": "Renamed printer"}, auth=ADMIN
    )

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "errorCode": "ValidationException",
        "errorMessage": "formId: an asset's form is chosen when it is created (POST /inventory.json); "
        "an update cannot change it",
    }
    assert emulator_client.get(f"{INVENTORY}/21.json", auth=ADMIN).json() == before


def test_the_update_schema_does_not_offer_form_id(emulator_client: Client) -> None:
    doc = emulator_client.get("/openapi.json").json()
    put = doc["paths"][f"{INVENTORY}/{{asset_id}}.json"]["put"]
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert set(doc["components"]["schemas"][ref]["properties"]) == {"name", "attributes"}


def test_an_update_naming_form_id_of_an_unknown_asset_is_a_404(emulator_client: Client) -> None:
    response = emulator_client.put(f"{INVENTORY}/9999.json", json={"formId": 9}, auth=ADMIN)
    plain = emulator_client.put(f"{INVENTORY}/9999.json", json={"name": "x"}, auth=ADMIN)

    assert response.status_code == 404
    assert response.json() == plain.json()
