"""The Whoosh index behind the door: columns across segments, the in-memory layer, flushes, stamps, caches."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.search.directory import SCHEMA_VERSION
from emulator.search.index import SearchIndex
from emulator.search.tree import (
    All,
    Document,
    FieldValues,
    Match,
    Pattern,
    Range,
    SortKey,
    SortKind,
)
from emulator.search.whoosh_internals import codec


def _doc(asset_id: int, number: float | None = None, name: str = "") -> Document:
    fields = {"n": FieldValues(number=number), "name": FieldValues(texts=(name,) if name else ())}
    return Document(asset_id, fields)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    built = SearchIndex(tmp_path / "index", flush_interval_s=3600, flush_batch=10**6)  # flushed by hand
    built.rebuild([_doc(1, 10.0, "b"), _doc(2, 20.0, "a")], total=2, generation=1)
    yield built
    built.close()


def _stamped(index: SearchIndex) -> tuple[int, int]:
    stamp = index.stamp() or {}
    return stamp.get("generation", -1), stamp.get("schema", -1)


def _write(index: SearchIndex, generation: int, docs: list[Document], deletes: tuple[int, ...] = ()) -> None:
    changes: dict[int, Document | None] = {doc.asset_id: doc for doc in docs}
    changes.update(dict.fromkeys(deletes))
    index.apply(generation, changes)
    index.flush()


def test_a_range_sees_values_in_segments_written_after_one_without_the_column(index: SearchIndex) -> None:
    _write(index, 2, [_doc(3)])  # a segment without the "n" column
    _write(index, 3, [_doc(4, 40.0)])

    hits = index.search(Range("n", 15, None), [], 0, 10)

    assert sorted(hits.asset_ids) == [2, 4]


def test_sorting_by_a_column_spans_segments_and_puts_missing_values_first(index: SearchIndex) -> None:
    _write(index, 2, [_doc(3)])
    _write(index, 3, [_doc(4, 5.0)])

    hits = index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10)

    assert hits.asset_ids == [3, 4, 1, 2]


def test_an_update_replaces_the_document_and_a_delete_removes_it(index: SearchIndex) -> None:
    _write(index, 2, [_doc(1, 99.0)], (2,))

    assert index.search(All(), [], 0, 10).asset_ids == [1]
    assert index.search(Range("n", 99, 99), [], 0, 10).asset_ids == [1]
    assert index.doc_count() == 1


def test_changes_are_searchable_before_any_flush_and_shadow_the_segments(index: SearchIndex) -> None:
    index.apply(2, {1: _doc(1, 99.0, "c"), 2: None, 3: _doc(3, 5.0, "a")}, new=[3])

    assert index.pending() == 3
    assert index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10).asset_ids == [3, 1]
    assert index.search(Match("name", Pattern.exact("b")), [], 0, 10).asset_ids == []
    assert index.search(All(), [SortKey("name", SortKind.TEXT, descending=True)], 1, 5).total == 2
    assert index.doc_count() == 2
    assert _stamped(index) == (1, SCHEMA_VERSION)


def test_a_flush_empties_the_layer_and_stamps_the_generation(index: SearchIndex) -> None:
    index.apply(2, {3: _doc(3, 30.0)}, new=[3])
    index.apply(3, {3: _doc(3, 31.0)})

    assert index.flush() == 1

    assert index.pending() == 0
    assert index.flushed == 3
    assert _stamped(index) == (3, SCHEMA_VERSION)
    assert index.search(Range("n", 31, 31), [], 0, 10).asset_ids == [3]
    assert index.doc_count() == 3


def test_a_flush_keeps_the_caches_of_segments_it_did_not_replace(index: SearchIndex) -> None:
    index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10)
    before = index._state.view.parts[0].caches

    _write(index, 2, [_doc(3, 1.0)])
    _write(index, 3, [_doc(1, 2.0)])  # deletes a document of the first segment: its live set changes

    parts = index._state.view.parts
    assert parts[0].caches is before
    assert len(parts[0].live) == 1
    assert index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10).asset_ids == [3, 1, 2]


def test_an_index_catches_up_only_from_a_stamp_the_change_log_bridges(index: SearchIndex) -> None:
    _write(index, 4, [_doc(3)])

    assert index.unusable(generation=9, floor=4, history="") is None
    assert index.unusable(generation=4, floor=0, history="") is None
    assert index.unusable(generation=3, floor=0, history="") is not None  # the index is ahead of the database
    assert index.unusable(generation=9, floor=5, history="") is not None  # the log no longer holds generation 5


def test_columns_survive_the_segment_merges_of_many_small_flushes(index: SearchIndex) -> None:
    for generation, asset_id in enumerate(range(10, 20), start=2):  # enough flushes for Whoosh to merge
        _write(index, generation, [_doc(asset_id, name="x")])

    assert sorted(index.search(Range("n", 15, None), [], 0, 50).asset_ids) == [2]
    assert index.search(All(), [SortKey("name", SortKind.TEXT)], 0, 3).asset_ids == [2, 1, 10]  # "a", "b", "x"


def test_the_flush_thread_writes_waiting_changes_and_stops_on_close(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index", flush_interval_s=0.01, flush_batch=1)
    index.rebuild([_doc(1)], total=1, generation=1)
    index.apply(2, {2: _doc(2)}, new=[2])
    for _ in range(1000):
        if index.flushed == 2:
            break
        time.sleep(0.01)
    thread = index._flusher._thread
    index.close()

    assert index.flushed == 2
    assert thread is not None
    assert not thread.is_alive()


def test_a_page_beyond_any_list_is_empty_with_the_total(index: SearchIndex) -> None:
    index.apply(2, {3: _doc(3)}, new=[3])

    hits = index.search(All(), [], 10**30, 10)

    assert (hits.total, hits.asset_ids) == (3, [])


def test_a_flush_replaces_a_stale_whoosh_lock_left_by_a_failed_commit(
    index: SearchIndex, caplog: pytest.LogCaptureFixture
) -> None:
    stale = open_lock(index.path / "assets_WRITELOCK")  # as a commit that died between writing and releasing
    try:
        index.apply(2, {3: _doc(3, 30.0)}, new=[3])

        assert index.flush() == 1

        assert index.search(Range("n", 30, 30), [], 0, 10).asset_ids == [3]
        assert "stale Whoosh write lock" in caplog.text
    finally:
        os.close(stale)


def open_lock(path: Path) -> int:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_a_build_with_two_writer_processes_answers_as_one_and_names_its_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("emulator.search.directory.PARALLEL_FROM", 0)
    docs = [_doc(i, float(i % 7) if i % 3 else None, f"name {i % 5}") for i in range(1, 301)]
    answers, segments = [], []
    for procs in (1, 2):
        built = SearchIndex(tmp_path / f"index{procs}", flush_interval_s=3600, flush_batch=10**6)
        built.rebuild(docs, total=len(docs), generation=1, procs=procs)
        _write(built, 2, [Document(301, {"m": FieldValues(number=1.0)})])  # a column the build never saw
        schema = built._index.schema
        assert {"n_n", "s_name", "n_m"} <= set(schema.names())
        assert "n_*" not in schema._dyn_fields
        sort = [SortKey("n", SortKind.NUMBER, descending=True), SortKey("name", SortKind.TEXT)]
        hits = [built.search(Range("n", 2, 5), sort, 0, 50), built.search(Match("name", Pattern.parse("3")), [], 0, 99)]
        hits += [built.search(All(), sort, offset, 7) for offset in (0, 1, 150, 293, 301, 400)]  # deep pages merged
        answers.append([(found.total, found.asset_ids) for found in hits])
        segments.append(len(built._state.view.parts))
        built.close()
    assert answers[0] == answers[1]
    assert segments == [2, 3]  # one segment per writer process, plus the flush's


def test_segments_of_whooshs_own_codec_are_searched_and_changed_beside_the_emulators(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written before the emulator's codec (segments in Whoosh's W3) keeps answering, and flushes with the
    codec update and delete its documents."""
    with monkeypatch.context() as patched:
        patched.setattr(codec, "writer", lambda ix, **kwargs: ix.writer(**kwargs))  # Whoosh's own codec
        _write(index, 2, [_doc(3, 30.0, "c"), _doc(4, 40.0, "d")])
    _write(index, 3, [_doc(5, 50.0, "e")], (3,))
    _write(index, 4, [_doc(4, 44.0, "dd")])

    segments = index._index._segments() if index._index is not None else []
    assert {type(segment.codec()).__name__ for segment in segments} == {"CompactCodec", "W3Codec"}
    assert index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10).asset_ids == [1, 2, 4, 5]
    assert index.search(Match("name", Pattern.parse("dd")), [], 0, 10).asset_ids == [4]
    assert index.search(Match("name", Pattern.parse("d")), [], 0, 10).asset_ids == []
    assert index.search(Range("n", 25, 45), [], 0, 10).asset_ids == [4]
