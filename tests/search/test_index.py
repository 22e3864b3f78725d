"""The Whoosh index behind the door: columns across segments, writes, stamps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.search.index import DIRTY, STAMP_FILE, SearchIndex
from emulator.search.tree import (
    All,
    Document,
    FieldValues,
    Range,
    SortKey,
    SortKind,
)


def _doc(asset_id: int, number: float | None = None, name: str = "") -> Document:
    fields = {"n": FieldValues(number=number), "name": FieldValues(texts=(name,) if name else ())}
    return Document(asset_id, fields)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    built = SearchIndex(tmp_path / "index")
    built.rebuild([_doc(1, 10.0, "b"), _doc(2, 20.0, "a")], total=2, generation=1)
    yield built
    built.close()


def test_a_range_sees_values_in_segments_written_after_one_without_the_column(index: SearchIndex) -> None:
    with index.write_lock:
        index.write([_doc(3)], [], generation=2)  # a segment without the "n" column
        index.write([_doc(4, 40.0)], [], generation=3)

    hits = index.search(Range("n", 15, None), [], 0, 10)

    assert sorted(hits.asset_ids) == [2, 4]


def test_sorting_by_a_column_spans_segments_and_puts_missing_values_first(index: SearchIndex) -> None:
    with index.write_lock:
        index.write([_doc(3)], [], generation=2)
        index.write([_doc(4, 5.0)], [], generation=3)

    hits = index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 10)

    assert hits.asset_ids == [3, 4, 1, 2]


def test_an_update_replaces_the_document_and_a_delete_removes_it(index: SearchIndex) -> None:
    with index.write_lock:
        index.write([_doc(1, 99.0)], [2], generation=2)

    assert index.search(All(), [], 0, 10).asset_ids == [1]
    assert index.search(Range("n", 99, 99), [], 0, 10).asset_ids == [1]
    assert index.doc_count() == 1


def test_a_commit_is_dirty_until_the_database_generation_is_stamped(index: SearchIndex) -> None:
    with index.write_lock:
        index.write([_doc(5)], [], generation=7)
        dirty = index.stamp()
        index.mark_current(7)

    assert dirty == {"generation": DIRTY, "schema": 4}
    assert index.stamp() == {"generation": 7, "schema": 4}
    assert index.is_current(7)
    assert not index.is_current(6)


def test_a_commit_interrupted_after_the_dirty_mark_is_never_current(index: SearchIndex) -> None:
    (index.path / STAMP_FILE).write_text(f'{{"generation": {DIRTY}, "schema": 4}}')

    assert not index.is_current(1)


def test_columns_survive_the_segment_merges_of_many_small_commits(index: SearchIndex) -> None:
    with index.write_lock:
        for generation, asset_id in enumerate(range(10, 20), start=2):  # enough commits for Whoosh to merge
            index.write([_doc(asset_id, name="x")], [], generation)

    assert sorted(index.search(Range("n", 15, None), [], 0, 50).asset_ids) == [2]
    assert index.search(All(), [SortKey("name", SortKind.TEXT)], 0, 3).asset_ids == [2, 1, 10]  # "a", "b", "x"
