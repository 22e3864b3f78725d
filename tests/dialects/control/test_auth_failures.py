"""The journal and the log say why a 401 happened; the client's body stays the same (issue 11: 13)."""

from __future__ import annotations

import logging

import pytest

from emulator.testing import Client
from tests.helpers import SEARCH

JIRA_401 = {"message": "Client must be authenticated to access this resource.", "status-code": 401}
FORMS = "/rest/jip-api/1.0/form/list.json"


def _last_failure(client: Client) -> str | None:
    entry = client.get("/_emulator/requests").json()["requests"][-1]
    assert entry["status"] == 401
    failure: str | None = entry["authFailure"]
    return failure


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        (("admin", "wrong"), "wrong password for user 'admin'"),
        (("nobody", "nobody"), "unknown user 'nobody'"),
        (("bsmith", "bsmith"), "inactive user 'bsmith'"),
        (None, "no Basic credentials"),
    ],
)
def test_each_basic_refusal_is_recorded_with_its_reason(
    emulator_client: Client, auth: tuple[str, str] | None, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, "aip_emulator"):
        answer = emulator_client.get(FORMS, auth=auth)

    assert answer.status_code == 401
    assert answer.json() == JIRA_401
    assert _last_failure(emulator_client) == reason
    assert f"401 on GET {FORMS}: {reason}" in caplog.messages
    assert not any("wrong" in message and "admin:wrong" in message for message in caplog.messages)


def test_an_expired_token_is_recorded_as_expired(emulator_client: Client) -> None:
    created = emulator_client.post("/_emulator/tokens", json={"name": "t", "access": "READ"}).json()  # 30 days
    emulator_client.post("/_emulator/clock", json={"advanceMs": 31 * 86_400_000})

    answer = emulator_client.get("/api/v1/collections", headers={"Authorization": f"Bearer {created['token']}"})

    assert answer.status_code == 401
    assert str(_last_failure(emulator_client)).startswith("Invalid token: it has expired (at ")


def test_a_successful_call_has_no_failure(emulator_client: Client) -> None:
    emulator_client.post(SEARCH, json={}, auth=("admin", "admin"))

    assert emulator_client.get("/_emulator/requests").json()["requests"][-1]["authFailure"] is None
