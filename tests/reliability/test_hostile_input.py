"""Hostile input gets a clear 4xx in the vendor's shape, never a 500: huge bodies (413), deeply nested JSON,
invalid UTF-8, wrong content types, page sizes of 0, negative or enormous numbers, far-away dates."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import Client, copy_data_dir
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

NOW = 1_735_689_600_000  # 2025-01-01T00:00Z, frozen so that Cloud error timestamps are known
CLOUD_SEARCH = "/api/v1/assets/search"
CLOCK = "/_emulator/clock"
LIMIT = 1_048_576
TOO_LARGE = f"The request body is larger than the limit of {LIMIT} bytes"
UNREADABLE = (
    "Malformed JSON in the request body: it is not valid UTF-8, it is nested too deeply, "
    "or it has a number of more than 4300 digits"
)
NOT_JSON = "request body: not read as JSON; send it with Content-Type: application/json"
JSON = {"Content-Type": "application/json"}
DEEP = b"[" * 100_000
BAD_UTF8 = b'{"genericKeyword": "\xff\xfe"}'
LONE_SURROGATE = "Malformed JSON in the request body: a string holds a lone UTF-16 surrogate (\\ud800-\\udfff unpaired)"


@pytest.fixture
def client(emulator_client: Client) -> Client:
    response = emulator_client.post(CLOCK, json={"set": NOW, "freeze": True})
    assert response.status_code == 200, response.text
    return emulator_client


@pytest.fixture
def cloud_token() -> str:
    return CLOUD_ADMIN_TOKEN


def dc_error(message: str) -> dict[str, Any]:
    return {"success": False, "errorCode": "ValidationException", "errorMessage": message}


def cloud_error(status: int, message: str, path: str = CLOUD_SEARCH, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "timestamp": NOW,
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": path,
    }
    if field is not None:
        body["errors"] = [{"field": field, "message": message}]
    return body


def control_error(message: str) -> dict[str, Any]:
    return {"error": "ValidationException", "message": message}


def dc_post(client: Client, content: bytes, headers: dict[str, str] = JSON) -> tuple[int, Any]:
    response = client.post(SEARCH, content=content, headers=headers, auth=ADMIN)
    return response.status_code, response.json()


def cloud_post(client: Client, token: str, content: bytes, headers: dict[str, str] = JSON) -> tuple[int, Any]:
    response = client.post(CLOUD_SEARCH, content=content, headers={**headers, "Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


def control_post(client: Client, content: bytes, headers: dict[str, str] = JSON) -> tuple[int, Any]:
    response = client.post(CLOCK, content=content, headers=headers)
    return response.status_code, response.json()


# -- huge bodies ---------------------------------------------------------------------------------------------------
def test_a_huge_body_is_413_in_every_dialect(client: Client, cloud_token: str) -> None:
    huge = b" " * (LIMIT + 1)
    assert dc_post(client, huge) == (413, dc_error(TOO_LARGE))
    assert cloud_post(client, cloud_token, huge) == (413, cloud_error(413, TOO_LARGE))
    assert control_post(client, huge) == (413, control_error(TOO_LARGE))


def test_a_body_at_the_limit_is_read(client: Client) -> None:
    body = b'{"pageSize": 1}'
    status, answer = dc_post(client, body + b" " * (LIMIT - len(body)))
    assert status == 200, answer
    assert answer["queryIndexParam"]["pageSize"] == 1


def test_the_limit_is_a_setting_and_counts_chunked_bodies(seeded_template: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), max_body_bytes=64)

    def chunks() -> Any:  # no Content-Length: the body is counted as it arrives
        yield b'{"genericKeyword": "'
        yield b"x" * 100
        yield b'"}'

    app = create_app(settings)
    try:
        with TestClient(app) as small:
            response = small.post(SEARCH, content=chunks(), headers=JSON, auth=ADMIN)
            message = "The request body is larger than the limit of 64 bytes"
            assert (response.status_code, response.json()) == (413, dc_error(message))
            assert small.post(SEARCH, json={"pageSize": 1}, auth=ADMIN).status_code == 200
    finally:
        app.state.emulator.close()


# -- unreadable JSON -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [DEEP, b'{"a":' * 100_000, BAD_UTF8, b'{"pageSize": ' + b"9" * 4301 + b"}"],  # the last said 'nested too deeply'
    ids=["deep-array", "deep-object", "utf8", "digits"],
)
def test_unreadable_json_is_400_in_every_dialect(client: Client, cloud_token: str, content: bytes) -> None:
    assert dc_post(client, content) == (400, dc_error(UNREADABLE))
    assert cloud_post(client, cloud_token, content) == (400, cloud_error(400, UNREADABLE, field="body"))
    assert control_post(client, content) == (400, control_error(UNREADABLE))


@pytest.mark.parametrize(
    "content",
    [
        b'{"genericKeyword": "a\\ud800"}',  # a high surrogate escaped alone
        b'{"genericKeyword": "\\uDFFFb"}',  # a low one
        b'{"genericKeyword": "\\ude00\\ud83d"}',  # a pair the wrong way round
        b'{"genericKeyword": ["x", {"\\ud800": 1}]}',  # a key, deeper down
        b'{"genericKeyword": "x\xed\xa0\x80"}',  # the UTF-8 bytes of one (json.loads reads them with surrogatepass)
        '{"genericKeyword": "x\ud800"}'.encode("utf-16-le", "surrogatepass"),  # json.loads reads UTF-16 and 32 too
        '{"genericKeyword": "x\udfff"}'.encode("utf-32-be", "surrogatepass"),
    ],
    ids=["high", "low", "reversed", "key", "bytes", "utf-16", "utf-32"],
)
def test_a_lone_surrogate_is_400_in_every_dialect(client: Client, cloud_token: str, content: bytes) -> None:
    assert dc_post(client, content) == (400, dc_error(LONE_SURROGATE))
    assert cloud_post(client, cloud_token, content) == (400, cloud_error(400, LONE_SURROGATE, field="body"))
    assert control_post(client, content) == (400, control_error(LONE_SURROGATE))


def test_a_lone_surrogate_is_never_stored_and_a_pair_or_an_escaped_backslash_is_text(client: Client) -> None:
    """A create naming an asset with a lone surrogate is refused before anything is written; a surrogate pair is
    the character it encodes, an escaped backslash before `ud800` is those six characters, and a Hangul syllable
    (its UTF-8 starts with the byte a surrogate's would) is itself."""
    before = client.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"]
    create = b'{"formId": 9, "name": "bad\\ud800"}'
    response = client.post("/rest/jip-api/1.0/inventory.json", content=create, headers=JSON, auth=ADMIN)
    assert (response.status_code, response.json()) == (400, dc_error(LONE_SURROGATE))
    assert client.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"] == before
    texts = [(b"p \\ud83d\\ude00", "p \U0001f600"), (b"s \\\\ud800", "s \\ud800"), (b"h \xed\x95\x9c", "h \ud55c")]
    for raw, name in texts:
        body = b'{"formId": 9, "name": "' + raw + b'"}'
        response = client.post("/rest/jip-api/1.0/inventory.json", content=body, headers=JSON, auth=ADMIN)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["name"] == name


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_wrong_content_type_is_400_in_every_dialect(client: Client, cloud_token: str, content_type: str) -> None:
    headers = {"Content-Type": content_type}
    assert dc_post(client, b"{}", headers) == (400, dc_error(NOT_JSON))
    assert cloud_post(client, cloud_token, b"{}", headers) == (400, cloud_error(400, NOT_JSON, field="body"))
    assert control_post(client, b"{}", headers) == (400, control_error(NOT_JSON))


# -- numbers and dates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [0, -5, 10**30])
def test_dc_page_sizes_out_of_range(client: Client, size: int) -> None:
    status, answer = dc_post(client, f'{{"pageSize": {size}}}'.encode())
    assert (status, answer) == (400, dc_error(f"pageSize: {size} is not allowed; use 1 to 1000"))


def test_dc_far_away_dates(client: Client) -> None:
    param = {"field": "asset.created", "fieldType": "DATE_TIME", "minDate": "99999-01-01", "range": True}
    response = client.post(SEARCH, json={"queryIndexSearchParams": [param]}, auth=ADMIN)
    message = (
        "queryIndexSearchParams[0].minDate/maxDate: '99999-01-01' is not a valid date; "
        "use yyyy-MM-dd or yyyy-MM-ddTHH:mm"
    )
    assert (response.status_code, response.json()) == (400, dc_error(message))


@pytest.mark.parametrize("number", [2**63, 10**30])
def test_dc_list_pages_past_any_list_are_empty(client: Client, number: int) -> None:
    """Was a 500 (islice takes offsets up to sys.maxsize) for a form's assets; the search endpoint already held."""
    response = client.get(f"/rest/jip-api/1.0/inventory/list.json?formId=9&pageNumber={number}", auth=ADMIN)
    paging = {"pageRecordSize": 0, "totalRecords": 8, "totalPages": 1, "pageNumber": number, "pageSize": 15}
    expected: dict[str, Any] = {"success": True, "errorCode": None, "errorMessage": None, "data": []}
    assert (response.status_code, response.json()) == (200, expected | {"pagingInfo": paging | {"hasNext": False}})


@pytest.mark.parametrize("asset_id", ["9223372036854775808", "9" * 5000])
def test_dc_enormous_ids_are_404(client: Client, asset_id: str) -> None:
    for method in ("GET", "PUT", "DELETE"):
        path = f"/rest/jip-api/1.0/inventory/{asset_id}.json"
        response = client.request(method, path, json={} if method == "PUT" else None, auth=ADMIN)
        assert response.status_code == 404, response.text
        assert response.json()["errorCode"] == "EntityNotFoundException"


def test_cloud_negative_page_size(client: Client, cloud_token: str) -> None:
    response = client.get("/api/v1/assets?maxResult=-1", headers={"Authorization": f"Bearer {cloud_token}"})
    message = "maxResult: -1 is not allowed; use 0 to 100"
    expected = cloud_error(400, message, path="/api/v1/assets", field="maxResult")
    assert (response.status_code, response.json()) == (400, expected)


@pytest.mark.parametrize("key", ["9" * 30, "9" * 5000, "²"])
def test_cloud_enormous_or_odd_asset_ids_are_404(client: Client, cloud_token: str, key: str) -> None:
    response = client.get(f"/api/v1/assets/{key}", headers={"Authorization": f"Bearer {cloud_token}"})
    expected = cloud_error(404, f"Asset {key} does not exist", path=f"/api/v1/assets/{key}")
    assert (response.status_code, response.json()) == (404, expected)


def test_cloud_enormous_attribute_id_is_404(client: Client, cloud_token: str) -> None:
    path = "/api/v1/attributes/-33083731759143734738944"
    response = client.delete(path, headers={"Authorization": f"Bearer {cloud_token}"})
    expected = cloud_error(404, "Attribute -33083731759143734738944 does not exist", path=path)
    assert (response.status_code, response.json()) == (404, expected)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"set": -1}, "set: Input should be greater than or equal to 0 (got -1)"),
        ({"set": 10**20}, "set: Input should be less than or equal to 253402300799999 (got 100000000000000000000)"),
        ({"advanceMs": -(10**14)}, "advanceMs: -100000000000000 moves the clock outside 1970 to 9999"),
    ],
)
def test_control_clock_far_away_times(client: Client, body: dict[str, int], message: str) -> None:
    response = client.post(CLOCK, json=body)
    assert (response.status_code, response.json()) == (400, control_error(message))
    assert client.get(CLOCK).json() == {"now": NOW, "frozen": True}


def test_control_snapshot_names_that_are_not_file_names(client: Client) -> None:
    name = "x" * 300
    for method, path in (("DELETE", f"/_emulator/snapshots/{name}"), ("POST", f"/_emulator/snapshots/{name}/restore")):
        response = client.request(method, path)
        message = f"Snapshot '{name}' does not exist"
        assert (response.status_code, response.json()) == (
            404,
            {"error": "EntityNotFoundException", "message": message},
        )
