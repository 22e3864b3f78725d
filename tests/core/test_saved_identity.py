"""A catalog kept for a saved state is found by that state's identity: its database file and the save id written
with it. A new save whose file the file system gives the inode, modification time and size of an older one (a
reused inode within a coarse timestamp's tick) is still a new state, with its own catalog."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from emulator.core import metadata_writes
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.store import models as m
from emulator.testing import copy_data_dir

ATTRIBUTE = 5


@pytest.fixture
def emu(seeded_template: Path, tmp_path: Path) -> Iterator[Emulator]:
    emulator = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.close()


def _stored_name(emu: Emulator) -> str:
    with emu.session() as session:
        return session.get_one(m.Attribute, ATTRIBUTE).name


def test_a_new_save_that_looks_like_an_old_file_gets_its_own_catalog(emu: Emulator, tmp_path: Path) -> None:
    saved = emu.settings.data_dir / "snapshots" / "a" / "emulator.db"
    state.save(emu, "a")
    first = saved.stat()
    os.link(saved, tmp_path / "first.db")  # the first save's inode stays in use, for the file system to give again
    state.restore(emu, "a")  # its catalog is kept under its identity
    assert emu.catalog.attributes[ATTRIBUTE].name == _stored_name(emu) == "Server Name"

    with metadata_writes.metadata_write(emu) as ctx:
        metadata_writes.rename_attribute(ctx, ATTRIBUTE, "Server Namf")  # same length: the same file size
    state.save(emu, "a")
    with closing(sqlite3.connect(saved)) as new, closing(sqlite3.connect(tmp_path / "first.db")) as old:
        new.backup(old)  # the new save's content in the old inode: what a reused inode would hold
    os.replace(tmp_path / "first.db", saved)
    os.utime(saved, ns=(first.st_atime_ns, first.st_mtime_ns))  # within one tick of a coarse file system
    now = saved.stat()
    assert (now.st_dev, now.st_ino, now.st_mtime_ns, now.st_size) == (
        first.st_dev, first.st_ino, first.st_mtime_ns, first.st_size,
    )  # fmt: skip

    state.restore(emu, "a")

    assert _stored_name(emu) == "Server Namf"
    assert emu.catalog.attributes[ATTRIBUTE].name == "Server Namf"  # was: the first save's "Server Name"
