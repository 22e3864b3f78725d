"""Cloud Bearer tokens (cloud-api.md §2): a good token names its owner and access; every bad one is a 401 saying why."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import jwt
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from emulator.core.errors import AuthenticationError, PermissionDenied
from emulator.core.token_codec import DAY_MS, Access, Caller, TokenInfo, mint
from emulator.core.tokens import authenticate, create_token, revoke_token
from emulator.dialects.cloud.auth import CloudCaller
from emulator.runtime.emulator import Emulator

FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC
ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
BSMITH_ACCOUNT = "557058:00000000-0000-4000-8000-000000010103"  # inactive in the default fixtures
READ_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJkZWZhdWx0LXJlYWQiLCJpc3MiOiJhaXAtY2xvdWQiLCJzdWIiOiI1NTcwNTg6MDAw"
    "MDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDEwMDAwIiwidGVuYW50IjoiZW11bGF0b3IiLCJuYW1lIjoiRGVmYXVsdCByZWFkIHRva2VuIiwiY"
    "WNjZXNzIjoiUkVBRCIsImlhdCI6MTcwNDA2NzIwMH0.PtIHj155bvIuiAXkdT3sxN0mtH51iAXcF_TnKvBGepI"
)  # default-read, from fixtures/README.md


@pytest.fixture
def emu(emulator_app: FastAPI) -> Emulator:
    emulator: Emulator = emulator_app.state.emulator
    emulator.clock.freeze(FROZEN)
    return emulator


def _caller(emu: Emulator, header: str | None) -> Caller:
    """Authenticate as the Cloud dependency does, with the emulator's own secret, registry and clock."""
    return authenticate(emu, header)


def _refusal(emu: Emulator, header: str | None) -> str:
    with pytest.raises(AuthenticationError) as caught:
        _caller(emu, header)
    return caught.value.message


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_a_never_expiring_fixture_token_authenticates_its_owner(emu: Emulator) -> None:
    emu.clock.freeze(FROZEN + 3650 * DAY_MS)

    caller = _caller(emu, f"Bearer {READ_TOKEN}")

    assert (caller.user.username, caller.access, caller.token_id) == ("admin", Access.READ, "default-read")


def test_the_bearer_scheme_is_case_insensitive(emu: Emulator) -> None:
    assert _caller(emu, f"bearer {READ_TOKEN}").token_id == "default-read"


REQUIRED = "A Bearer token is required (Authorization: Bearer <token>); "


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (None, "the request has no Authorization header"),
        ("", "the request has no Authorization header"),
        ("Bearer", "the header names no token after 'Bearer'"),
        ("Bearer   ", "the header names no token after 'Bearer'"),
        (
            "Basic YWRtaW46YWRtaW4=",
            "the header's scheme is 'Basic': the Cloud API takes a Bearer token, not Jira credentials",
        ),
    ],
)
def test_a_missing_bearer_token_is_refused_saying_what_was_sent(emu: Emulator, header: str | None, why: str) -> None:
    assert _refusal(emu, header) == REQUIRED + why


NOT_A_JWT = (
    "Invalid token: not a JWT (three base64url parts joined by dots, header.payload.signature); "
    "check that the whole token was copied"
)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-jwt", NOT_A_JWT),
        (READ_TOKEN[:40], NOT_A_JWT),
        (
            "{{jwtToken}}",
            "Invalid token: '{{jwtToken}}' is an unresolved variable, not a JWT; define 'jwtToken' in the active "
            "environment (or mint a token: POST /_emulator/tokens)",
        ),
        (
            "{{ jwtTokn }}",
            "Invalid token: '{{jwtTokn}}' is an unresolved variable, not a JWT; define 'jwtTokn' in the active "
            "environment (or mint a token: POST /_emulator/tokens)",
        ),
        (f'"{READ_TOKEN}"', "Invalid token: it is wrapped in quotes; send the token without them"),
        (f"'{READ_TOKEN}'", "Invalid token: it is wrapped in quotes; send the token without them"),
        (f"Bearer {READ_TOKEN}", "Invalid token: 'Bearer' is written twice; send Authorization: Bearer <token> once"),
        (f"{READ_TOKEN[:30]} {READ_TOKEN[30:]}", "Invalid token: it contains whitespace; a JWT is one unbroken line"),
        (
            "abc.def.ghi",
            "Invalid token: it has a JWT's three parts but they do not decode to a header and claims; "
            "check that the whole token was copied",
        ),
    ],
)
def test_a_token_that_is_no_jwt_is_refused_naming_the_likely_slip(emu: Emulator, token: str, message: str) -> None:
    assert _refusal(emu, f"Bearer {token}") == message


def test_a_token_signed_with_another_secret_is_refused(emu: Emulator) -> None:
    forged = jwt.encode(_claims(READ_TOKEN), "another-secret-that-is-long-enough-for-hs256", algorithm="HS256")

    assert _refusal(emu, f"Bearer {forged}") == (
        "Invalid token: its signature does not match this emulator's key; it was minted by another emulator "
        "(another data directory or AIP_EMULATOR_JWT_SECRET) or changed after minting"
    )


def test_an_unsigned_alg_none_token_is_refused(emu: Emulator) -> None:
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(READ_TOKEN))}."

    assert _refusal(emu, f"Bearer {unsigned}") == "Invalid token: its algorithm is not accepted; tokens are HS256"


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 wants a 64-byte key
def test_a_token_of_another_algorithm_is_refused_even_with_the_right_secret(emu: Emulator) -> None:
    hs512 = jwt.encode(_claims(READ_TOKEN), emu.jwt_secret, algorithm="HS512")

    assert _refusal(emu, f"Bearer {hs512}") == "Invalid token: its algorithm is not accepted; tokens are HS256"


def test_a_token_of_another_issuer_is_refused(emu: Emulator) -> None:
    other = jwt.encode(_claims(READ_TOKEN) | {"iss": "someone-else"}, emu.jwt_secret, algorithm="HS256")

    assert _refusal(emu, f"Bearer {other}") == "Invalid token: Invalid issuer"


def test_a_token_without_an_access_claim_is_refused(emu: Emulator) -> None:
    claims = {k: v for k, v in _claims(READ_TOKEN).items() if k != "access"}
    bare = jwt.encode(claims, emu.jwt_secret, algorithm="HS256")

    assert _refusal(emu, f"Bearer {bare}") == 'Invalid token: Token is missing the "access" claim'


def test_a_token_expires_at_its_expiry_by_the_emulator_clock(emu: Emulator) -> None:
    _, token = create_token(emu, "short", "READ", expires_at=FROZEN + 60_000)

    emu.clock.advance(59_999)
    assert _caller(emu, f"Bearer {token}").access == Access.READ
    emu.clock.advance(1)
    assert _refusal(emu, f"Bearer {token}") == (
        "Invalid token: it has expired (at 2026-01-01T00:01:00Z, by the emulator's clock); "
        "mint a new one: POST /_emulator/tokens"
    )


def test_a_token_without_expiry_lasts_thirty_days(emu: Emulator) -> None:
    info, token = create_token(emu, "default lifetime", "WRITE")

    assert info.expires_at == FROZEN + 30 * DAY_MS
    assert _claims(token)["exp"] == (FROZEN + 30 * DAY_MS) // 1000
    emu.clock.advance(30 * DAY_MS - 1)
    assert _caller(emu, f"Bearer {token}").token_id == info.id
    emu.clock.advance(1)
    assert _refusal(emu, f"Bearer {token}") == (
        "Invalid token: it has expired (at 2026-01-31T00:00:00Z, by the emulator's clock); "
        "mint a new one: POST /_emulator/tokens"
    )


def test_a_token_created_while_the_emulator_clock_is_ahead_of_the_wall_clock_is_accepted(emu: Emulator) -> None:
    emu.clock.freeze(4_102_444_800_000)  # 2100-01-01: PyJWT would call its iat "not yet valid" by the wall clock

    _, token = create_token(emu, "future", "READ")

    assert _caller(emu, f"Bearer {token}").access == Access.READ


def test_a_revoked_token_is_refused_from_the_next_request_on(emu: Emulator) -> None:
    info, token = create_token(emu, "to revoke", "WRITE")
    assert _caller(emu, f"Bearer {token}").token_id == info.id

    revoke_token(emu, info.id)

    assert _refusal(emu, f"Bearer {token}") == "Invalid token: it has been revoked"


def test_a_token_of_another_tenant_is_refused(emu: Emulator) -> None:
    info, _ = create_token(emu, "tenant", "READ")

    foreign = mint(info, emu.jwt_secret, "another-tenant")

    assert _refusal(emu, f"Bearer {foreign}") == "Invalid token: it was issued for another tenant"


def test_a_well_signed_token_with_an_unknown_id_is_refused(emu: Emulator) -> None:
    ghost = TokenInfo("ghost", "ghost", Access.ADMIN, FROZEN, None, ADMIN_ACCOUNT)

    token = mint(ghost, emu.jwt_secret, emu.settings.tenant)

    assert _refusal(emu, f"Bearer {token}") == (
        "Invalid token: this emulator holds no token 'ghost' (a reset or reseed forgets the tokens minted since the "
        "baseline); mint a new one: POST /_emulator/tokens"
    )


def test_a_token_of_an_inactive_owner_is_refused(emu: Emulator) -> None:
    _, token = create_token(emu, "bob's", "READ", owner_account_id=BSMITH_ACCOUNT)

    assert _refusal(emu, f"Bearer {token}") == "Invalid token: its owner is not an active user"


def test_a_read_token_may_not_write(emu: Emulator) -> None:
    caller = _caller(emu, f"Bearer {READ_TOKEN}")

    caller.require(Access.READ)
    with pytest.raises(PermissionDenied) as caught:
        caller.require(Access.WRITE)
    assert caught.value.message == "This token has READ access; WRITE access is required"


def test_an_admin_token_may_do_everything(emu: Emulator) -> None:
    _, token = create_token(emu, "admin", "ADMIN")
    caller = _caller(emu, f"Bearer {token}")

    for needed in Access:
        caller.require(needed)


# -- over HTTP: a probe route behind the Cloud dependency, until the Cloud resource routes exist -------------------
@pytest.fixture
def probe_client(emulator_app: FastAPI, emu: Emulator) -> Iterator[TestClient]:
    probe = APIRouter()

    @probe.get("/probe")
    def read(caller: CloudCaller) -> dict[str, str]:
        caller.require(Access.WRITE)
        return {"user": caller.user.username, "access": caller.access.value}

    emulator_app.include_router(probe, prefix=emu.settings.cloud_base_path)
    with TestClient(emulator_app) as client:
        yield client


@pytest.mark.fresh_app  # the probe route is added to the app, and its TestClient's lifespan closes it
def test_a_cloud_route_answers_a_good_token(probe_client: TestClient, emu: Emulator) -> None:
    _, token = create_token(emu, "probe", "WRITE")

    response = probe_client.get("/api/v1/probe", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {"user": "admin", "access": "WRITE"}


@pytest.mark.fresh_app  # the probe route is added to the app, and its TestClient's lifespan closes it
def test_a_cloud_route_refuses_a_missing_token_with_a_bearer_challenge(probe_client: TestClient) -> None:
    response = probe_client.get("/api/v1/probe")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "timestamp": FROZEN,
        "status": 401,
        "error": "Unauthorized",
        "message": REQUIRED + "the request has no Authorization header",
        "path": "/api/v1/probe",
    }


@pytest.mark.fresh_app  # the probe route is added to the app, and its TestClient's lifespan closes it
def test_a_cloud_route_refuses_too_little_access_with_a_403(probe_client: TestClient) -> None:
    response = probe_client.get("/api/v1/probe", headers={"Authorization": f"Bearer {READ_TOKEN}"})

    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers
    assert response.json() == {
        "timestamp": FROZEN,
        "status": 403,
        "error": "Forbidden",
        "message": "This token has READ access; WRITE access is required",
        "path": "/api/v1/probe",
    }
