"""Start-up: a fresh data dir is seeded, a restart reuses database and index, a missing or stale index is rebuilt."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import httpx
import pytest

from emulator.cli.commands import main
from emulator.runtime.emulator import Emulator
from emulator.search.directory import SCHEMA_VERSION
from emulator.search.files import STAMP_FILE
from emulator.search.index import SearchIndex
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from tests.cli.server import serving


def _started(data_dir: Path) -> Emulator:
    emulator = Emulator(Settings(data_dir=data_dir))
    emulator.start()
    return emulator


def _stamped(emulator: Emulator) -> tuple[int, int]:
    stamp = emulator.index.stamp() or {}
    return stamp.get("generation", -1), stamp.get("schema", -1)


def _forbid_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(SearchIndex, "rebuild", refuse)


def test_a_fresh_data_dir_is_seeded_and_indexed(tmp_path: Path) -> None:
    emulator = _started(tmp_path / "data")
    try:
        assert (tmp_path / "data" / "emulator.db").is_file()
        assert emulator.index.doc_count() == 39
        assert _stamped(emulator) == (1, SCHEMA_VERSION)
    finally:
        emulator.close()


def test_a_first_start_does_not_report_a_missing_index(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="aip_emulator"):
        _started(tmp_path / "data").close()

    assert any(r.getMessage().startswith("seeded 39 assets from") for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if "rebuilding" in r.getMessage()] == []


def test_a_restart_without_an_index_reports_the_rebuild(
    seeded_template: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    shutil.rmtree(data_dir / "index")

    with caplog.at_level(logging.INFO, logger="aip_emulator"):
        _started(data_dir).close()

    expected = "there is no complete search index: rebuilding the search index from the database"
    assert expected in [r.getMessage() for r in caplog.records]


def test_a_restart_reuses_database_and_index(
    seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    _forbid_rebuild(monkeypatch)

    emulator = _started(data_dir)
    try:
        assert emulator.index.doc_count() == 39
    finally:
        emulator.close()


def test_a_missing_index_is_rebuilt_from_the_database(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    shutil.rmtree(data_dir / "index")

    emulator = _started(data_dir)
    try:
        assert emulator.index.doc_count() == 39
    finally:
        emulator.close()


def test_a_stale_index_is_rebuilt(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    (data_dir / "index" / STAMP_FILE).write_text(json.dumps({"generation": 0, "schema": SCHEMA_VERSION}))

    emulator = _started(data_dir)
    try:
        assert _stamped(emulator) == (1, SCHEMA_VERSION)
    finally:
        emulator.close()


def test_the_reindex_command_rebuilds_on_demand(
    seeded_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")

    assert main(["reindex", "--data-dir", str(data_dir)]) == 0

    assert f"reindexed 39 assets in {data_dir / 'index'}" in capsys.readouterr().out


def test_the_cli_reports_a_broken_start_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--data-dir", str(tmp_path / "data"), "--fixtures", str(tmp_path / "none")])

    assert code == 2
    assert capsys.readouterr().err == (
        f"aip-emulator: {tmp_path / 'none'}: fixture directory not found;"
        " pass --fixtures DIR with a fixture directory, or leave --fixtures out to serve the packaged default"
        " fixtures\n"
    )


def test_the_cli_rejects_an_unknown_time_zone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--data-dir", str(tmp_path / "data"), "--time-zone", "Mars/Olympus"])

    assert code == 2
    assert "unknown time zone 'Mars/Olympus'; use an IANA name such as UTC or Europe/Berlin" in capsys.readouterr().err


@pytest.mark.slow  # a real uvicorn server in a child process
def test_serve_answers_over_real_http(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    with serving(data_dir) as url:
        health = httpx.get(f"{url}/_emulator/health").json()
    assert health == {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0}
