"""What record mode writes of an exchange: never a credential, whatever shape it travels in."""

from __future__ import annotations

import json

import pytest

from emulator.dialects.proxy import records

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _exchange(request_headers: dict[str, str], request_body: bytes, answer: bytes = b"") -> dict[str, object]:
    request = {"time": 0, "method": "POST", "path": "/rest/auth/1/session", "query": b"", "headers": request_headers,
               "body": request_body}  # fmt: skip
    return records.exchange(1, request, 200, {"content-type": "application/json"}, answer)


def test_a_login_form_keeps_the_user_and_masks_the_password() -> None:
    record = _exchange(FORM, b"os_username=admin&os_password=hunter2&os_cookie=true")

    assert (record["requestBody"], record["requestText"]) == (None, "os_username=admin&os_password=***&os_cookie=***")


def test_a_session_cookie_in_an_answer_is_masked() -> None:
    answer = b'{"session": {"name": "JSESSIONID", "value": "ABCDEF123"}, "loginInfo": {"loginCount": 3}}'

    record = _exchange({"content-type": "application/json"}, b'{"username": "admin"}', answer)

    assert record["responseBody"] == {"session": "***", "loginInfo": {"loginCount": 3}}


@pytest.mark.parametrize("name", ["os_password", "refresh_token", "client_secret", "api_key", "X-Api-Key", "apiToken"])
def test_every_name_that_holds_a_credential_is_masked_in_json_and_in_the_query(name: str) -> None:
    request = {"time": 0, "method": "POST", "path": "/rest/jip-api/1.0/index/query.json",
               "query": f"{name}=s3cret&page=2".encode(), "headers": {"content-type": "application/json"},
               "body": json.dumps({name: "s3cret", "pageSize": 5}).encode()}  # fmt: skip

    record = records.exchange(1, request, 200, {}, b"")

    assert record["requestBody"] == {name: "***", "pageSize": 5}
    assert "s3cret" not in record["query"]
    assert "page=2" in record["query"]


def test_a_body_nested_deeper_than_the_parser_goes_is_kept_as_text() -> None:
    deep = b"[" * 3000  # within any body limit: json.loads raised RecursionError out of the recorder
    assert records.body_of(deep, "application/json") == (None, deep.decode()[: records.TEXT_LIMIT])
