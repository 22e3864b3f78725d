"""`/_emulator/tokens` (control-api.md): create, list and revoke Cloud tokens; the JWT is shown only on creation."""

from __future__ import annotations

import re
from typing import Any

import jwt
import pytest
from fastapi import FastAPI

from emulator.core.errors import AuthenticationError
from emulator.core.tokens import authenticate
from emulator.runtime.emulator import Emulator
from emulator.settings import default_fixtures
from emulator.testing import Client

TOKENS = "/_emulator/tokens"
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC
DAY_MS = 86_400_000
ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
AGENT_ACCOUNT = "557058:00000000-0000-4000-8000-000000010101"
FIXTURE_TOKENS = [
    {
        "id": f"default-{level.lower()}",
        "name": f"Default {level.lower()} token",
        "access": level,
        "createdAt": 1_704_067_200_000,
        "expiresAt": None,
        "ownerAccountId": ADMIN_ACCOUNT,
    }
    for level in ("ADMIN", "READ", "WRITE")  # listed by creation time, then id
]


@pytest.fixture
def emu(emulator_app: FastAPI) -> Emulator:
    emulator: Emulator = emulator_app.state.emulator
    emulator.clock.freeze(FROZEN)
    return emulator


def _create(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(TOKENS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _documented(token_id: str) -> str:
    """The token string fixtures/README.md gives for a default fixture token."""
    readme = (default_fixtures().parent / "README.md").read_text()
    found = re.search(rf"^\| `{token_id}` \| \w+ \| `([\w.-]+)` \|$", readme, re.MULTILINE)
    assert found is not None
    return found.group(1)


def _authenticates(emu: Emulator, token: str) -> str:
    """The id of the token the Cloud API would accept, or the reason it refuses it."""
    try:
        caller = authenticate(emu, f"Bearer {token}")
    except AuthenticationError as exc:
        return exc.message
    return caller.token_id


def test_a_created_token_is_answered_whole_with_its_jwt(emu: Emulator, emulator_client: Client) -> None:
    body = {
        "id": "ci",
        "name": "CI pipeline",
        "access": "WRITE",
        "expiresAt": FROZEN + 7 * DAY_MS,
        "ownerAccountId": AGENT_ACCOUNT,
    }

    created = _create(emulator_client, body)

    assert {k: v for k, v in created.items() if k != "token"} == {
        "id": "ci",
        "name": "CI pipeline",
        "access": "WRITE",
        "createdAt": FROZEN,
        "expiresAt": FROZEN + 7 * DAY_MS,
        "ownerAccountId": AGENT_ACCOUNT,
    }
    assert jwt.decode(created["token"], emu.jwt_secret, algorithms=["HS256"], options={"verify_exp": False}) == {
        "jti": "ci",
        "iss": "aip-cloud",
        "sub": AGENT_ACCOUNT,
        "tenant": "emulator",
        "name": "CI pipeline",
        "access": "WRITE",
        "iat": FROZEN // 1000,
        "exp": (FROZEN + 7 * DAY_MS) // 1000,
    }
    assert _authenticates(emu, created["token"]) == "ci"


def test_only_name_and_access_are_required(emu: Emulator, emulator_client: Client) -> None:
    created = _create(emulator_client, {"name": "quick", "access": "READ"})

    assert len(created["id"]) == 32
    assert int(created["id"], 16) >= 0  # a random hex id
    assert created["expiresAt"] == FROZEN + 30 * DAY_MS  # the default lifetime
    assert created["ownerAccountId"] == ADMIN_ACCOUNT  # the first administrator
    assert _authenticates(emu, created["token"]) == created["id"]


def test_a_never_expiring_token_has_no_expiry(emu: Emulator, emulator_client: Client) -> None:
    created = _create(emulator_client, {"name": "forever", "access": "ADMIN", "neverExpire": True})

    assert created["expiresAt"] is None
    assert "exp" not in jwt.decode(created["token"], options={"verify_signature": False})
    emu.clock.advance(3650 * DAY_MS)
    assert _authenticates(emu, created["token"]) == created["id"]


def test_the_list_shows_every_live_token_without_its_jwt(emu: Emulator, emulator_client: Client) -> None:
    _create(emulator_client, {"id": "ci", "name": "CI", "access": "READ", "neverExpire": True})

    response = emulator_client.get(TOKENS)

    assert response.status_code == 200
    assert response.json() == [
        *FIXTURE_TOKENS,
        {
            "id": "ci",
            "name": "CI",
            "access": "READ",
            "createdAt": FROZEN,
            "expiresAt": None,
            "ownerAccountId": ADMIN_ACCOUNT,
        },
    ]


def test_a_revoked_token_is_refused_and_no_longer_listed(emu: Emulator, emulator_client: Client) -> None:
    token = _create(emulator_client, {"id": "ci", "name": "CI", "access": "WRITE"})["token"]

    response = emulator_client.delete(f"{TOKENS}/ci")

    assert response.status_code == 204
    assert response.content == b""
    assert _authenticates(emu, token) == "Invalid token: it has been revoked"
    assert emulator_client.get(TOKENS).json() == FIXTURE_TOKENS


def test_a_fixture_token_can_be_revoked(emu: Emulator, emulator_client: Client) -> None:
    assert emulator_client.delete(f"{TOKENS}/default-read").status_code == 204

    assert [t["id"] for t in emulator_client.get(TOKENS).json()] == ["default-admin", "default-write"]


def test_revoking_an_unknown_or_revoked_token_is_not_found(emu: Emulator, emulator_client: Client) -> None:
    emulator_client.delete(f"{TOKENS}/default-read")

    for token_id in ("nope", "default-read"):
        response = emulator_client.delete(f"{TOKENS}/{token_id}")
        assert response.status_code == 404
        assert response.json() == {"error": "EntityNotFoundException", "message": f"No token with id '{token_id}'"}


def test_a_token_id_is_used_once(emu: Emulator, emulator_client: Client) -> None:
    response = emulator_client.post(TOKENS, json={"id": "default-read", "name": "again", "access": "READ"})

    assert response.status_code == 409
    assert response.json() == {
        "error": "ConflictException",
        "message": "A token with id 'default-read' already exists",
    }


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"name": " ", "access": "READ"}, "name: a token needs a name"),
    ({"name": "x", "access": "SUPER"}, "access: 'SUPER' is not an access level; use one of READ, WRITE, ADMIN"),
    (
        {"name": "x", "access": "READ", "expiresAt": FROZEN},
        f"expiresAt: {FROZEN} is not in the future (now is {FROZEN})",
    ),
    (
        {"name": "x", "access": "READ", "expiresAt": FROZEN + 1000, "neverExpire": True},
        "expiresAt: give expiresAt or neverExpire, not both",
    ),
    ({"name": "x", "access": "READ", "ownerAccountId": "ghost"}, "ownerAccountId: no user has accountId 'ghost'"),
    ({"name": "x", "access": "READ", "id": "a/b"}, "id: 'a/b' is not a token id; use 1 to 64 of A-Z a-z 0-9 . _ -"),
    ({"name": "x"}, "access: Field required"),
    ({"name": "x", "access": "READ", "scope": "all"}, "scope: Extra inputs are not permitted (got 'all')"),
    (
        {"name": "x", "access": "READ", "expiresAt": "soon"},
        "expiresAt: Input should be a valid integer, unable to parse string as an integer (got 'soon')",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_a_bad_token_request_is_a_400_naming_the_field(
    emu: Emulator, emulator_client: Client, body: dict[str, Any], message: str
) -> None:
    response = emulator_client.post(TOKENS, json=body)

    assert response.status_code == 400
    assert response.json() == {"error": "ValidationException", "message": message}
    assert emulator_client.get(TOKENS).json() == FIXTURE_TOKENS


def test_malformed_json_is_a_400(emu: Emulator, emulator_client: Client) -> None:
    response = emulator_client.post(TOKENS, content=b'{"name": ', headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "ValidationException",
        "message": "Malformed JSON in the request body at position 9: Expecting value",
    }


def test_fixture_tokens_work_on_a_cloud_route_until_revoked(emu: Emulator, emulator_client: Client) -> None:
    read = {"Authorization": f"Bearer {_documented('default-read')}"}
    assert emulator_client.get("/api/v1/collections", headers=read).status_code == 200

    emulator_client.delete(f"{TOKENS}/default-read")
    response = emulator_client.get("/api/v1/collections", headers=read)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "timestamp": FROZEN,
        "status": 401,
        "error": "Unauthorized",
        "message": "Invalid token: it has been revoked",
        "path": "/api/v1/collections",
    }


def test_a_token_created_over_http_works_on_a_cloud_route(emu: Emulator, emulator_client: Client) -> None:
    token = _create(emulator_client, {"name": "reader", "access": "READ"})["token"]

    response = emulator_client.get("/api/v1/global-attributes", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
