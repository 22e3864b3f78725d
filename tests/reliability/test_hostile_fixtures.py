"""A fixture directory with hostile content (POST /_emulator/seed, or `serve --fixtures`) is a 400 naming the file and
what is wrong, never a 500, and the data served before stays: numbers past SQLite's 64 bits, times past 9999, JSON
nested too deeply or with more digits than Python's int parser takes, lone surrogates, a directory for a file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.settings import default_fixtures
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH

LATEST = 253_402_300_799_999
SURROGATE = "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff unpaired)"


def _first(file: str, key: str, value: Any) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / file
        records = json.loads(path.read_text(encoding="utf-8"))
        records[0][key] = value
        path.write_text(json.dumps(records), encoding="utf-8")

    return edit


def _replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _write(file: str, content: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        (directory / file).write_text(content, encoding="utf-8")

    return edit


def _token(**fields: Any) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        cloud = json.loads((directory / "cloud.json").read_text(encoding="utf-8"))
        cloud["tokens"] = [{"id": "odd", "name": "odd", "access": "READ", **fields}]
        (directory / "cloud.json").write_text(json.dumps(cloud), encoding="utf-8")

    return edit


def _directory_for(file: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        (directory / file).unlink()
        (directory / file).mkdir()

    return edit


LE = "Input should be less than or equal to"
NOT_A_TIME = f"is not a time from 1970 to 9999 (epoch ms 0 to {LATEST})"
DIGITS = (
    "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; "
    "use sys.set_int_max_str_digits() to increase the limit"
)
CASES: list[tuple[str, Callable[[Path], None], str]] = [  # (id, the edit, the message after the directory)
    (
        "asset-id",
        _first("assets.json", "id", 2**63),
        f"assets.json: record #1 (id {2**63}), field 'id': {LE} {2**63 - 20_001}",
    ),
    (
        "option-id",
        _first("assets.json", "optionId", 2**64),
        f"assets.json: record #1 (id 1), field 'optionId': {LE} {2**63 - 1}",
    ),
    (
        "location-id",
        _first("locations.json", "id", 2**63),
        f"locations.json: record #1 (id {2**63}), field 'id': {LE} {2**63 - 1}",
    ),
    ("created", _first("assets.json", "created", 10**20), f"created: {10**20} {NOT_A_TIME}"),
    ("token-expiry", _token(createdAt=1, expiresAt=2**63), f"cloud.json: token odd: expiresAt: {2**63} {NOT_A_TIME}"),
    ("deep", _write("assets.json", "[" * 100_000), "assets.json: not valid JSON: nested too deeply"),
    (
        "digits",
        _replace("assets.json", '"quantity": 1,', f'"quantity": {"9" * 5000},'),
        f"assets.json: not valid JSON: {DIGITS}",
    ),
    ("surrogate", _replace("assets.json", '"Alpha Tomcat Server"', '"Alpha \\ud800"'), f"assets.json: {SURROGATE}"),
    ("password", _replace("users.json", '"password": "admin"', '"password": "\\udfff"'), f"users.json: {SURROGATE}"),
    ("directory", _directory_for("assets.json"), "assets.json: cannot be read: Is a directory"),
]


@pytest.mark.parametrize(("edit", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_fixture_content_is_400_and_the_data_stays(
    emulator_client: Client, tmp_path: Path, edit: Callable[[Path], None], message: str
) -> None:
    """Each was a 500 (SQLite's INTEGER overflow, RecursionError, the int parser's ValueError, the UTF-8 encoder,
    IsADirectoryError)."""
    directory = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), directory)
    edit(directory)
    before = emulator_client.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"]

    response = emulator_client.post("/_emulator/seed", json={"fixtures": str(directory)})

    expected = message if message.startswith("created:") else f"{directory}/{message}"
    assert (response.status_code, response.json()) == (400, {"error": "ValidationException", "message": expected})
    after = emulator_client.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"]
    assert after == before
