"""The control routes the README lists exist; a wrong method is a 405 in the dialect's shape with `Allow`
(issue 11: 7), and HTTP users get real time back (issue 11: 9)."""

from __future__ import annotations

import pytest

from emulator.testing import Client

FROZEN = {"freeze": True, "set": 1_000_000_000_000}


def test_get_one_token(emulator_client: Client) -> None:
    answer = emulator_client.get("/_emulator/tokens/default-read")

    assert answer.status_code == 200
    assert answer.json() == {
        "id": "default-read",
        "name": "Default read token",
        "access": "READ",
        "createdAt": 1704067200000,
        "expiresAt": None,
        "ownerAccountId": "557058:00000000-0000-4000-8000-000000010000",
    }


def test_get_an_unknown_token_is_a_404(emulator_client: Client) -> None:
    answer = emulator_client.get("/_emulator/tokens/nope")

    assert (answer.status_code, answer.json()) == (
        404,
        {"error": "EntityNotFoundException", "message": "No token with id 'nope'"},
    )


def test_get_one_fault(emulator_client: Client) -> None:
    added = emulator_client.post("/_emulator/faults", json={"path": "/rest/*", "status": 503}).json()

    answer = emulator_client.get(f"/_emulator/faults/{added['id']}")

    assert answer.status_code == 200
    assert answer.json() == {**added, "hits": 0}
    assert emulator_client.get("/_emulator/faults/999").json() == {
        "error": "EntityNotFoundException",
        "message": "No fault rule with id 999",
    }


def test_delete_clock_goes_back_to_real_time(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/clock", json=FROZEN)

    answer = emulator_client.delete("/_emulator/clock")

    assert answer.status_code == 200
    body = answer.json()
    assert list(body) == ["now", "frozen"]
    assert body["frozen"] is False
    assert body["now"] > 1_700_000_000_000


def test_reset_also_brings_the_clock_back(emulator_client: Client) -> None:
    emulator_client.post("/_emulator/clock", json=FROZEN)

    assert emulator_client.post("/_emulator/reset").json() == {"status": "reset", "assets": 39}

    assert emulator_client.get("/_emulator/clock").json()["frozen"] is False
    assert emulator_client.get("/_emulator/clock").json()["now"] > 1_700_000_000_000


@pytest.mark.parametrize(
    ("method", "path", "allow", "body"),
    [
        (
            "DELETE",
            "/rest/jip-api/1.0/form/list.json",
            "GET",
            {
                "success": False,
                "errorCode": "MethodNotAllowedException",
                "errorMessage": "Method DELETE is not allowed on /rest/jip-api/1.0/form/list.json",
            },
        ),
        (
            "POST",
            "/rest/api/2/myself",
            "GET",
            {"errorMessages": ["Method POST is not allowed on /rest/api/2/myself"], "errors": {}},
        ),
        (
            "PUT",
            "/_emulator/reset",
            "POST",
            {"error": "MethodNotAllowedException", "message": "Method PUT is not allowed on /_emulator/reset"},
        ),
        (
            "PATCH",
            "/rest/jip-api/1.0/inventory/1.json",
            "GET, PUT, DELETE",
            {
                "success": False,
                "errorCode": "MethodNotAllowedException",
                "errorMessage": "Method PATCH is not allowed on /rest/jip-api/1.0/inventory/1.json",
            },
        ),
    ],
)
def test_a_wrong_method_is_a_405_in_the_dialects_shape_with_allow(
    emulator_client: Client, method: str, path: str, allow: str, body: dict[str, object]
) -> None:
    answer = emulator_client.request(method, path, auth=("admin", "admin"))

    assert answer.status_code == 405
    assert answer.headers["Allow"] == allow
    assert answer.json() == body


def test_a_wrong_method_on_the_cloud_api_is_its_405(emulator_client: Client) -> None:
    answer = emulator_client.request("PATCH", "/api/v1/collections")

    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, POST"
    body = answer.json()
    assert isinstance(body.pop("timestamp"), int)
    assert body == {
        "status": 405,
        "error": "Method Not Allowed",
        "message": "Method PATCH is not allowed on /api/v1/collections",
        "path": "/api/v1/collections",
    }
