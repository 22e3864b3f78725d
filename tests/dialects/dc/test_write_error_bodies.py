"""Whole error bodies of rejected updates and deletes (issue 23: the write path moved from the ORM to Core; these
bodies were recorded from the ORM path and must not change), and a rejected write leaves no trace."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, JDOE

INVENTORY = "/rest/jip-api/1.0/inventory"
LICENSE, LAPTOP = 131, 167
MISSING = {"success": False, "errorCode": "EntityNotFoundException", "errorMessage": "Asset 999999 does not exist"}
FORBIDDEN = {
    "success": False,
    "errorCode": "PermissionException",
    "errorMessage": "You do not have the Delete Asset permission in scheme 'IT Hardware'",
}


def _invalid(message: str) -> dict[str, Any]:
    return {"success": False, "errorCode": "ValidationException", "errorMessage": message}


BAD_UPDATES = [
    (LICENSE, {"attributes": {"License Key": None}}, 400,
     _invalid("attribute 'License Key' is required on form 10 'License'")),
    (LICENSE, {"name": "  "}, 400, _invalid("name: an asset needs a non-empty name")),
    (LAPTOP, {"attributes": {"RAM (GB)": 8, "IP": "1.2.3.4"}}, 400,
     _invalid("attribute 'IP' is not on form 9 'Laptop'")),
    (LAPTOP, {"attributes": {"asset.status": "Lost"}}, 400, _invalid("field 'asset.status': unknown status 'Lost'")),
    (LAPTOP, {"attributes": {"asset.quantity": "many"}}, 400,
     _invalid("field 'asset.quantity': 'many' is not a whole number")),
]  # fmt: skip


def _snapshot(client: Client, asset_id: int) -> Any:
    return client.get(f"{INVENTORY}/{asset_id}.json", auth=ADMIN).json()


@pytest.mark.parametrize(("asset_id", "body", "status", "answer"), BAD_UPDATES)
def test_a_rejected_update_answers_the_whole_body_and_leaves_no_trace(
    emulator_client: Client, asset_id: int, body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    before = _snapshot(emulator_client, asset_id), emulator_client.get("/_emulator/health").json()

    response = emulator_client.put(f"{INVENTORY}/{asset_id}.json", json=body, auth=ADMIN)

    assert response.status_code == status
    assert response.json() == answer
    assert (_snapshot(emulator_client, asset_id), emulator_client.get("/_emulator/health").json()) == before


@pytest.mark.parametrize("method", ["put", "delete"])
def test_a_write_of_a_missing_asset_is_a_404_body(emulator_client: Client, method: str) -> None:
    kwargs: dict[str, Any] = {"json": {"name": "x"}} if method == "put" else {}

    response = emulator_client.request(method.upper(), f"{INVENTORY}/999999.json", auth=ADMIN, **kwargs)

    assert (response.status_code, response.json()) == (404, MISSING)


def test_a_write_without_the_permission_is_a_403_body(emulator_client: Client) -> None:
    response = emulator_client.delete(f"{INVENTORY}/{LAPTOP}.json", auth=JDOE)

    assert (response.status_code, response.json()) == (403, FORBIDDEN)
