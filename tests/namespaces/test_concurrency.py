"""8 namespaces, one thread each, running create/search/update/delete/reset cycles at once against one live server:
every answer is what that namespace alone would give, and nothing is a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import LiveServer, close_app, copy_data_dir
from tests.helpers import ADMIN, SEARCH

pytestmark = pytest.mark.slow  # many threads of load against one or more emulators

INVENTORY = "/rest/jip-api/1.0/inventory"
NAMESPACES, CYCLES = 8, 5
BASELINE_ASSETS = 39
EVERYTHING: dict[str, Any] = {"queryIndexSearchParams": [], "pageSize": 1}


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    with LiveServer(app) as live:
        yield live.url
    close_app(app)


class Worker:
    """One namespace's client and what that namespace alone must answer."""

    def __init__(self, base_url: str, name: str) -> None:
        self.name = name
        self.client = httpx.Client(base_url=f"{base_url}/_ns/{name}", auth=ADMIN, timeout=60)
        self.statuses: list[int] = []
        self.mismatches: list[str] = []
        self.expected_total = BASELINE_ASSETS

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        self.statuses.append(response.status_code)
        return response

    def expect(self, what: str, got: object, wanted: object) -> None:
        if got != wanted:
            self.mismatches.append(f"{self.name} {what}: got {got!r}, wanted {wanted!r}")

    def by_name(self, name: str) -> list[int]:
        body = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": name, "fieldType": "STRING"}]}
        return [a["id"] for a in self.call("POST", SEARCH, json=body).json().get("assets", [])]

    def total(self) -> int:
        answer = self.call("POST", SEARCH, json=EVERYTHING).json()
        return int(answer.get("queryPagingInfo", {}).get("totalRecords", -1))

    def cycle(self, round_: int) -> None:
        name = f"{self.name}x{round_}"
        created = self.call("POST", f"{INVENTORY}.json", json={"formId": 9, "name": name, "attributes": {}})
        asset_id = created.json().get("data", {}).get("id")
        self.expected_total += 1
        self.expect("search after create", self.by_name(name), [asset_id])
        self.expect("total after create", self.total(), self.expected_total)
        renamed = f"{name}r"
        self.call("PUT", f"{INVENTORY}/{asset_id}.json", json={"name": renamed})
        self.expect("search after update", (self.by_name(name), self.by_name(renamed)), ([], [asset_id]))
        if round_ % 2:
            self.call("DELETE", f"{INVENTORY}/{asset_id}.json")
            self.expected_total -= 1
            self.expect("search after delete", self.by_name(renamed), [])
        if round_ % 3 == 2:
            self.call("POST", "/_emulator/reset")
            self.expected_total = BASELINE_ASSETS
        self.expect("total at the end of a cycle", self.total(), self.expected_total)

    def run(self) -> None:
        with self.client:
            for round_ in range(CYCLES):
                self.cycle(round_)


def test_eight_namespaces_under_load_at_once_answer_as_if_alone(server: str) -> None:
    workers = [Worker(server, f"load{i}") for i in range(NAMESPACES)]

    with ThreadPoolExecutor(max_workers=NAMESPACES) as pool:
        for future in [pool.submit(w.run) for w in workers]:
            future.result()

    statuses = [s for w in workers for s in w.statuses]
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) <= {200, 201, 204}
    assert [m for w in workers for m in w.mismatches] == []
    with httpx.Client(base_url=server) as client:
        assert client.get("/_emulator/health").json()["assets"] == BASELINE_ASSETS
        listed = {n["name"]: n["assets"] for n in client.get("/_emulator/namespaces").json()}
    assert listed == {"default": BASELINE_ASSETS, **{w.name: w.expected_total for w in workers}}
