"""With `control_auth` on, the control routes need an administrator (for shared demo environments)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import copy_data_dir


@pytest.fixture(scope="module")  # its tests only read or are refused: one guarded app serves them all
def guarded(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = copy_data_dir(seeded_template, tmp_path_factory.mktemp("guarded") / "data")
    app = create_app(Settings(data_dir=data_dir, control_auth=True))
    with TestClient(app) as client:
        yield client


def test_control_routes_are_open_by_default(emulator_client: TestClient) -> None:
    assert emulator_client.get("/_emulator/snapshots").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic YWRtaW46d3Jvbmc="}])  # none; admin:wrong
def test_guarded_control_routes_say_what_a_caller_needs(guarded: TestClient, headers: dict[str, str]) -> None:
    response = guarded.post("/_emulator/reset", headers=headers)

    assert response.status_code == 401
    assert response.json() == {  # what to do next, not Jira's bare "Client must be authenticated"
        "error": "AuthenticationException",
        "message": "The emulator's control routes need an administrator's Basic credentials (a member of "
        "jira-administrators): AIP_EMULATOR_CONTROL_AUTH is on",
    }


def test_control_routes_refuse_non_administrators_when_guarded(guarded: TestClient) -> None:
    response = guarded.get("/_emulator/requests", auth=("jdoe", "jdoe"))

    assert response.status_code == 403
    assert response.json() == {
        "error": "PermissionException",
        "message": "The emulator's control routes need a member of jira-administrators",
    }


def test_an_administrator_may_use_the_guarded_control_routes(guarded: TestClient) -> None:
    for path in ("/_emulator/snapshots", "/_emulator/faults", "/_emulator/tokens", "/_emulator/clock"):
        assert guarded.get(path, auth=("admin", "admin")).status_code == 200, path


def test_health_stays_open_for_probes_when_guarded(guarded: TestClient) -> None:
    health = guarded.get("/_emulator/health").json()
    assert health == {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0}
