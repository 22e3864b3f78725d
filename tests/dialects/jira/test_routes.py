"""Jira's own user and server-info endpoints (dc-api.md §5)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, JDOE

JIRA = "/rest/api/2"


def _jdoe(base: str) -> dict[str, Any]:
    avatar = f"{base}/secure/useravatar?size={{}}&ownerId=jdoe"
    return {
        "self": f"{base}/rest/api/2/user?username=jdoe",
        "key": "JIRAUSER10100",
        "name": "jdoe",
        "emailAddress": "jdoe@example.com",
        "avatarUrls": {
            "48x48": avatar.format("large"),
            "24x24": avatar.format("small"),
            "16x16": avatar.format("xsmall"),
            "32x32": avatar.format("medium"),
        },
        "displayName": "John Doe",
        "active": True,
        "timeZone": "Europe/Berlin",
        "locale": "en_US",
    }


@pytest.mark.parametrize("query", ["key=JIRAUSER10100", "username=jdoe"])
def test_user_by_key_or_username(shared_client: Client, query: str) -> None:
    base = str(shared_client.base_url).rstrip("/")

    response = shared_client.get(f"{JIRA}/user?{query}", auth=ADMIN)

    assert response.status_code == 200
    assert response.json() == _jdoe(base)


def test_unknown_user_is_404_in_jiras_error_shape(shared_client: Client) -> None:
    response = shared_client.get(f"{JIRA}/user?username=ghost", auth=ADMIN)

    assert response.status_code == 404
    assert response.json() == {"errorMessages": ["The user named 'ghost' does not exist"], "errors": {}}


def test_user_lookup_without_key_or_username_is_400(shared_client: Client) -> None:
    response = shared_client.get(f"{JIRA}/user", auth=ADMIN)

    assert response.status_code == 400
    assert response.json() == {"errorMessages": ["The 'username' or 'key' query parameter is required"], "errors": {}}


def test_myself_is_the_caller(shared_client: Client) -> None:
    base = str(shared_client.base_url).rstrip("/")

    assert shared_client.get(f"{JIRA}/myself", auth=JDOE).json() == _jdoe(base)


def test_user_endpoints_need_credentials(shared_client: Client) -> None:
    response = shared_client.get(f"{JIRA}/myself")

    assert response.status_code == 401
    assert response.json() == {"message": "Client must be authenticated to access this resource.", "status-code": 401}


def test_server_info_answers_anonymous_callers_but_not_wrong_credentials(shared_client: Client) -> None:
    anonymous = shared_client.get(f"{JIRA}/serverInfo")
    wrong = shared_client.get(f"{JIRA}/serverInfo", auth=("admin", "nope"))

    assert anonymous.status_code == 200
    info = anonymous.json()
    assert info["deploymentType"] == "Server"
    assert info["baseUrl"] == str(shared_client.base_url).rstrip("/")
    assert info["versionNumbers"] == [int(part) for part in info["version"].split(".")]
    assert list(info) == [
        "baseUrl", "version", "versionNumbers", "deploymentType", "buildNumber", "buildDate", "serverTime",
        "scmInfo", "serverTitle",
    ]  # fmt: skip
    assert wrong.status_code == 401
