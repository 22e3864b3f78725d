"""A broken fixture stops the start with a message naming the file, the record and the field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.runtime.emulator import Emulator
from emulator.seeding.read import FixtureError
from emulator.settings import Settings, default_fixtures

Edit = Callable[[list[dict[str, Any]]], None]


def _broken(tmp_path: Path, file: str, edit: Edit) -> Path:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    records = json.loads((fixtures / file).read_text())
    edit(records)
    (fixtures / file).write_text(json.dumps(records))
    return fixtures


def _start(tmp_path: Path, fixtures: Path) -> str:
    emulator = Emulator(Settings(data_dir=tmp_path / "data", fixtures=fixtures))
    with pytest.raises(FixtureError) as caught:
        emulator.start()
    emulator.close()
    return str(caught.value)


def _asset(records: list[dict[str, Any]], asset_id: int) -> dict[str, Any]:
    return next(r for r in records if r["id"] == asset_id)


def _set_vendor(records: list[dict[str, Any]], value: str) -> None:
    printer = _asset(records, 21)
    next(v for v in printer["values"] if v["attribute"] == "Vendor")["value"] = value


def _add_unknown_key(records: list[dict[str, Any]]) -> None:
    records[0]["colour"] = "red"


def _add_value(records: list[dict[str, Any]], attribute: str, value: Any) -> None:
    _asset(records, 21)["values"].append({"attribute": attribute, "value": value})


CASES: list[tuple[str, Edit, str]] = [
    ("assets.json", lambda r: _asset(r, 21).update(formId=99), "assets.json: asset 21: unknown formId 99"),
    (
        "assets.json",
        lambda r: _set_vendor(r, "Xerox"),
        "assets.json: asset 21: attribute 'Vendor': unknown option 'Xerox' (options: HP, Dell, Lenovo, Apple, "
        "Canon, Brother)",
    ),
    (
        "assets.json",
        lambda r: _add_value(r, "Server Name", "x"),
        "assets.json: asset 21: attribute 'Server Name' is not on form 6 'Printers'",
    ),
    ("assets.json", lambda r: _asset(r, 21).update(creator="ghost"), "asset 21: field 'creator': unknown username"),
    ("assets.json", lambda r: _asset(r, 21).update(status="Lost"), "asset 21: field 'asset.status': unknown status"),
    ("assets.json", lambda r: r.append(dict(_asset(r, 21))), "duplicate asset id 21"),
    ("users.json", _add_unknown_key, "users.json: record #1 (id admin), field 'colour': Extra inputs are not"),
    ("forms.json", lambda r: r[0].update(schemeId=42), "forms.json: form 2: unknown schemeId 42"),
    ("forms.json", lambda r: r[0].update(keyPrefix="lower"), "forms.json: record #1 (id 2), field 'keyPrefix'"),
    ("attributes.json", lambda r: r[0].update(type="Bogus"), "attributes.json: record #1 (id 5), field 'type'"),
]


@pytest.mark.parametrize(("file", "edit", "message"), CASES)
def test_a_broken_fixture_names_file_record_and_field(tmp_path: Path, file: str, edit: Edit, message: str) -> None:
    fixtures = _broken(tmp_path, file, edit)

    assert message in _start(tmp_path, fixtures)


def test_invalid_json_names_the_file_and_position(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    (fixtures / "forms.json").write_text('[{"id": 2,}]')

    message = _start(tmp_path, fixtures)

    assert message.startswith(f"{fixtures / 'forms.json'}: not valid JSON: ")
    assert "line 1 column 11" in message


def test_a_missing_fixture_directory_says_what_to_do(tmp_path: Path) -> None:
    message = _start(tmp_path, tmp_path / "nowhere")

    assert message == (
        f"{tmp_path / 'nowhere'}: fixture directory not found; pass --fixtures DIR with a fixture directory, "
        "or leave --fixtures out to serve the packaged default fixtures"
    )


def test_a_failed_seed_leaves_nothing_half_written(tmp_path: Path) -> None:
    fixtures = _broken(tmp_path, "assets.json", lambda r: _set_vendor(r, "Xerox"))
    _start(tmp_path, fixtures)

    emulator = Emulator(Settings(data_dir=tmp_path / "data"))  # the default fixtures this time
    emulator.start()
    try:
        assert emulator.index.doc_count() == 39
    finally:
        emulator.close()
