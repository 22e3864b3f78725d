"""Cloud collections (cloud-api.md §2, §3): DC forms listed, read and managed with an ADMIN token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.dialects.cloud.helpers import BASE, FROZEN, bearer, call, keys, value

ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"


@pytest.fixture
def admin(emulator_app: FastAPI) -> dict[str, str]:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    return bearer(emulator_app, "ADMIN")


def _definition(id_: int, name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": id_, "name": name, "type": kind, "required": False, "multiple": False, "options": None,
            "referenceCollectionIds": None, "global": False, **extra}  # fmt: skip


def test_collections_are_listed_by_id_and_paged(emulator_client: Client, admin: dict[str, str]) -> None:
    page = call(emulator_client, "GET", "/collections?startAt=3&maxResult=2", admin)

    assert {k: v for k, v in page.items() if k != "values"} == {"startAt": 3, "maxResult": 2, "total": 7}
    assert [(c["id"], c["name"], c["keyPrefix"]) for c in page["values"]] == [
        (7, "Employee", "EMP"),
        (8, "Supplier", "SUP"),
    ]


def test_a_token_owner_sees_only_the_collections_of_browsable_schemes(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    jdoe = bearer(emulator_app, "READ", owner="jdoe")

    page = call(emulator_client, "GET", "/collections", jdoe)

    assert [c["keyPrefix"] for c in page["values"]] == ["SRVS", "PRN", "SUP", "LAP", "LIC", "SRV"]
    call(emulator_client, "GET", "/collections/7", jdoe, expect=404)


def test_a_collection_is_read_with_its_attribute_definitions(emulator_client: Client, admin: dict[str, str]) -> None:
    assert call(emulator_client, "GET", "/collections/2", admin) == {
        "id": 2, "name": "Servers", "description": None, "keyPrefix": "SRVS",
        "attributes": [_definition(5, "Server Name", "TEXT"), _definition(7, "Serial Number", "TEXT"),
                       _definition(6, "IP", "TEXT")],
        "createdAt": None, "createdBy": None,
    }  # fmt: skip


def test_required_comes_from_the_collection_and_references_name_their_collection(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    employee = call(emulator_client, "GET", "/collections/7", admin)

    assert employee["attributes"][0] == _definition(101, "Email Address", "TEXT", required=True)
    assert employee["attributes"][4] == _definition(
        96, "Assigned Laptop", "ASSET_REFERENCE_BY_COLLECTION", multiple=True, referenceCollectionIds=[9]
    )


def test_an_unknown_collection_is_a_404(emulator_client: Client, admin: dict[str, str]) -> None:
    body = call(emulator_client, "GET", "/collections/99", admin, expect=404)

    assert body == {"timestamp": FROZEN, "status": 404, "error": "Not Found",
                    "message": "Collection 99 does not exist", "path": f"{BASE}/collections/99"}  # fmt: skip


def test_a_created_collection_is_answered_whole_and_numbers_its_assets_from_1(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    body = {
        "name": "Monitor",
        "keyPrefix": "MON",
        "description": "Screens",
        "attributes": [18, {"id": 61, "required": True}],
    }

    created = call(emulator_client, "POST", "/collections", admin, json=body, expect=201)
    monitor = {"collectionId": created["id"], "name": "Dell U2723QE", "attributes": {"Vendor": "Dell"}}
    asset = call(emulator_client, "POST", "/assets", admin, json=monitor, expect=201)

    vendor = _definition(61, "Vendor", "DROPDOWN", required=True,
                         options=["HP", "Dell", "Lenovo", "Apple", "Canon", "Brother"])  # fmt: skip
    assert created == {
        "id": 12, "name": "Monitor", "description": "Screens", "keyPrefix": "MON",
        "attributes": [_definition(18, "Model", "TEXT"), vendor], "createdAt": FROZEN, "createdBy": ADMIN_ACCOUNT,
    }  # fmt: skip
    assert asset["asset"]["key"] == "MON-1"
    assert call(emulator_client, "GET", "/collections/12", admin) == created


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "laptop", "keyPrefix": "NB"}, "A collection named 'laptop' already exists"),
        ({"name": "Notebook", "keyPrefix": "LAP"}, "A collection with key prefix 'LAP' already exists"),
    ],
)
def test_a_duplicate_name_or_key_prefix_is_a_409(
    emulator_client: Client, admin: dict[str, str], body: dict[str, Any], message: str
) -> None:
    answer = call(emulator_client, "POST", "/collections", admin, json=body, expect=409)

    assert answer == {"timestamp": FROZEN, "status": 409, "error": "Conflict", "message": message,
                      "path": f"{BASE}/collections"}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"keyPrefix": "NB"}, "name"),
        ({"name": "Notebook", "keyPrefix": "nb-1"}, "keyPrefix"),
        ({"name": "Notebook", "keyPrefix": "NB", "attributes": [18, 9999]}, "attributes[1]"),
        ({"name": "Notebook", "keyPrefix": "NB", "schemeId": 42}, "schemeId"),
    ],
)
def test_a_bad_collection_is_a_400_naming_the_field(
    emulator_client: Client, admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    answer = call(emulator_client, "POST", "/collections", admin, json=body, expect=400)

    assert [e["field"] for e in answer["errors"]] == [field]


def test_a_write_token_may_not_manage_collections(emulator_app: FastAPI, emulator_client: Client) -> None:
    write = bearer(emulator_app, "WRITE")

    body = call(
        emulator_client, "POST", "/collections", write, json={"name": "Monitor", "keyPrefix": "MON"}, expect=403
    )

    assert body["message"] == "This token has WRITE access; ADMIN access is required"


def test_a_renamed_collection_is_searchable_under_its_new_name(emulator_client: Client, admin: dict[str, str]) -> None:
    renamed = call(emulator_client, "PUT", "/collections/6", admin, json={"name": "Printing Devices"})
    dc = emulator_client.post("/rest/jip-api/1.0/index/query.json", auth=("admin", "admin"),
                              json={"queryIndexSearchParams": [{"field": "form.name", "fieldType": "LIST",
                                                                "keywords": ["Printing Devices"]}]})  # fmt: skip

    assert (renamed["name"], renamed["keyPrefix"], len(renamed["attributes"])) == ("Printing Devices", "PRN", 4)
    assert [a["name"] for a in dc.json()["assets"]] == ["Printer001", "Printer002", "Printer003"]


def test_dropping_an_attribute_from_a_collection_drops_its_values(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    updated = call(emulator_client, "PUT", "/collections/9", admin, json={"attributes": [18, 61]})
    laptop = call(emulator_client, "GET", "/assets/LAP-1", admin)
    ram = {"filters": [{"field": "RAM (GB)", "operator": "GTE", "value": 1}], "collectionIds": [9]}
    found = call(emulator_client, "POST", "/assets/search", admin, json=ram)

    assert [a["name"] for a in updated["attributes"]] == ["Model", "Vendor"]
    assert [a["name"] for a in laptop["attributes"]] == ["Model", "Vendor"]
    assert keys(found) == []
    assert value(call(emulator_client, "GET", "/assets/SRV-1", admin), "RAM (GB)") == 64  # other collections keep it


def test_a_non_empty_collection_cannot_be_deleted(emulator_client: Client, admin: dict[str, str]) -> None:
    body = call(emulator_client, "DELETE", "/collections/6", admin, expect=409)

    assert body["message"] == "Collection 6 still holds 3 assets; delete them first"


def test_an_empty_collection_is_deleted(emulator_client: Client, admin: dict[str, str]) -> None:
    created = call(
        emulator_client, "POST", "/collections", admin, json={"name": "Monitor", "keyPrefix": "MON"}, expect=201
    )

    response = emulator_client.delete(f"{BASE}/collections/{created['id']}", headers=admin)

    assert (response.status_code, response.content) == (204, b"")
    call(emulator_client, "GET", f"/collections/{created['id']}", admin, expect=404)


def test_an_update_naming_scheme_id_is_a_400_and_changes_nothing(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    before = call(emulator_client, "GET", "/collections/9", admin)

    answer = call(emulator_client, "PUT", "/collections/9", admin, json={"name": "Notebook", "schemeId": 2}, expect=400)

    message = "schemeId: a collection's scheme is chosen when it is created"
    assert answer == {
        "timestamp": FROZEN, "status": 400, "error": "Bad Request", "message": message,
        "path": f"{BASE}/collections/9", "errors": [{"field": "schemeId", "message": message}],
    }  # fmt: skip
    assert call(emulator_client, "GET", "/collections/9", admin) == before


def test_an_update_of_an_unknown_collection_is_a_404_before_its_body_is_judged(
    emulator_client: Client, admin: dict[str, str]
) -> None:
    answer = call(emulator_client, "PUT", "/collections/777", admin, json={"colour": "red"}, expect=404)

    assert answer["status"] == 404
    assert answer["message"] == call(emulator_client, "GET", "/collections/777", admin, expect=404)["message"]


def test_the_collection_update_schema_offers_only_what_an_update_takes(emulator_client: Client) -> None:
    doc = emulator_client.get("/openapi.json").json()
    put = doc["paths"][f"{BASE}/collections/{{collection_id}}"]["put"]
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert ref == "CollectionUpdate"
    assert set(doc["components"]["schemas"][ref]["properties"]) == {"name", "keyPrefix", "description", "attributes"}
    assert "schemeId" in doc["components"]["schemas"]["CollectionWrite"]["properties"]
