"""Fault injection (control-api.md): rules that delay or fail matching vendor calls, never the emulator's own."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from emulator.core.faults import FaultRule, Faults
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH

FAULTS = "/_emulator/faults"
LOCATION = "/rest/jip-api/1.0/location/1.json"
ASSET = "/rest/jip-api/1.0/inventory/9999.json"
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC
NO_RULE = {"status": None, "body": None, "delayMs": None, "times": None, "probability": None, "seed": None}


def _add(client: Client, **rule: Any) -> dict[str, Any]:
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()
    return added


def _statuses(client: Client, path: str, calls: int) -> list[int]:
    return [client.get(path, auth=ADMIN).status_code for _ in range(calls)]


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_a_fault_answers_its_status_in_the_dc_error_shape_with_or_without_json(emulator_client: Client) -> None:
    added = _add(emulator_client, method="POST", path=SEARCH, status=503)

    bare = emulator_client.post(SEARCH.removesuffix(".json"), json={}, auth=ADMIN)
    dotted = emulator_client.post(SEARCH, json={}, auth=ADMIN)

    assert added == {"id": 1, "method": "POST", "path": SEARCH, **NO_RULE, "status": 503, "retryAfter": None}
    assert (bare.status_code, dotted.status_code) == (503, 503)
    assert (
        bare.json()
        == dotted.json()
        == {
            "success": False,
            "errorCode": "ServiceUnavailableException",
            "errorMessage": "Service Unavailable (a fault injected by the emulator)",
        }
    )


def test_a_fault_on_a_cloud_path_answers_in_the_cloud_error_shape(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    _add(emulator_client, path="/api/v1/assets/*", status=500)

    response = emulator_client.get("/api/v1/assets/17")

    assert response.status_code == 500
    assert response.json() == {
        "timestamp": FROZEN,
        "status": 500,
        "error": "Internal Server Error",
        "message": "Internal Server Error (a fault injected by the emulator)",
        "path": "/api/v1/assets/17",
    }


def test_an_injected_401_is_jiras_own(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, status=401)

    response = emulator_client.get(LOCATION, auth=ADMIN)

    assert response.status_code == 401
    assert response.json() == {"message": "Client must be authenticated to access this resource.", "status-code": 401}


def test_a_fault_hits_only_its_method_and_path(emulator_client: Client) -> None:
    _add(emulator_client, method="get", path=LOCATION, status=500)

    assert emulator_client.get(LOCATION, auth=ADMIN).status_code == 500
    assert emulator_client.get(LOCATION.removesuffix(".json"), auth=ADMIN).status_code == 500
    assert emulator_client.get("/rest/jip-api/1.0/location/2.json", auth=ADMIN).status_code == 200
    assert emulator_client.get(ASSET, auth=ADMIN).status_code == 404
    assert emulator_client.post(SEARCH, json={"pageSize": 1}, auth=ADMIN).status_code == 200


def test_faults_never_touch_the_emulators_own_routes_or_the_docs(emulator_client: Client) -> None:
    _add(emulator_client, path="/*", status=503)

    assert emulator_client.get(LOCATION, auth=ADMIN).status_code == 503
    for path in ("/_emulator/health", "/_emulator/requests", FAULTS, "/docs", "/openapi.json", "/_emulator/ui/"):
        assert emulator_client.get(path).status_code == 200, path
    assert emulator_client.get("/", follow_redirects=False).status_code == 302  # the way to the web page


@pytest.mark.parametrize("path", ["/_emulator/health", "/", "/docs", "/openapi.json"])
def test_a_rule_for_an_emulator_route_is_refused(emulator_client: Client, path: str) -> None:
    response = emulator_client.post(FAULTS, json={"path": path, "status": 503})  # it could never act

    assert response.status_code == 400
    assert response.json() == {
        "error": "ValidationException",
        "message": "path: faults never touch the emulator's own routes",
    }
    assert emulator_client.get(FAULTS).json() == []


def test_a_glob_re2_cannot_match_is_refused_and_vendor_calls_go_on(emulator_client: Client) -> None:
    """It was kept, and every vendor call answered 500 (RE2: pattern too large) until the rule was deleted."""
    response = emulator_client.post(FAULTS, json={"path": "/" + "*a" * 400_000, "status": 503})

    message = "path: the glob cannot be matched (pattern too large - compile failed); use fewer wildcards"
    assert (response.status_code, response.json()) == (400, {"error": "ValidationException", "message": message})
    assert emulator_client.get(FAULTS).json() == []
    assert _statuses(emulator_client, LOCATION, 1) == [200]


def test_at_most_a_thousand_rules_are_kept(emulator_app: FastAPI, emulator_client: Client) -> None:
    """Every vendor call tests every rule: 5,000 rules made each call take 0.2-0.3 s (each glob compiled again)."""
    faults: Faults = emulator_app.state.faults
    for i in range(1000):
        faults.add(FaultRule(id=0, path=f"/nothing/{i}/*", status=503))

    response = emulator_client.post(FAULTS, json={"path": LOCATION, "status": 503})

    message = (
        "At most 1000 fault rules are kept at once; delete some first "
        "(DELETE /_emulator/faults/{id}, or all of them with DELETE /_emulator/faults)"
    )
    assert (response.status_code, response.json()) == (409, {"error": "ConflictException", "message": message})
    assert len(emulator_client.get(FAULTS).json()) == 1000
    assert _statuses(emulator_client, LOCATION, 1) == [200]


def test_a_rule_that_could_never_act_is_refused(emulator_client: Client) -> None:
    idle = emulator_client.post(FAULTS, json={"path": LOCATION})
    unknown = emulator_client.post(FAULTS, json={"path": LOCATION, "status": 503, "colour": "red"})
    success = emulator_client.post(FAULTS, json={"path": LOCATION, "status": 200})

    assert idle.json() == {"error": "ValidationException", "message": "a fault needs a status, a delayMs or both"}
    assert unknown.json() == {
        "error": "ValidationException",
        "message": "colour: Extra inputs are not permitted (got 'red')",
    }
    assert success.json() == {
        "error": "ValidationException",
        "message": "status: Input should be greater than or equal to 400 (got 200)",
    }
    assert (idle.status_code, unknown.status_code, success.status_code) == (400, 400, 400)
    assert emulator_client.get(FAULTS).json() == []


def test_a_custom_body_is_answered_as_given(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, status=502, body={"oops": [1, "two"], "gateway": None})

    response = emulator_client.get(LOCATION, auth=ADMIN)

    assert response.status_code == 502
    assert response.json() == {"oops": [1, "two"], "gateway": None}


def test_a_delay_alone_slows_the_call_and_then_answers_normally(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, delayMs=150)

    started = time.monotonic()
    response = emulator_client.get(LOCATION, auth=ADMIN)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert response.json()["data"]["locationName"] == "Berlin HQ"
    assert elapsed >= 0.15
    [entry] = emulator_client.get("/_emulator/requests").json()["requests"]
    assert entry["latencyMs"] >= 150


def test_a_delayed_call_does_not_hold_up_other_calls(emulator_app: FastAPI) -> None:
    finished: list[str] = []

    async def both() -> None:
        transport = httpx.ASGITransport(app=emulator_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            await client.post(FAULTS, json={"path": LOCATION, "delayMs": 600})

            async def call(path: str) -> None:
                await client.get(path, auth=ADMIN)
                finished.append(path)

            await asyncio.gather(call(LOCATION), call(ASSET))

    asyncio.run(both())

    assert finished == [ASSET, LOCATION]


def test_times_fails_the_first_calls_then_lets_them_through(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, status=503, times=2)

    assert _statuses(emulator_client, LOCATION, 4) == [503, 503, 200, 200]
    [rule] = emulator_client.get(FAULTS).json()
    assert (rule["times"], rule["hits"]) == (2, 2)


def test_a_429_carries_retry_after(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, status=429, retryAfter=7)

    response = emulator_client.get(LOCATION, auth=ADMIN)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json() == {
        "success": False,
        "errorCode": "TooManyRequestsException",
        "errorMessage": "Too Many Requests (a fault injected by the emulator)",
    }


def test_a_probability_with_a_seed_fails_the_same_calls_every_time(emulator_client: Client) -> None:
    dice = random.Random(42)
    expected = [503 if dice.random() < 0.3 else 200 for _ in range(20)]

    _add(emulator_client, path=LOCATION, status=503, probability=0.3, seed=42)
    first = _statuses(emulator_client, LOCATION, 20)
    emulator_client.delete(FAULTS)
    _add(emulator_client, path=LOCATION, status=503, probability=0.3, seed=42)
    second = _statuses(emulator_client, LOCATION, 20)

    assert first == second == expected
    assert 200 in first
    assert 503 in first
    [rule] = emulator_client.get(FAULTS).json()
    assert rule["hits"] == expected.count(503)


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_the_list_shows_every_rule_with_its_hits(emulator_client: Client) -> None:
    _add(emulator_client, method="GET", path=LOCATION, status=503, times=1)
    _add(emulator_client, path="/rest/jip-api/1.0/inventory/*", delayMs=5, probability=1, seed=3)
    _statuses(emulator_client, LOCATION, 2)
    _statuses(emulator_client, ASSET, 1)

    assert emulator_client.get(FAULTS).json() == [
        {"id": 1, "method": "GET", "path": LOCATION, **NO_RULE, "status": 503, "times": 1, "retryAfter": None,
         "hits": 1},
        {"id": 2, "method": None, "path": "/rest/jip-api/1.0/inventory/*", **NO_RULE, "delayMs": 5,
         "probability": 1.0, "seed": 3, "retryAfter": None, "hits": 1},
    ]  # fmt: skip


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_deleting_one_rule_keeps_the_others(emulator_client: Client) -> None:
    first = _add(emulator_client, path=LOCATION, status=503)
    _add(emulator_client, path=ASSET, status=500)

    response = emulator_client.delete(f"{FAULTS}/{first['id']}")

    assert response.status_code == 204
    assert [rule["id"] for rule in emulator_client.get(FAULTS).json()] == [2]
    assert emulator_client.get(LOCATION, auth=ADMIN).status_code == 200
    assert emulator_client.get(ASSET, auth=ADMIN).status_code == 500


def test_deleting_an_unknown_rule_is_a_404(emulator_client: Client) -> None:
    response = emulator_client.delete(f"{FAULTS}/41")

    assert response.status_code == 404
    assert response.json() == {"error": "EntityNotFoundException", "message": "No fault rule with id 41"}


def test_clearing_the_faults_lets_every_call_through(emulator_client: Client) -> None:
    _add(emulator_client, path=LOCATION, status=503)
    _add(emulator_client, path=ASSET, status=500)

    response = emulator_client.delete(FAULTS)

    assert response.status_code == 204
    assert emulator_client.get(FAULTS).json() == []
    assert emulator_client.get(LOCATION, auth=ADMIN).status_code == 200


def test_the_journal_records_injected_faults(emulator_client: Client) -> None:
    _add(emulator_client, path=SEARCH, status=503)

    emulator_client.post(SEARCH, json={"pageSize": 1}, auth=ADMIN)

    [entry] = emulator_client.get("/_emulator/requests").json()["requests"]
    assert (entry["status"], entry["requestBody"]) == (503, {"pageSize": 1})
    assert entry["responseBody"] == {
        "success": False,
        "errorCode": "ServiceUnavailableException",
        "errorMessage": "Service Unavailable (a fault injected by the emulator)",
    }
