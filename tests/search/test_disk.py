"""The file operations of whole-state changes (`emulator.search.disk`): copies and new files, whole or absent."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from emulator.search import disk

BYTES = bytes(range(256)) * 5000  # 1.28 MB: more than one page, less than a chunk


def test_a_copy_holds_the_same_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "a.db").write_bytes(BYTES)

    disk.copy_file(tmp_path / "a.db", tmp_path / "b.db")

    assert (tmp_path / "b.db").read_bytes() == BYTES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "b.db"]


def test_a_kernel_without_copy_file_range_copies_the_bytes_another_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_args: object) -> int:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    (tmp_path / "a.db").write_bytes(BYTES)
    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)

    disk.copy_file(tmp_path / "a.db", tmp_path / "b.db")

    assert (tmp_path / "b.db").read_bytes() == BYTES


def test_a_file_system_whose_copy_file_range_copies_nothing_gets_the_bytes_another_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nothing(*_args: object) -> int:
        return 0  # what the call gives on file systems that do not implement it (FUSE, procfs): no error

    (tmp_path / "a.db").write_bytes(BYTES)
    (tmp_path / "empty.db").write_bytes(b"")
    monkeypatch.setattr(os, "copy_file_range", nothing, raising=False)

    disk.copy_file(tmp_path / "a.db", tmp_path / "b.db")
    disk.copy_file(tmp_path / "empty.db", tmp_path / "empty-copy.db")

    assert (tmp_path / "b.db").read_bytes() == BYTES
    assert (tmp_path / "empty-copy.db").read_bytes() == b""


def test_a_copy_that_fails_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.copy_file_range
    calls: list[int] = []

    def full_after_one(*args: int) -> int:
        calls.append(1)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(args[0], args[1], 4096)

    (tmp_path / "a.db").write_bytes(BYTES)
    monkeypatch.setattr(os, "copy_file_range", full_after_one)

    with pytest.raises(OSError, match="No space left"):
        disk.copy_file(tmp_path / "a.db", tmp_path / "b.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]


def test_a_new_file_is_written_whole_and_never_over_another(tmp_path: Path) -> None:
    synced = disk.write_new(tmp_path / "namespace.json", '{"name": "n1"}')
    synced()

    assert (tmp_path / "namespace.json").read_text() == '{"name": "n1"}'
    with pytest.raises(FileExistsError):
        disk.write_new(tmp_path / "namespace.json", "{}")
    assert (tmp_path / "namespace.json").read_text() == '{"name": "n1"}'


def test_a_failed_sync_of_a_new_file_is_raised_by_the_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(_descriptor: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    synced = disk.write_new(tmp_path / "namespace.json", "{}")

    with pytest.raises(OSError, match="Input/output error"):
        synced()
