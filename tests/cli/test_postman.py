"""The served Postman collection run by newman against a fresh `aip-emulator serve` (issue 30), and `aip-emulator
postman`, which writes the same files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli import npm_tools as newman
from tests.cli.server import run, serving

pytestmark = pytest.mark.slow  # starts server or command processes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("postman") / "data") as url:
        yield url


def _download(url: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with httpx.Client(timeout=30) as client:  # one client: each new one loads the CA bundle (~25 ms of CPU)
        for name in ("collection", "control", "environment"):
            answer = client.get(f"{url}/_emulator/postman/{name}.json")
            assert answer.status_code == 200, answer.text
            (directory / f"{name}.json").write_text(answer.text, encoding="utf-8")
    return directory


def _items(collection: dict[str, Any]) -> list[Any]:
    return [item for folder in collection["item"] for item in folder["item"]]


def _declared_tests(collection: dict[str, Any]) -> int:
    """How many `pm.test` calls the collection's scripts hold: each must have run."""
    return sum(line.count("pm.test(") for i in _items(collection) for e in i["event"] for line in e["script"]["exec"])


def _assertions_per_request(report: dict[str, Any]) -> dict[str, int]:
    return {e["item"]["name"] + " " + e["id"]: len(e.get("assertions", [])) for e in report["executions"]}


def _failures(report: dict[str, Any]) -> list[str]:
    return [f"{f['source'].get('name', '?')}: {f['error'].get('message')}" for f in report["failures"]]


def test_the_api_collection_passes_against_a_fresh_server_again_and_again(server: str, tmp_path: Path) -> None:
    files = _download(server, tmp_path)
    collection = json.loads((files / "collection.json").read_text())

    report = newman.run(files / "collection.json", files / "environment.json", tmp_path / "report.json")

    assert _failures(report) == []
    assert report["stats"]["requests"] == {"total": len(_items(collection)), "pending": 0, "failed": 0}
    assert report["stats"]["assertions"]["failed"] == 0
    assert min(_assertions_per_request(report).values()) >= 1
    assert report["stats"]["assertions"]["total"] == _declared_tests(collection)
    again = newman.run(files / "collection.json", files / "environment.json", tmp_path / "again.json")
    assert _failures(again) == []  # its writes clean up after themselves: it runs again and again


def test_the_control_collection_passes_on_its_own_and_leaves_a_working_environment(server: str, tmp_path: Path) -> None:
    files = _download(server, tmp_path)
    environment = files / "environment.json"

    report = newman.run(files / "control.json", environment, tmp_path / "report.json", export=environment)
    after = newman.run(files / "collection.json", environment, tmp_path / "after.json")

    assert _failures(report) == []
    assert report["stats"]["requests"]["total"] == len(_items(json.loads((files / "control.json").read_text())))
    assert min(_assertions_per_request(report).values()) >= 1
    assert _failures(after) == []


def test_a_wrong_token_fails_every_cloud_request_and_nothing_else(server: str, tmp_path: Path) -> None:
    files = _download(server, tmp_path)
    environment = json.loads((files / "environment.json").read_text())
    for value in environment["values"]:
        if value["key"] == "jwtToken":
            value["value"] = "{{jwtToken}}"
    (files / "environment.json").write_text(json.dumps(environment))

    report = newman.run(files / "collection.json", files / "environment.json", tmp_path / "report.json")

    failed = {f["source"]["name"] for f in report["failures"]}
    cloud = next(folder for folder in json.loads((files / "collection.json").read_text())["item"]
                 if folder["name"] == "Cloud")  # fmt: skip
    assert failed == {item["name"] for item in cloud["item"]}


def test_the_postman_command_writes_what_the_server_serves(server: str, tmp_path: Path) -> None:
    done = run("postman", "--out", str(tmp_path / "out"), "--url", server)

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "collection.json",
        "control.json",
        "environment.json",
    ]
    written = json.loads((tmp_path / "out" / "collection.json").read_text())
    assert written == httpx.get(f"{server}/_emulator/postman/collection.json").json()
    values = {v["key"]: v["value"] for v in json.loads((tmp_path / "out" / "environment.json").read_text())["values"]}
    assert values["baseUrl"] == server
    cloud = httpx.get(f"{server}/api/v1/collections", headers={"Authorization": f"Bearer {values['jwtToken']}"})
    assert cloud.status_code == 200


def test_the_postman_command_says_when_no_server_answers(tmp_path: Path) -> None:
    done = run("postman", "--out", str(tmp_path / "out"), "--url", "http://127.0.0.1:9")

    assert done.returncode == 2
    assert done.stderr == (
        "aip-emulator: no emulator answers at http://127.0.0.1:9; start one (aip-emulator serve) or pass --url\n"
    )
    assert not (tmp_path / "out").exists()


def _requests(items: list[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield from _requests(item["item"]) if "item" in item else [item]


def test_the_openapi_document_converts_into_a_collection_that_reaches_this_server(server: str, tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text(httpx.get(f"{server}/openapi.json").text, encoding="utf-8")
    files = _download(server, tmp_path)

    converted = newman.convert(tmp_path / "openapi.json", tmp_path / "converted.json")
    # every read of the two APIs (the control routes would reset the server the other tests use)
    reads = [r for r in _requests(converted["item"]) if r["request"]["method"] == "GET"
             and r["request"]["url"]["path"][0] in ("rest", "api")]  # fmt: skip
    (tmp_path / "reads.json").write_text(json.dumps({**converted, "item": reads}), encoding="utf-8")
    report = newman.run(tmp_path / "reads.json", files / "environment.json", tmp_path / "report.json")

    assert {"key": "baseUrl", "value": server} in converted["variable"]
    assert {v["key"]: v["value"] for v in converted["variable"] if v["key"] == "asset_id"} == {"asset_id": "21"}
    assert len(reads) == 20
    answered = {e["item"]["name"] + " " + "/".join(e["request"]["url"]["path"]): e["response"]["code"]
                for e in report["executions"]}  # fmt: skip
    assert {name: code for name, code in answered.items() if code != 200} == {}
    assert len(answered) == len(reads)
