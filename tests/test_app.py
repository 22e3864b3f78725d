"""`create_app`: the apps of one process share the routes the dialects' routers were included as (made once per pair
of paths), and each still answers from its own emulator at its own paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from emulator.app import create_app
from emulator.core.catalog import UserInfo
from emulator.core.errors import PermissionDenied
from emulator.dialects.http.deps import dc_user
from emulator.settings import Settings
from emulator.testing import Client, close_app, copy_data_dir
from emulator.testing_transport import AppLoop, in_process_client
from tests.helpers import ADMIN, SEARCH

INVENTORY = "/rest/jip-api/1.0/inventory.json"
LOCATION = "/rest/jip-api/1.0/location/1.json"
ATTRIBUTES = "/rest/jip-api/1.0/attribute/list.json"
BASELINE_ASSETS = 39


@contextmanager
def started(template: Path, where: Path, loop: AppLoop, **settings: Any) -> Iterator[Client]:
    app = create_app(Settings(data_dir=copy_data_dir(template, where), **settings))
    try:
        with in_process_client(app, loop) as client:
            yield client
    finally:
        close_app(app)


def assets(client: Client, base: str = "") -> int:
    count: int = client.get(f"{base}/_emulator/health").json()["assets"]
    return count


def test_two_apps_of_one_process_each_answer_from_their_own_data(
    seeded_template: Path, tmp_path: Path, app_loop: AppLoop
) -> None:
    with (
        started(seeded_template, tmp_path / "a", app_loop) as a,
        started(seeded_template, tmp_path / "b", app_loop) as b,
    ):
        created = a.post(INVENTORY, json={"formId": 9, "name": "Only in a", "attributes": {}}, auth=ADMIN)

        assert created.status_code == 200, created.text
        assert (assets(a), assets(b)) == (BASELINE_ASSETS + 1, BASELINE_ASSETS)
        asset = f"/rest/jip-api/1.0/inventory/{created.json()['data']['id']}.json"
        assert (a.get(asset, auth=ADMIN).status_code, b.get(asset, auth=ADMIN).status_code) == (200, 404)


def test_apps_at_other_paths_in_one_process_answer_at_their_own(
    seeded_template: Path, tmp_path: Path, app_loop: AppLoop
) -> None:
    with (
        started(seeded_template, tmp_path / "plain", app_loop) as plain,
        started(seeded_template, tmp_path / "jira", app_loop, context_path="/jira", cloud_base_path="/cloud") as jira,
    ):
        assert plain.get(LOCATION, auth=ADMIN).status_code == 200
        assert plain.get(f"/jira{LOCATION}", auth=ADMIN).status_code == 404
        assert jira.get(f"/jira{LOCATION}", auth=ADMIN).status_code == 200
        assert jira.get(LOCATION, auth=ADMIN).status_code == 404
        assert (assets(plain), assets(jira)) == (BASELINE_ASSETS, BASELINE_ASSETS)


def test_an_apps_dependency_overrides_apply_to_its_own_requests_only(
    seeded_template: Path, tmp_path: Path, app_loop: AppLoop
) -> None:
    async def refused() -> UserInfo:
        raise PermissionDenied("overridden in this app")

    overridden = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "a")))
    overridden.dependency_overrides[dc_user] = refused
    try:
        with in_process_client(overridden, app_loop) as a, started(seeded_template, tmp_path / "b", app_loop) as b:
            answers = [a.get(ATTRIBUTES, auth=ADMIN), a.post(SEARCH, json={}, auth=ADMIN)]  # the search: its twin too

            refusal = {"success": False, "errorCode": "PermissionException", "errorMessage": "overridden in this app"}
            assert [(r.status_code, r.json()) for r in answers] == [(403, refusal)] * 2
            assert [b.get(ATTRIBUTES, auth=ADMIN).status_code, b.post(SEARCH, json={}, auth=ADMIN).status_code] == [
                200
            ] * 2
    finally:
        close_app(overridden)
