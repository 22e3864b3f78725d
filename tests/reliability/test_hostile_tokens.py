"""Hostile credentials get a 401 in the dialect's shape, never a 500: Bearer tokens signed with the right secret whose
claims have odd types or values (a token's claims are any JSON), and Basic headers with bytes that are not ASCII."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from emulator.settings import default_fixtures
from emulator.testing import Client
from tests.helpers import CLOUD_ADMIN_TOKEN

NOW = 1_735_689_600_000  # 2025-01-01T00:00Z, frozen so that Cloud error timestamps are known
ASSETS = "/api/v1/assets"
JIRA_401 = {"message": "Client must be authenticated to access this resource.", "status-code": 401}
SECRET = json.loads((default_fixtures() / "cloud.json").read_text(encoding="utf-8"))["jwtSecret"]
CLAIMS: dict[str, Any] = jwt.decode(CLOUD_ADMIN_TOKEN, options={"verify_signature": False})


@pytest.fixture
def client(emulator_client: Client) -> Client:
    response = emulator_client.post("/_emulator/clock", json={"set": NOW, "freeze": True})
    assert response.status_code == 200, response.text
    return emulator_client


def signed(**claims: Any) -> str:
    """The default admin token's claims with `claims` changed, signed with the fixtures' secret (a valid signature:
    only the claims are odd). PyJWT writes NaN and the infinities as json.dumps does, as `NaN` and `Infinity`."""
    return jwt.encode(CLAIMS | claims, SECRET, algorithm="HS256")


def refused(client: Client, token: str) -> tuple[int, Any, str | None]:
    response = client.get(ASSETS, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json(), response.headers.get("www-authenticate")


def cloud_401(message: str) -> dict[str, Any]:
    return {"timestamp": NOW, "status": 401, "error": "Unauthorized", "message": message, "path": ASSETS}


def not_a_time(name: str, shown: str) -> str:
    return f"Invalid token: its {name} claim is {shown}, not a time; a JWT's {name} is a number of seconds since 1970"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": "abc"}, not_a_time("exp", '"abc"')),  # was a 500 (int('abc'))
        ({"exp": "99999999999"}, not_a_time("exp", '"99999999999"')),  # was accepted
        ({"exp": float("nan")}, not_a_time("exp", "NaN")),  # was a 500
        ({"exp": float("inf")}, not_a_time("exp", "Infinity")),  # was a 500
        ({"exp": True}, not_a_time("exp", "true")),
        ({"exp": [1]}, not_a_time("exp", "[1]")),  # was a 500
        ({"exp": None}, not_a_time("exp", "null")),  # was a 500
        ({"exp": {"at": 1}}, not_a_time("exp", '{"at": 1}')),  # was a 500
        ({"iat": "x"}, not_a_time("iat", '"x"')),  # was accepted
        ({"nbf": "x" * 100}, not_a_time("nbf", '"' + "x" * 39 + "...")),
        (
            {"exp": -(10**20)},  # before the year 1: the message's date was an OverflowError (a 500)
            "Invalid token: it has expired (at -100000000000000000000 seconds since 1970, by the emulator's clock); "
            "mint a new one: POST /_emulator/tokens",
        ),
        (
            {"nbf": NOW // 1000 + 60},  # was accepted
            "Invalid token: it is not valid before 2025-01-01T00:01:00Z (its nbf claim), by the emulator's clock",
        ),
    ],
    ids=["text", "digits", "nan", "inf", "true", "list", "null", "object", "iat", "nbf-long", "year-0", "nbf-ahead"],
)
def test_a_time_claim_that_is_no_time_or_not_yet_is_401(client: Client, claims: dict[str, Any], message: str) -> None:
    assert refused(client, signed(**claims)) == (401, cloud_401(message), "Bearer")


@pytest.mark.parametrize("claims", [{"exp": 1.9e9}, {"exp": 10**30}, {"nbf": NOW // 1000}, {"iat": 10**15}])
def test_time_claims_that_are_numbers_in_range_are_accepted(client: Client, claims: dict[str, Any]) -> None:
    response = client.get(f"{ASSETS}?maxResult=1", headers={"Authorization": f"Bearer {signed(**claims)}"})
    assert response.status_code == 200, response.text


def test_a_claim_with_a_lone_surrogate_is_401_and_the_journal_lists_it(client: Client) -> None:
    """The 401's message repeats the token id; it was a 500 (the answer's UTF-8 encoder), and once answered, every
    journal listing was a 500 too (the reason kept for `authFailure`)."""
    message = (
        "Invalid token: this emulator holds no token '\\ud800' (a reset or reseed forgets the tokens minted since the "
        "baseline); mint a new one: POST /_emulator/tokens"
    )
    assert client.delete("/_emulator/requests").status_code == 204
    assert refused(client, signed(jti="\ud800")) == (401, cloud_401(message), "Bearer")
    listing = client.get("/_emulator/requests")
    assert listing.status_code == 200, listing.text
    [entry] = listing.json()["requests"]
    assert (entry["status"], entry["principal"], entry["authFailure"]) == (401, f"{CLAIMS['sub']}/\\ud800", message)
    assert entry["responseBody"] == cloud_401(message)


@pytest.mark.parametrize("path", ["/rest/jip-api/1.0/inventory/1.json", "/rest/api/2/myself"])
@pytest.mark.parametrize("credentials", [b"\xff\xfe", b"YWRt\xe9W46YWRtaW4="], ids=["bytes", "inside-base64"])
def test_a_basic_header_with_bytes_that_are_not_ascii_is_401(client: Client, path: str, credentials: bytes) -> None:
    """Header bytes past ASCII (obs-text) reach the app as Latin-1 text; base64 of that was a ValueError (a 500)."""
    response = client.get(path, headers={b"Authorization": b"Basic " + credentials})
    assert (response.status_code, response.json()) == (401, JIRA_401)
    assert response.headers["x-seraph-loginreason"] == "AUTHENTICATED_FAILED"
