"""`compare` against stand-in sources: a capture served again differs in nothing; a divergent source in exactly
what was injected, after its 500 and 429 were retried."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.cli.commands import main
from emulator.cli.compare_battery import fixed
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.seeding.standin import Proxy, Reply, Seen, generated_source, json_reply

pytestmark = pytest.mark.slow  # a generated data set served, captured over HTTP, served again: 1-4 CPU-s
FAST = ["--user", "admin", "--password", "admin", "--rps", "1000"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmulatorServer, Path]]:
    """A generated source and a capture of it."""
    tmp = tmp_path_factory.mktemp("compare")
    with generated_source(tmp, 300) as source:
        assert main(["capture", "--from", source.url, *FAST, "--out", str(tmp / "capture")]) == 0
        yield source, tmp / "capture"


@pytest.fixture(scope="module")
def served(world: tuple[EmulatorServer, Path]) -> Iterator[str]:
    capture = world[1]
    with EmulatorServer(Settings(fixtures=capture, data_dir=capture.with_name("served"))) as server:
        yield server.url


def report(capsys: pytest.CaptureFixture[str], *urls: str) -> dict[str, Any]:
    out = capsys.readouterr().out
    for url, name in zip(urls, ("SOURCE", "EMULATOR"), strict=False):
        out = out.replace(url, name)
    data: dict[str, Any] = json.loads(out)
    return data


def test_a_capture_served_again_differs_in_nothing(
    world: tuple[EmulatorServer, Path], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    source, capture = world
    caplog.set_level(logging.INFO)  # as the command line logs
    assert main(["compare", "--against", source.url, *FAST, "--fixtures", str(capture), "--json"]) == 0
    assert [r.getMessage() for r in caplog.records if r.name == "httpx"] == []  # no log line per request
    found = report(capsys, source.url)
    assert (found["differences"], found["retries"]) == ([], {"source": 0, "emulator": 0})
    assert found["queries"][: len(fixed())] == [q.name for q in fixed()]
    assert len(found["queries"]) == 91  # the fixed part and, per attribute type, its wildcards, ranges, lists, sorts


class Divergent:
    """One changed field, one reordered page, one dropped asset, one 500 and one 429, each on its own query."""

    def __init__(self) -> None:
        self.faults = {"limited", "failed"}  # each happens once

    def __call__(self, seen: Seen, answer: httpx.Response) -> Reply | None:
        body: dict[str, Any] = seen.body or {}
        param = (body.get("queryIndexSearchParams") or [{}])[0]
        if seen.path.endswith("/form/list.json") and self._once("limited"):
            return json_reply({"message": "slow down"}, 429, {"Retry-After": "1"})
        if param.get("maxNum") == 50 and self._once("failed"):
            return json_reply({"message": "boom"}, 500)
        return self._altered(body, param, answer)

    def _once(self, fault: str) -> bool:
        found = fault in self.faults
        self.faults.discard(fault)
        return found

    def _altered(self, body: dict[str, Any], param: dict[str, Any], answer: httpx.Response) -> Reply | None:
        if param.get("field") == "External System Id":
            data = answer.json()
            data["assets"][0]["inventoryItems"][0]["displayValue"] += "x"
        elif body.get("pageNumber") == 3 and body.get("pageSize") == 7:
            data = answer.json()
            data["assets"].reverse()
        elif body.get("sortDirection") == "desc" and body.get("sortField") == "asset.name" and not param:
            data = answer.json()
            del data["assets"][2], data["recordIds"][2]
        else:
            return None
        return json_reply(data)


def test_a_divergent_source_shows_exactly_its_injected_differences_and_its_retries(
    world: tuple[EmulatorServer, Path], served: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = world[0]
    truth = {name: httpx.post(source.url + "/rest/jip-api/1.0/index/query.json", json=q.body, auth=("admin", "admin"))
             .json()["assets"] for q in fixed() if (name := q.name) in {"vendor example: one string field",
             "everything, page 3 of 7", "sort by name desc"}}  # fmt: skip
    page = [a["id"] for a in truth["everything, page 3 of 7"]]
    with Proxy(source.url, Divergent()) as proxy:
        argv = [
            "compare",
            "--against",
            proxy.url,
            *FAST,
            "--emulator",
            served,
            "--json",
            "--html",
            str(tmp_path / "r.html"),
        ]
        assert main(argv) == 1
        found = report(capsys, proxy.url, served)
    one = truth["vendor example: one string field"][0]
    assert found["differences"] == [
        {"query": "vendor example: one string field", "where": f"assets[id={one['id']}].inventoryItems[0].displayValue",
         "kind": "field", "source": one["inventoryItems"][0]["displayValue"] + "x",
         "emulator": one["inventoryItems"][0]["displayValue"]},
        {"query": "everything, page 3 of 7", "where": "assets order", "kind": "order", "source": page[::-1],
         "emulator": page},
        {"query": "sort by name desc", "where": "assets ids", "kind": "ids", "source": [],
         "emulator": [truth["sort by name desc"][2]["id"]]},
    ]  # fmt: skip
    assert found["retries"] == {"source": 2, "emulator": 0}
    page_html = (tmp_path / "r.html").read_text()
    assert page_html.count("<tr><td>") == 3
    assert ("<script" in page_html, "<link" in page_html, "src=" in page_html) == (False, False, False)


def test_own_queries_that_would_write_are_refused(
    world: tuple[EmulatorServer, Path], served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "mine.json"
    queries.write_text(json.dumps([{"name": "wipe", "method": "DELETE", "path": "/rest/jip-api/1.0/inventory/1.json"}]))
    argv = ["compare", "--against", world[0].url, *FAST, "--emulator", served, "--queries", str(queries)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"aip-emulator compare: {queries}: query 'wipe' is a DELETE to /rest/jip-api/1.0/inventory/1.json; "
        "compare only reads\n"
    )
