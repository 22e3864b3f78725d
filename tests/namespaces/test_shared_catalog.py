"""Namespaces made from one saved state share its catalog, read before any request can reach the first of them: a
metadata write racing that namespace's creation stays its own."""

from __future__ import annotations

import gc
import sqlite3
from contextlib import closing

import pytest
from fastapi import FastAPI

from emulator.core import changelog, metadata_writes, tokens
from emulator.core.token_codec import stored_tokens
from emulator.runtime import state
from emulator.runtime.namespaces import SHARED_CATALOGS, Namespaces
from emulator.search import caches
from emulator.store import models as m
from emulator.store.db import get_meta

ATTRIBUTE = 5


def _stored_name(namespaces: Namespaces, name: str) -> str:
    with namespaces.get(name).emulator.session() as session:
        return session.get_one(m.Attribute, ATTRIBUTE).name


def test_a_metadata_write_as_a_namespace_opens_does_not_reach_the_next_one_made_from_the_same_state(
    emulator_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    state.save(namespaces.default.emulator, "source")  # a saved state no namespace was made from yet
    opened = Namespaces._start_sweeper  # runs once the new namespace is published: requests reach it from then on

    def a_request_renames_in_first(self: Namespaces) -> None:
        found = self.peek("first")
        if found is not None and found.emulator.catalog.attributes[ATTRIBUTE].name != "Renamed in first":
            with metadata_writes.metadata_write(found.emulator) as ctx:
                metadata_writes.rename_attribute(ctx, ATTRIBUTE, "Renamed in first")
        opened(self)

    monkeypatch.setattr(Namespaces, "_start_sweeper", a_request_renames_in_first)
    namespaces.create("first", "snapshot:source")
    monkeypatch.undo()
    second = namespaces.create("second", "snapshot:source")

    assert namespaces.get("first").emulator.catalog.attributes[ATTRIBUTE].name == "Renamed in first"
    assert _stored_name(namespaces, "second") == "Server Name"
    assert second.emulator.catalog.attributes[ATTRIBUTE].name == "Server Name"  # was: "Renamed in first"


def test_the_shared_catalogs_are_bounded(emulator_app: FastAPI) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    for number in range(SHARED_CATALOGS + 2):
        state.save(namespaces.default.emulator, f"s{number}")
        namespaces.create(f"n{number}", f"snapshot:s{number}")

    assert len(namespaces._shared) == SHARED_CATALOGS


def test_a_token_made_as_a_namespace_opens_does_not_reach_the_next_one_made_from_the_same_state(
    emulator_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    state.save(namespaces.default.emulator, "source")
    opened = Namespaces._start_sweeper  # runs once the new namespace is published: requests reach it from then on

    def a_request_makes_a_token_in_first(self: Namespaces) -> None:
        found = self.peek("first")
        if found is not None and found.emulator.tokens.get("made-in-first") is None:
            tokens.create_token(found.emulator, "made in first", "READ", token_id="made-in-first")
        opened(self)

    monkeypatch.setattr(Namespaces, "_start_sweeper", a_request_makes_a_token_in_first)
    first = namespaces.create("first", "snapshot:source")
    monkeypatch.undo()
    second = namespaces.create("second", "snapshot:source")

    assert first.emulator.tokens.get("made-in-first") is not None
    assert second.emulator.tokens.get("made-in-first") is None
    with second.emulator.session() as session:
        assert sorted(t.id for t in stored_tokens(session)) == sorted(t.id for t in second.emulator.tokens.all())
    assert second.emulator.jwt_secret == first.emulator.jwt_secret == namespaces.default.emulator.jwt_secret
    assert second.emulator.opened is first.emulator.opened  # read once, from the saved state's first copy


def test_a_saved_state_whose_index_is_damaged_is_checked_and_rebuilt_in_every_namespace_made_from_it(
    emulator_app: FastAPI,
) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    default = namespaces.default.emulator
    state.save(default, "source")
    saved_index = default.settings.data_dir / "snapshots" / "source" / "index"
    next(saved_index.glob("*.trm")).unlink()  # the stamp lists it: the saved index is damaged

    first = namespaces.create("first", "snapshot:source")
    second = namespaces.create("second", "snapshot:source")

    assert first.emulator.opened is None  # rebuilt: nothing to adopt
    assert second.emulator.opened is None
    for made in (first, second):
        assert made.emulator.index.doc_count() == default.index.doc_count()
        assert next(made.emulator.settings.index_path.glob("*.trm")).exists()


def test_namespaces_made_from_one_saved_state_read_each_segment_s_ids_once(emulator_app: FastAPI) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    state.save(namespaces.default.emulator, "source")
    first = namespaces.create("first", "snapshot:source")
    second = namespaces.create("second", "snapshot:source")

    parts = [made.emulator.index._state.view.parts for made in (first, second)]
    assert [p.segid for p in parts[0]] == [p.segid for p in parts[1]]
    for mine, theirs in zip(*parts, strict=True):
        assert mine.caches is not theirs.caches  # readers of their own files
        assert mine.caches.ids() is theirs.caches.ids()
        assert mine.caches.every is theirs.caches.every


class _Segment:
    def __init__(self, segid: str) -> None:
        self.segid = segid

    def segment_id(self) -> str:
        return self.segid


class _Reader:
    def __init__(self, segid: str | None) -> None:
        self._segment = None if segid is None else _Segment(segid)

    def segment(self) -> _Segment | None:
        return self._segment


def test_a_segment_s_shared_ids_are_kept_while_one_reader_of_it_is() -> None:
    mine, theirs = caches._segment_ids(_Reader("seg1")), caches._segment_ids(_Reader("seg1"))

    assert mine is theirs
    assert caches._segment_ids(_Reader("seg2")) is not mine
    assert caches._segment_ids(_Reader(None)) is not caches._segment_ids(_Reader(None))  # several segments: its own
    del mine
    gc.collect()
    assert "seg1" in caches._BY_SEGMENT
    del theirs
    gc.collect()
    assert "seg1" not in caches._BY_SEGMENT


def test_a_saved_state_without_a_log_floor_gets_one_in_every_namespace_made_from_it(emulator_app: FastAPI) -> None:
    namespaces: Namespaces = emulator_app.state.namespaces
    emu = namespaces.default.emulator
    state.save(emu, "source")
    with emu.index.write_lock:
        saved = state.saved_dir(emu, "source") / "emulator.db"
    with closing(sqlite3.connect(saved)) as db, db:  # a state saved before the change log kept a floor
        db.execute("DELETE FROM meta WHERE key = ?", (changelog.FLOOR,))

    for name in ("first", "second"):  # the second skips reading its database when the first wrote nothing
        found = namespaces.create(name, "snapshot:source")
        with found.emulator.session() as session:
            assert get_meta(session, changelog.FLOOR) == str(found.emulator.pruned_through)  # was None in "second"
