"""Faults of the process's own storage: a data dir that is a file, not writable or on a full disk.

At start-up `aip-emulator serve | reindex` prints one clear line and exits 2 (no traceback); a write that hits a full
disk while serving answers 507 in the dialect's shape and leaves no trace: database and index still agree. Tests run
as root, so a read-only directory is an injected PermissionError and a full disk a file-size limit (RLIMIT_FSIZE,
SIGXFSZ ignored) or an injected ENOSPC. (`kill -9` during writes is tests/reliability/test_crash.py.)
"""

from __future__ import annotations

import errno
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from emulator.cli import commands as cli
from emulator.core import changelog
from emulator.runtime import emulator as runtime

pytestmark = pytest.mark.slow  # starts server or command processes

INVENTORY = "/rest/jip-api/1.0/inventory"
SEARCH = "/rest/jip-api/1.0/index/query.json"
ADMIN = ("admin", "admin")
LAPTOP = 9
PREFIX = "aip-emulator: cannot use data directory"


def _run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", ["serve", "reindex"])
def test_a_data_dir_that_is_a_file_is_one_clear_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("not a directory")
    code, err = _run_cli(
        [command, "--data-dir", str(data_dir), *(["--port", "0"] if command == "serve" else [])], capsys
    )
    assert code == 2
    assert err.strip() == (
        f"{PREFIX} {data_dir}: it (or a parent) is a file, not a directory (File exists); "
        "remove that file or point --data-dir (AIP_EMULATOR_DATA_DIR) at a directory"
    )


def test_a_data_dir_below_a_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    code, err = _run_cli(["reindex", "--data-dir", str(tmp_path / "file" / "data")], capsys)
    assert code == 2
    assert err.startswith(f"{PREFIX} {tmp_path / 'file' / 'data'}: it (or a parent) is a file")
    assert "Traceback" not in err


def test_a_data_dir_that_is_not_writable_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(path: Path) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(runtime, "open_engine", refused)
    code, err = _run_cli(["reindex", "--data-dir", str(tmp_path / "data")], capsys)
    assert code == 2
    assert err.strip() == (
        f"{PREFIX} {tmp_path / 'data'}: it is not writable (Permission denied); "
        "make it writable or choose another --data-dir"
    )


def test_a_full_disk_at_start_is_one_clear_line(tmp_path: Path) -> None:
    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--port", "0"]
    done = subprocess.run(command, preexec_fn=small_files, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{PREFIX} {data_dir}: the disk is full or failing (")
    assert last.endswith("; free some space or choose another --data-dir")
    assert "Traceback" not in done.stderr


# -- a full disk while serving ---------------------------------------------------------------------------------------
def _change_log_write_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up half-way through the transaction (the index is not written by a write any more: a full
    disk under the index only delays the background flush, see tests/dialects/dc/test_inventory.py)."""

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(changelog, "record", full)


def _database_commit_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.commit
    calls = {"n": 0}

    def full(self: Session) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))
        original(self)

    monkeypatch.setattr(Session, "commit", full)


FAILURES: list[Any] = [
    pytest.param(_change_log_write_fails, id="change-log-insert"),
    pytest.param(_database_commit_fails_once, id="database-commit"),
]


def _rows(data_dir: Path) -> dict[int, str]:
    with closing(sqlite3.connect(data_dir / "emulator.db")) as db:
        return dict(db.execute("SELECT id, name FROM assets"))


def _found(client: TestClient, name: str) -> int:
    body = {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": name}]}
    response = client.post(SEARCH, json=body, auth=ADMIN)
    assert response.status_code == 200, response.text
    return int(response.json()["queryPagingInfo"]["totalRecords"])


def _agree(client: TestClient, expected: int) -> None:
    health = client.get("/_emulator/health").json()
    assert (health["status"], health["assets"], health["indexedAssets"]) == ("ok", expected, expected)


@pytest.mark.parametrize("fail", FAILURES)
def test_a_create_on_a_full_disk_answers_507_and_leaves_no_trace(
    emulator_client: TestClient,
    emulator_settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    fail: Callable[[pytest.MonkeyPatch], None],
) -> None:
    before = _rows(emulator_settings.data_dir)
    fail(monkeypatch)
    body = {"formId": LAPTOP, "name": "fulldisk", "attributes": {"RAM (GB)": 8}}
    response = emulator_client.post(f"{INVENTORY}.json", json=body, auth=ADMIN)
    assert response.status_code == 507, response.text
    answer = response.json()
    assert answer["success"] is False
    assert answer["errorCode"] == "InsufficientStorageException"
    assert "disk is full" in answer["errorMessage"]
    assert str(emulator_settings.data_dir) in answer["errorMessage"]
    monkeypatch.undo()
    assert _rows(emulator_settings.data_dir) == before
    assert _found(emulator_client, "fulldisk") == 0
    _agree(emulator_client, len(before))
    again = emulator_client.post(f"{INVENTORY}.json", json=body, auth=ADMIN)  # space is back: the write goes through
    assert again.status_code == 200, again.text
    assert _found(emulator_client, "fulldisk") == 1
    _agree(emulator_client, len(before) + 1)


def test_a_delete_on_a_full_disk_answers_507_and_keeps_the_asset(
    emulator_client: TestClient, emulator_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _rows(emulator_settings.data_dir)
    asset_id, name = next(iter(before.items()))
    _database_commit_fails_once(monkeypatch)
    response = emulator_client.delete(f"{INVENTORY}/{asset_id}.json", auth=ADMIN)
    assert response.status_code == 507, response.text
    monkeypatch.undo()
    assert _rows(emulator_settings.data_dir) == before
    _agree(emulator_client, len(before))
    kept = emulator_client.get(f"{INVENTORY}/{asset_id}.json", auth=ADMIN)
    assert kept.status_code == 200
    assert kept.json()["data"]["name"] == name


def test_a_write_to_a_read_only_database_answers_507_naming_the_remedy(
    emulator_client: TestClient, emulator_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _rows(emulator_settings.data_dir)

    def read_only(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(changelog, "record", read_only)
    body = {"formId": LAPTOP, "name": "readonly", "attributes": {}}
    response = emulator_client.post(f"{INVENTORY}.json", json=body, auth=ADMIN)
    monkeypatch.undo()

    assert response.status_code == 507, response.text
    assert response.json()["errorCode"] == "InsufficientStorageException"
    assert "make it writable" in response.json()["errorMessage"]
    assert _rows(emulator_settings.data_dir) == before
    _agree(emulator_client, len(before))
