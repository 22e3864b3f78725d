"""`aip-emulator generate` and `aip-emulator export`: fixture directories written from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.cli.commands import _parser, main
from emulator.cli.options import settings_from
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing import copy_data_dir


def test_generate_writes_a_fixture_directory_that_seeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--assets", "30", "--out", str(tmp_path / "gen"), "--seed", "3"]) == 0

    emulator = Emulator(Settings(data_dir=tmp_path / "data", fixtures=tmp_path / "gen"))
    emulator.start()
    try:
        assert emulator.index.doc_count() == 30
    finally:
        emulator.close()
    assert f"wrote 30 generated assets to {tmp_path / 'gen'}" in capsys.readouterr().out


def test_the_serve_command_generate_prints_serves_the_generated_data(
    seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_data_dir(seeded_template, tmp_path / ".aip-emulator")  # a directory where the default data was served
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--assets", "7", "--out", "big"]) == 0

    printed = capsys.readouterr().out
    hint = printed.partition("serve them with: ")[2].partition(" (")[0]
    args = _parser().parse_args(hint.split()[1:])
    emulator = Emulator(settings_from(args))
    emulator.start()
    try:
        assert emulator.index.doc_count() == 7
    finally:
        emulator.close()
    assert printed == (
        "wrote 7 generated assets to big; serve them with: aip-emulator serve --fixtures big --data-dir big-data "
        "(add --reseed to seed that directory again)\n"
    )


def test_export_writes_the_data_dirs_state_that_loads_back(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")

    assert main(["export", str(tmp_path / "out"), "--data-dir", str(data_dir)]) == 0

    assets = json.loads((tmp_path / "out" / "assets-0001.json").read_text())
    printer = next(a for a in assets if a["id"] == 21)
    assert printer["key"] == "PRN-2"
    assert printer["attachments"] == []
    assert {"id": 1209, "attribute": 61, "value": "HP"} in printer["values"]
    reloaded = Emulator(Settings(data_dir=tmp_path / "again", fixtures=tmp_path / "out"))
    reloaded.start()
    try:
        assert reloaded.index.doc_count() == 39
    finally:
        reloaded.close()
