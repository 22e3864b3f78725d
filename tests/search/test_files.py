"""The index directory on disk (`emulator.search.files`): what a crash can leave in it does not stop the next copy.

Whoosh's writer keeps its sorting pool in a temporary directory inside the index (`assets.tmp/`, removed when the
segment is written). A `kill -9` while the flush thread writes a segment leaves it behind; a start that then
finishes an interrupted reset mirrors the baseline's index over that directory, and must remove it, not fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.core import writes
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.search import disk, files
from emulator.search.schema import INDEX_NAME
from emulator.settings import Settings
from emulator.testing import copy_data_dir

LEFTOVER = f"{INDEX_NAME}.tmp"  # Whoosh's `SegmentWriter` temporary storage


class _Killed(BaseException):
    """Stands for the `kill -9` at a crash point: nothing after it runs."""


def _leftover(index_dir: Path) -> Path:
    pool = index_dir / LEFTOVER
    pool.mkdir()
    (pool / "0123abcd.run").write_bytes(b"a sorting run cut short")
    return pool


def test_a_mirror_removes_a_directory_an_interrupted_write_left(seeded_template: Path, tmp_path: Path) -> None:
    source = seeded_template / "index"
    target = tmp_path / "index"
    files.copy_index(source, target)
    pool = _leftover(target)
    files.mirror(source, target)
    assert not pool.exists()
    assert sorted(p.name for p in target.iterdir()) == sorted(n for n in files._copied(source))


def test_a_start_finishes_a_reset_over_what_an_interrupted_flush_left(
    seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    emu = Emulator(Settings(data_dir=data_dir))
    emu.start()
    admin = emu.catalog.users["admin"]
    state.ensure_baseline(emu)  # what a reset returns to: the data as loaded
    before = state.counts(emu)
    writes.create_asset(emu, admin, 9, "Made before the reset", {"Vendor": "Dell"})
    emu.index.flush()

    def killed_once_the_database_switched(step: str) -> None:
        if step == "prestage:kept":
            raise _Killed(step)

    monkeypatch.setattr(disk, "checkpoint", killed_once_the_database_switched)
    with pytest.raises(_Killed):
        state.reset(emu)
    monkeypatch.undo()
    emu.close()
    _leftover(data_dir / "index")

    again = Emulator(Settings(data_dir=data_dir))
    again.start()
    try:
        assert state.counts(again) == before
        assert not (data_dir / "index" / LEFTOVER).exists()
    finally:
        again.close()
