"""Where the file system has no hard links (FAT and exFAT drives, some network shares; or another device), indexes
and databases are copied instead: snapshots, resets and namespaces work the same (issue 25)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from emulator.search import disk
from emulator.search.files import copy_index, link_or_copy
from emulator.settings import Settings
from emulator.testing import Client
from tests.namespaces.test_isolation import at, create, found

REFUSALS = (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EINVAL)  # EINVAL: Windows' FAT


@pytest.fixture
def refused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`os.link` always fails, as on a file system without hard links; the targets it was asked for."""
    asked: list[str] = []

    def link(source: str | Path, target: str | Path, *args: object, **kwargs: object) -> None:
        asked.append(str(target))
        raise OSError(errno.EPERM, "Operation not permitted", str(source))

    monkeypatch.setattr(os, "link", link)
    return asked


@pytest.mark.parametrize("code", REFUSALS, ids=errno.errorcode.get)
def test_a_refused_link_is_a_whole_copy(code: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def link(source: str | Path, target: str | Path) -> None:
        raise OSError(code, os.strerror(code), str(source))

    monkeypatch.setattr(os, "link", link)
    (tmp_path / "a").write_bytes(b"segment")

    assert link_or_copy(tmp_path / "a", tmp_path / "b") is False
    assert (tmp_path / "b").read_bytes() == b"segment"
    assert not list(tmp_path.glob("*.copying"))


@pytest.mark.usefixtures("refused")
def test_an_index_copy_without_links_has_every_file_once(emulator_settings: Settings, tmp_path: Path) -> None:
    copy_index(emulator_settings.index_path, tmp_path / "copy")

    source = sorted(p.name for p in emulator_settings.index_path.iterdir() if not p.name.endswith("WRITELOCK"))
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == source
    assert all(p.stat().st_nlink == 1 for p in (tmp_path / "copy").iterdir())


def test_snapshots_resets_and_namespaces_without_links(
    refused: list[str], emulator_client: Client, emulator_settings: Settings
) -> None:
    """(`refused` first: the emulator starts without links too.)"""
    mine = create(emulator_client, "default")
    assert emulator_client.post("/_emulator/snapshots", json={"name": "mine"}).status_code == 201
    namespace = {"name": "w1", "from": "snapshot:mine"}
    assert emulator_client.post("/_emulator/namespaces", json=namespace).status_code == 201
    create(emulator_client, "w1")
    assert emulator_client.post(at("w1", "/_emulator/reset")).status_code in (200, 204)
    assert emulator_client.post("/_emulator/snapshots/mine/restore").status_code in (200, 204)

    assert found(emulator_client, "w1") == [mine]
    assert found(emulator_client, "default") == [mine]
    assert refused  # links were asked for, and copies made
    shared = [p for p in emulator_settings.data_dir.rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert shared == []


def test_on_windows_directories_are_not_opened_to_sync_them(
    monkeypatch: pytest.MonkeyPatch, emulator_client: Client
) -> None:
    """Windows refuses `os.open` on a directory (EACCES): namespaces and saved snapshots are made all the same."""
    real_open = os.open

    def open_file(path: str | Path, flags: int, *args: int, **kwargs: object) -> int:
        if Path(path).is_dir():
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(disk, "OPENS_DIRECTORIES", False)
    monkeypatch.setattr(os, "open", open_file)

    assert emulator_client.post("/_emulator/snapshots", json={"name": "win"}).status_code == 201
    assert emulator_client.post("/_emulator/namespaces", json={"name": "w2", "from": "snapshot:win"}).status_code == 201
