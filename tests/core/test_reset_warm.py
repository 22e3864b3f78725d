"""A reset back to the same saved state keeps what stays valid (issue 23): the catalog it loaded from that state's
file, so the first write after a reset does not reload the metadata (a metadata change made since is still undone),
and the asset views of the assets not written since, so the first search does not read them again. A write keeps
the views it committed, so the search after it reads none either."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import update

from emulator.core import metadata_writes, writes
from emulator.core.asset_search import search_assets
from emulator.core.views import AssetView, load_views
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.search.tree import All
from emulator.store import models as m

LAPTOP = 9
RENAMED, DELETED, UNTOUCHED = 167, 168, 152
ATTRIBUTE = 5


def _rename_form(emu: Emulator, name: str) -> None:
    """A metadata write, as the Cloud collection routes make one."""
    with emu.session() as session:
        session.execute(update(m.Form).where(m.Form.id == LAPTOP).values(name=name))
        session.commit()
    emu.invalidate_catalog()


def test_a_reset_reuses_the_baselines_catalog_and_undoes_a_metadata_change(emu: Emulator) -> None:
    original = emu.catalog.forms[LAPTOP].name
    state.reset(emu)
    baseline = emu.catalog
    _rename_form(emu, "Notebook")
    assert emu.catalog.forms[LAPTOP].name == "Notebook"

    state.reset(emu)

    assert emu.catalog is baseline
    assert emu.catalog.forms[LAPTOP].name == original


def test_a_new_save_of_the_state_is_a_new_catalog(emu: Emulator) -> None:
    state.save(emu, "before")
    _rename_form(emu, "Notebook")
    state.restore(emu, "before")
    before = emu.catalog
    _rename_form(emu, "Notebook")
    state.save(emu, "before")  # the same name, a new save: a new file

    state.restore(emu, "before")

    assert emu.catalog is not before
    assert emu.catalog.forms[LAPTOP].name == "Notebook"


def _views(emu: Emulator) -> dict[int, AssetView]:
    admin = emu.catalog.users["admin"]
    return {view.id: view for view in search_assets(emu, admin, All(), [], offset=0, limit=1000).assets}


def test_a_reset_keeps_the_views_of_assets_unchanged_since_the_baseline_and_rereads_the_rest(emu: Emulator) -> None:
    state.reset(emu)
    before = _views(emu)
    admin = emu.catalog.users["admin"]
    writes.update_asset(emu, admin, RENAMED, {"name": "Renamed"})
    made = writes.create_asset(emu, admin, LAPTOP, "New", {}).id
    writes.delete_asset(emu, admin, DELETED)
    assert _views(emu)[RENAMED].name == "Renamed"

    state.reset(emu)
    after = _views(emu)

    assert after == before  # each as the database holds it again
    assert made not in after
    assert after[UNTOUCHED] is before[UNTOUCHED]  # kept, not read again
    assert after[RENAMED] is not before[RENAMED]
    with emu.session() as session:
        assert after == {view.id: view for view in load_views(session, emu.catalog, sorted(after))}


def test_a_write_keeps_the_views_it_committed_for_the_next_search(emu: Emulator) -> None:
    admin = emu.catalog.users["admin"]
    made = writes.create_asset(emu, admin, LAPTOP, "New", {})
    renamed = writes.update_asset(emu, admin, RENAMED, {"name": "Renamed"})
    writes.delete_asset(emu, admin, DELETED)

    def unread(ids: list[int]) -> list[AssetView]:
        raise AssertionError(f"read again: {ids}")

    assert emu.views.get([made.id, RENAMED], unread) == [made, renamed]
    assert emu.views.get([DELETED], lambda ids: _load(emu, ids)) == []
    with emu.session() as session:
        assert [made, renamed] == load_views(session, emu.catalog, [made.id, RENAMED])


def test_a_restore_of_another_state_rereads_every_view(emu: Emulator) -> None:
    state.reset(emu)
    admin = emu.catalog.users["admin"]
    writes.update_asset(emu, admin, RENAMED, {"name": "Renamed"})
    state.save(emu, "renamed")
    state.reset(emu)
    before = _views(emu)

    state.restore(emu, "renamed")
    after = _views(emu)

    assert after[RENAMED].name == "Renamed"
    assert after[UNTOUCHED] is not before[UNTOUCHED]


def test_a_search_during_a_restore_never_keeps_views_built_with_the_metadata_it_replaces(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searches take no lock: one that reads views while a restore switches the data must not pair the restored rows
    with the catalog of before and keep them (the next searches would show the undone metadata)."""
    original = emu.catalog.forms[LAPTOP].name
    state.save(emu, "before")
    _rename_form(emu, "Notebook")
    ids = [view.id for view in _views(emu).values() if view.form.id == LAPTOP]
    forget_and_keep = emu.views.back_to

    def with_a_search_in_between(saved: object | None) -> None:
        forget_and_keep(saved)
        emu.views.get(ids, lambda missing: _load(emu, missing))  # a search thread running at this instant

    monkeypatch.setattr(emu.views, "back_to", with_a_search_in_between)
    state.restore(emu, "before")

    served = emu.views.get(ids, lambda missing: _load(emu, missing))
    assert {view.form.name for view in served} == {original}


def _load(emu: Emulator, ids: list[int]) -> list[AssetView]:
    with emu.session() as session:
        return load_views(session, emu.catalog, ids)


# A catalog kept for a saved state is found by that state's identity: its database file and the save id written with
# it. A new save whose file the file system gives the inode, modification time and size of an older one (a reused
# inode within a coarse timestamp's tick) is still a new state, with its own catalog.
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
