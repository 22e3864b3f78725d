"""The record directory: a second session continues the first's numbering, files are whole, replay reads them in
number order and names a file it cannot read."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from emulator.cli.commands import main
from emulator.dialects.proxy import middleware, records

TARGET = "http://aip.example.test"


async def _never(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("a vendor request reached the emulator in record mode")


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"path": request.url.path})


def _session(directory: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> None:
    """One `serve --proxy-to --record DIR` run: a recorder made anew (as at a start), each path asked once."""
    with monkeypatch.context() as patched:
        transport = httpx.MockTransport(_answer)
        patched.setattr(httpx, "AsyncClient", partial(httpx.AsyncClient, transport=transport))
        client = TestClient(middleware.ProxyRecorder(_never, TARGET, directory))  # no lifespan: nothing to start
        for path in paths:
            assert client.get(path).json() == {"path": path}


def _record(number: int) -> dict[str, Any]:
    return {"number": number, "time": 0, "method": "GET", "path": f"/rest/{number}", "query": "", "status": 200,
            "requestBody": None, "responseBody": None}  # fmt: skip


def test_a_second_session_into_the_same_directory_continues_the_numbering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _session(tmp_path, monkeypatch, "/rest/first/1", "/rest/first/2")
    _session(tmp_path, monkeypatch, "/rest/second/1")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["00001-GET.json", "00002-GET.json", "00003-GET.json"]
    assert [(r["number"], r["path"]) for r in records.read_all(tmp_path)] == [
        (1, "/rest/first/1"), (2, "/rest/first/2"), (3, "/rest/second/1"),
    ]  # fmt: skip


def test_records_are_read_in_number_order_past_99999(tmp_path: Path) -> None:
    for number in (100001, 99999, 100000, 2):
        records.write(tmp_path, _record(number))

    assert [r["number"] for r in records.read_all(tmp_path)] == [2, 99999, 100000, 100001]
    assert records.last_number(tmp_path) == 100001


def test_a_write_cut_short_leaves_no_record_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records.write(tmp_path, _record(1))

    def killed_mid_write(self: Path, text: str, encoding: str | None = None) -> int:
        with self.open("w", encoding=encoding) as half:
            half.write(text[: len(text) // 2])
        raise KeyboardInterrupt  # the server is stopped here

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", killed_mid_write)
        with pytest.raises(KeyboardInterrupt):
            records.write(tmp_path, _record(2))

    assert [r["number"] for r in records.read_all(tmp_path)] == [1]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"number": 2, "time"', "Expecting ':' delimiter: line 1 column 21 (char 20)"),
        ("[1, 2]", "not a JSON object"),
        ('{"number": 2}', "no 'time'"),
    ],
)
def test_replay_of_a_file_that_is_not_a_record_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    records.write(tmp_path, _record(1))
    (tmp_path / "00002-GET.json").write_text(content)

    assert main(["compare", "--replay", str(tmp_path), "--emulator", "http://127.0.0.1:9"]) == 2

    assert capsys.readouterr().err == (
        f"aip-emulator compare: {tmp_path / '00002-GET.json'}: not a recorded exchange ({problem}); "
        "remove it or record the session again\n"
    )
    assert json.loads((tmp_path / "00001-GET.json").read_text())["number"] == 1
