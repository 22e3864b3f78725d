"""A new namespace shares what never changes on disk (the index's segment files, and its table of contents and stamp,
which are replaced whole, never rewritten) with the default baseline, copies the database, and writing in it leaves
the files it shares as they were."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from emulator.search.files import LOCK_FILE, is_segment_file
from emulator.settings import Settings
from emulator.testing_transport import AppLoop, in_process_client
from tests.namespaces.test_isolation import create


@pytest.fixture
def data_dir(emulator_settings: Settings) -> Path:
    return emulator_settings.data_dir


@pytest.fixture
def client(emulator_app: FastAPI, app_loop: AppLoop) -> Iterator[httpx.Client]:  # in-process only: same files
    with in_process_client(emulator_app, app_loop) as in_process:
        yield in_process


def _inodes(directory: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in directory.iterdir()}


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.rglob("*") if p.is_file()}


def test_segments_are_linked_and_the_database_copied(data_dir: Path, client: httpx.Client) -> None:
    client.get("/_ns/w1/_emulator/health")
    base = data_dir / "snapshots" / "_baseline"
    mine = data_dir / "namespaces" / "w1"

    shared = {n for n, ino in _inodes(mine / "index").items() if _inodes(base / "index").get(n) == ino}

    assert shared == {n for n in _inodes(base / "index") if n != LOCK_FILE}
    assert {n for n in shared if is_segment_file(n)}  # there are segment files, and all are links
    assert "assets_WRITELOCK" not in shared
    assert (mine / "emulator.db").stat().st_ino != (base / "emulator.db").stat().st_ino
    assert (mine / "snapshots" / "_baseline" / "emulator.db").stat().st_ino == (base / "emulator.db").stat().st_ino


def test_writes_and_resets_in_a_namespace_leave_the_shared_files_alone(data_dir: Path, client: httpx.Client) -> None:
    base = data_dir / "snapshots" / "_baseline"
    client.get("/_ns/w1/_emulator/health")
    before = _digests(base)

    for _ in range(20):  # past the index's merge interval: segments are merged, and old ones unlinked
        create(client, "w1")
    client.post("/_ns/w1/_emulator/reset")
    create(client, "w1")
    client.delete("/_emulator/namespaces/w1")

    assert _digests(base) == before
    assert client.get("/_emulator/health").json()["assets"] == 39
