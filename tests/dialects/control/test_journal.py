"""The request journal (control-api.md): what was called, by whom, with what answer; bounded, filtered, masked."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from emulator.app import create_app
from emulator.core.journal import Filter, Journal, principal
from emulator.dialects.control.journal import JournalRecorder
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir
from tests.helpers import ADMIN, SEARCH

REQUESTS = "/_emulator/requests"
ASSET = "/rest/jip-api/1.0/inventory/9999.json"
LOCATION = "/rest/jip-api/1.0/location/1.json"
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC
MISSING = {"success": False, "errorCode": "EntityNotFoundException", "errorMessage": "Asset 9999 does not exist"}


def _requests(http: Client, **filters: Any) -> list[dict[str, Any]]:
    response = http.get(REQUESTS, params=filters)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert answer["total"] == len(answer["requests"])
    found: list[dict[str, Any]] = answer["requests"]
    return found


def _count(http: Client, **filters: Any) -> int:
    response = http.get(f"{REQUESTS}/count", params=filters)
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


def _without_latency(entry: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(entry["latencyMs"], float | int)
    assert entry["latencyMs"] >= 0
    return {k: v for k, v in entry.items() if k != "latencyMs"}


@pytest.fixture
def small_app(seeded_template: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """An emulator whose journal keeps 5 requests and 64 bytes of each body."""
    settings = Settings(
        data_dir=copy_data_dir(seeded_template, tmp_path / "data"), journal_size=5, journal_body_limit=64
    )
    app = create_app(settings)
    yield app
    app.state.emulator.close()


@pytest.mark.fresh_app  # its request is journal id 1: a new app's
def test_a_vendor_call_is_recorded_whole(emulator_app: FastAPI, emulator_client: Client) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)

    emulator_client.put(ASSET, params={"notify": "false"}, json={"name": "Renamed"}, auth=ADMIN)

    [entry] = _requests(emulator_client)
    assert _without_latency(entry) == {
        "id": 1, "time": FROZEN, "method": "PUT", "path": ASSET, "query": "notify=false", "status": 404,
        "principal": "admin", "client": None, "warnings": [], "authFailure": None,
        "requestBody": {"name": "Renamed"}, "requestText": '{"name":"Renamed"}', "requestTruncated": False,
        "requestSize": 18, "responseBody": MISSING, "responseText": json.dumps(MISSING, separators=(",", ":")),
        "responseTruncated": False, "responseSize": len(json.dumps(MISSING, separators=(",", ":"))),
    }  # fmt: skip


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_requests_are_listed_newest_last_with_rising_ids(emulator_client: Client) -> None:
    emulator_client.get(ASSET, auth=ADMIN)
    emulator_client.get(LOCATION, auth=ADMIN)
    emulator_client.get(LOCATION)

    found = _requests(emulator_client)

    assert [(e["id"], e["path"], e["status"], e["principal"]) for e in found] == [
        (1, ASSET, 404, "admin"),
        (2, LOCATION, 200, "admin"),
        (3, LOCATION, 401, None),
    ]


def test_control_routes_the_docs_and_the_page_are_never_recorded(emulator_client: Client) -> None:
    emulator_client.get("/_emulator/health")
    emulator_client.get(f"{REQUESTS}/count")
    emulator_client.get("/openapi.json")
    emulator_client.get("/docs")
    assert emulator_client.get("/", follow_redirects=False).status_code == 302  # to the web page
    emulator_client.get("/_emulator/ui/")

    assert _requests(emulator_client) == []


def test_the_journal_keeps_only_the_newest_requests_within_its_bound(small_app: FastAPI) -> None:
    with TestClient(small_app) as client:
        for _ in range(40):
            client.get(ASSET, auth=ADMIN)

        found = _requests(client)

    assert [e["id"] for e in found] == [36, 37, 38, 39, 40]


def test_requests_are_filtered_by_method_exact_path_glob_status_and_since(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    clock = emulator_app.state.emulator.clock
    clock.freeze(FROZEN)
    emulator_client.get(ASSET, auth=ADMIN)
    clock.advance(1000)
    emulator_client.get(LOCATION, auth=ADMIN)
    emulator_client.post(SEARCH, json={"pageSize": 1}, auth=ADMIN)
    emulator_client.get(LOCATION)

    def paths(**filters: Any) -> list[tuple[str, str, int]]:
        return [(e["method"], e["path"], e["status"]) for e in _requests(emulator_client, **filters)]

    assert paths(method="post") == [("POST", SEARCH, 200)]
    assert paths(path=LOCATION) == [("GET", LOCATION, 200), ("GET", LOCATION, 401)]
    assert paths(path="/rest/jip-api/1.0/in*") == [("GET", ASSET, 404), ("POST", SEARCH, 200)]
    assert paths(status="404") == [("GET", ASSET, 404)]
    assert paths(status="4xx") == [("GET", ASSET, 404), ("GET", LOCATION, 401)]
    assert paths(since=FROZEN + 1000, method="GET", status="200") == [("GET", LOCATION, 200)]
    assert paths(path="/rest/api/2/*") == []


def test_the_client_header_is_recorded_and_filtered_on(emulator_client: Client) -> None:
    emulator_client.get(LOCATION, auth=ADMIN, headers={"X-AIP-Emulator-Client": "ui"})
    emulator_client.get(ASSET, auth=ADMIN)

    assert [(e["path"], e["client"]) for e in _requests(emulator_client)] == [(LOCATION, "ui"), (ASSET, None)]
    assert [e["path"] for e in _requests(emulator_client, client="ui")] == [LOCATION]
    assert _count(emulator_client, client="ui") == 1
    assert _count(emulator_client, client="other") == 0


def test_count_says_how_often_an_endpoint_was_called(emulator_client: Client) -> None:
    emulator_client.get(LOCATION, auth=ADMIN)
    emulator_client.get(ASSET, auth=ADMIN)
    emulator_client.get(LOCATION, auth=ADMIN)

    assert _count(emulator_client, path=LOCATION) == 2
    assert _count(emulator_client, path=LOCATION, method="GET", status="200") == 2
    assert _count(emulator_client, path=LOCATION, method="DELETE") == 0
    assert _count(emulator_client) == 3


def test_passwords_tokens_and_credentials_never_reach_the_journal(emulator_client: Client) -> None:
    body = {"name": "x", "password": "hunter2", "nested": [{"apiToken": "s3cr3t", "keep": 1}], "token": "tkn"}

    emulator_client.put(ASSET, params={"token": "qtoken", "q": "1"}, json=body, auth=("admin", "pa55word"))

    [entry] = _requests(emulator_client)
    assert entry["requestBody"] == {
        "name": "x",
        "password": "***",
        "nested": [{"apiToken": "***", "keep": 1}],
        "token": "***",
    }
    assert entry["query"] == "token=***&q=1"
    assert entry["principal"] == "admin"
    dumped = json.dumps(entry)
    for secret in ("hunter2", "s3cr3t", "tkn", "qtoken", "pa55word"):
        assert secret not in dumped


def test_bodies_no_json_answer_can_carry_and_odd_token_claims_are_still_listed(emulator_client: Client) -> None:
    """A body nested deeper than the parser goes and one with a lone surrogate (both refused with 400), and a token
    whose subject is a lone surrogate: the journal lists them (it answered 500 to every listing after one), each
    such body as its text only, the subject escaped."""
    emulator_client.delete(REQUESTS)
    json_type = {"Content-Type": "application/json"}
    deep, lone = b"[" * 3000, b'{"genericKeyword": "a\\ud800"}'
    payload = base64.urlsafe_b64encode(b'{"sub": "\\ud800", "jti": "x"}').decode().rstrip("=")

    statuses = [
        emulator_client.post(SEARCH, content=deep, headers=json_type, auth=ADMIN).status_code,
        emulator_client.post(SEARCH, content=lone, headers=json_type, auth=ADMIN).status_code,
        emulator_client.get("/api/v1/assets/1", headers={"Authorization": f"Bearer e30.{payload}.sig"}).status_code,
    ]

    entries = _requests(emulator_client)
    assert statuses == [400, 400, 401]
    assert [(e["requestBody"], e["requestText"], e["principal"]) for e in entries] == [
        (None, deep.decode(), "admin"),
        (None, lone.decode(), "admin"),
        (None, None, "\\ud800/x"),
    ]


def test_a_bearer_caller_is_named_by_owner_and_token_id_never_by_the_token(emulator_client: Client) -> None:
    token = jwt.encode(
        {"jti": "tok-7", "sub": "557058:owner", "iss": "elsewhere"},
        "a-secret-the-emulator-never-saw-" * 2,
        algorithm="HS256",
    )

    emulator_client.get("/api/v1/assets/1", headers={"Authorization": f"Bearer {token}"})

    [entry] = _requests(emulator_client)
    assert entry["principal"] == "557058:owner/tok-7"
    assert token not in json.dumps(entry)


def test_bodies_longer_than_the_limit_are_cut_and_say_how_much_is_missing(small_app: FastAPI) -> None:
    body = {"name": "n" * 40, "password": "hunter2", "tail": "t" * 60}
    with TestClient(small_app) as client:
        client.put(ASSET, json=body, auth=ADMIN)
        [entry] = _requests(client)

    sent = len(json.dumps(body, separators=(",", ":")))
    answer = json.dumps(MISSING, separators=(",", ":"))
    assert {k: v for k, v in entry.items() if k.startswith("request")} == {
        "requestBody": None, "requestText": '{"name":"' + "n" * 40 + '","password":"***"', "requestTruncated": True,
        "requestSize": sent,
    }  # fmt: skip
    assert (entry["responseBody"], entry["responseText"]) == (None, answer[:64])
    assert (entry["responseTruncated"], entry["responseSize"]) == (True, len(answer))


@pytest.mark.fresh_app  # counts rule or journal ids from 1: a new app's
def test_clearing_the_journal_forgets_every_request(emulator_client: Client) -> None:
    emulator_client.get(LOCATION, auth=ADMIN)

    response = emulator_client.delete(REQUESTS)

    assert response.status_code == 204
    assert response.content == b""
    assert _requests(emulator_client) == []
    emulator_client.get(LOCATION, auth=ADMIN)
    assert [e["id"] for e in _requests(emulator_client)] == [2]


def test_a_journal_of_size_zero_records_nothing(seeded_template: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), journal_size=0))
    with TestClient(app) as client:
        client.get(LOCATION, auth=ADMIN)

        assert client.get(REQUESTS).json() == {"total": 0, "requests": []}
        assert _count(client) == 0
    app.state.emulator.close()


def test_a_malformed_status_filter_is_answered_in_the_control_error_shape(emulator_client: Client) -> None:
    response = emulator_client.get(REQUESTS, params={"status": "teapot"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "ValidationException",
        "message": "status: String should match pattern '^(\\d{3}|\\dxx)$' (got 'teapot')",
    }


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic !!!", "Bearer not-a-jwt", "Bearer a.b.c", "Negotiate abc"],
)
def test_an_unreadable_authorization_header_names_nobody(header: str | None) -> None:
    assert principal(header) is None


@pytest.mark.parametrize("chunks", [[b"answer"], [b"ans", b"wer"]], ids=["one body", "streamed"])
def test_a_request_is_in_the_journal_before_its_client_can_read_the_last_byte(chunks: list[bytes]) -> None:
    """A test asserts on the journal right after its call returns (and a reset clears the journal right after a test):
    the entry must be there when the last byte goes out, not some time after (a race CI once lost)."""
    journal = Journal(10, 100, lambda: FROZEN)
    seen_at_last_byte: list[list[str]] = []

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for number, chunk in enumerate(chunks, 1):
            await send({"type": "http.response.body", "body": chunk, "more_body": number < len(chunks)})

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            seen_at_last_byte.append([e.path for e in journal.find(Filter())])

    scope = {"type": "http", "method": "POST", "path": SEARCH, "root_path": "", "headers": [], "query_string": b""}
    asyncio.run(JournalRecorder(answer, journal)(scope, receive, send))

    assert seen_at_last_byte == [[SEARCH]]
    [entry] = journal.find(Filter())
    assert (entry.status, entry.response_body, entry.response_size) == (200, b"answer", 6)


def test_a_request_whose_answer_breaks_off_is_recorded_once_as_a_500() -> None:
    journal = Journal(10, 100, lambda: FROZEN)

    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("the app failed before answering")

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        raise AssertionError("nothing is sent")

    scope = {"type": "http", "method": "GET", "path": LOCATION, "root_path": "", "headers": [], "query_string": b""}
    with pytest.raises(RuntimeError):
        asyncio.run(JournalRecorder(broken, journal)(scope, receive, send))

    assert [(e.path, e.status) for e in journal.find(Filter())] == [(LOCATION, 500)]
