"""`serve --proxy-to URL --record DIR` passes a client's session through and records it, masked; `compare --replay`
sends it again to an emulator on a capture taken before the session and finds the same answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.cli.commands import main
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.seeding.standin import generated_source

pytestmark = pytest.mark.slow  # a generated data set served, captured over HTTP, served again: 1-4 CPU-s
DC = "/rest/jip-api/1.0"
ADMIN = ("admin", "admin")
BASIC_ADMIN = "YWRtaW46YWRtaW4="  # base64 of admin:admin, which no record may hold


def journal(url: str) -> list[tuple[str, str, int]]:
    """What the proxy's journal (the web page's requests view) shows: method, path, status."""
    found = httpx.get(url + "/_emulator/requests").json()["requests"]
    return [(r["method"], r["path"], r["status"]) for r in found]


def session(url: str) -> list[int]:
    """A client's run: searches, reads, a create, an update, a delete, and two refused calls."""
    client = httpx.Client(base_url=url + DC, auth=ADMIN)
    search = {"searchType": "basic", "listType": "detail", "genericKeyword": "asset.name:printer*", "pageSize": 5,
              "sortField": "asset.id", "sortType": "LONG"}  # fmt: skip
    created = client.post("/inventory.json", json={"formId": 6, "name": "Session Printer",
                          "attributes": {"Vendor": "HP", "Model": "Session 1"}}).json()["data"]  # fmt: skip
    steps = [
        client.post("/index/query.json", json=search),
        client.get("/form/6.json"),
        client.put(f"/inventory/{created['id']}.json", json={"attributes": {"Model": "Session 2"}}),
        client.get(f"/inventory/{created['id']}.json"),
        client.post("/index/query.json", json={**search, "genericKeyword": "asset.name:session*"}),
        client.delete(f"/inventory/{created['id']}.json"),
        client.get(f"/inventory/{created['id']}.json"),
        httpx.get(url + DC + "/form/list.json", auth=("admin", "wrong")),
    ]
    client.close()
    return [200, *(r.status_code for r in steps)]


@pytest.fixture(scope="module")
def recorded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, list[int], list[tuple[str, str, int]]]]:
    tmp = tmp_path_factory.mktemp("record")
    with generated_source(tmp, 200) as source:
        argv = ["capture", "--from", source.url, "--user", "admin", "--password", "admin", "--rps", "1000"]
        assert main([*argv, "--out", str(tmp / "capture")]) == 0
        proxy = Settings(proxy_to=source.url, record=tmp / "recording", data_dir=tmp / "proxy-data")
        with EmulatorServer(proxy) as server:
            statuses = session(server.url)
            shown = journal(server.url)
        yield tmp / "recording", tmp / "capture", statuses, shown


def test_the_proxy_passes_the_session_through_and_records_each_pair_masked(
    recorded: tuple[Path, Path, list[int], list[tuple[str, str, int]]],
) -> None:
    recording, _capture, statuses, shown = recorded
    assert statuses == [200, 200, 200, 200, 200, 200, 200, 404, 401]
    assert [status for _method, _path, status in shown] == statuses  # the page's requests view lists them too
    files = sorted(p.name for p in recording.iterdir())
    assert files == ["00001-POST.json", "00002-POST.json", "00003-GET.json", "00004-PUT.json", "00005-GET.json",
                     "00006-POST.json", "00007-DELETE.json", "00008-GET.json", "00009-GET.json"]  # fmt: skip
    assert [p for p in recording.iterdir() if BASIC_ADMIN in p.read_text()] == []
    refused: dict[str, Any] = json.loads((recording / "00009-GET.json").read_text())
    del refused["time"]
    assert refused == {
        "number": 9, "method": "GET", "path": DC + "/form/list.json", "query": "", "auth": "Basic ***",
        "requestHeaders": {"accept": "*/*", "user-agent": f"python-httpx/{httpx.__version__}"},
        "requestBody": None, "requestText": None, "status": 401,
        "responseHeaders": {"content-type": "application/json", "x-seraph-loginreason": "AUTHENTICATED_FAILED"},
        "responseBody": {"message": "Client must be authenticated to access this resource.", "status-code": 401},
        "responseText": None,
    }  # fmt: skip


def test_replaying_the_recording_on_the_capture_finds_the_same_answers(
    recorded: tuple[Path, Path, list[int], list[tuple[str, str, int]]], capsys: pytest.CaptureFixture[str]
) -> None:
    recording, capture, _statuses, _shown = recorded
    assert main(["compare", "--replay", str(recording), "--fixtures", str(capture), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["differences"] == []
    assert found["queries"] == [
        "#1 POST /rest/jip-api/1.0/inventory.json", "#2 POST /rest/jip-api/1.0/index/query.json",
        "#3 GET /rest/jip-api/1.0/form/6.json", f"#4 PUT {found['queries'][3].split(' ', 2)[2]}",
        f"#5 GET {found['queries'][4].split(' ', 2)[2]}", "#6 POST /rest/jip-api/1.0/index/query.json",
        f"#7 DELETE {found['queries'][6].split(' ', 2)[2]}", f"#8 GET {found['queries'][7].split(' ', 2)[2]}",
        "#9 GET /rest/jip-api/1.0/form/list.json",
    ]  # fmt: skip
