"""The bulk segment writer writes the segment Whoosh's own writer would, file for file and byte for byte."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from emulator.core.documents import build_document
from emulator.core.runtime import Emulator
from emulator.core.views import iter_all_views
from emulator.search.bulk import BulkPostings
from emulator.search.schema import build_schema, whoosh_document
from emulator.search.tree import Document, FieldValues
from emulator.seeding.generate import generate
from emulator.settings import DEFAULT_FIXTURES, Settings

Adder = Callable[[Any], Callable[[dict[str, Any]], None]]


def _whoosh(writer: Any) -> Callable[[dict[str, Any]], None]:
    return lambda kwargs: writer.add_document(**kwargs)


def _bulk(writer: Any) -> Callable[[dict[str, Any]], None]:
    return BulkPostings(writer).add_document


def _segment_files(path: Path, docs: Iterable[Document], adder: Adder) -> dict[str, str]:
    """Build one segment of `docs` at `path`; the digest of each of its files, named without the segment id."""
    path.mkdir()
    built = index.create_in(str(path), build_schema(), indexname="assets")
    writer = built.writer(compound=False)
    add = adder(writer)
    for doc in docs:
        add(whoosh_document(doc))
    writer.commit()
    (segment,) = built._segments()
    files = [p for p in path.iterdir() if segment.segid in p.name]
    return {p.name.replace(segment.segid, "S"): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _documents(fixtures: Path, data_dir: Path) -> list[Document]:
    emulator = Emulator(Settings(data_dir=data_dir, fixtures=fixtures))
    emulator.open_store()
    try:
        with emulator.session() as session:
            catalog = emulator.catalog
            return [build_document(view, catalog, emulator.zone) for view in iter_all_views(session, catalog)]
    finally:
        emulator.close()


def _assert_same(tmp_path: Path, docs: list[Document]) -> None:
    expected = _segment_files(tmp_path / "whoosh", docs, _whoosh)
    assert _segment_files(tmp_path / "bulk", docs, _bulk) == expected
    assert any(name.endswith(".pst") for name in expected)
    assert any(name.endswith(".trm") for name in expected)


def test_default_fixtures(tmp_path: Path) -> None:
    _assert_same(tmp_path, _documents(DEFAULT_FIXTURES, tmp_path / "data"))


def test_generated_assets_past_one_posting_block(tmp_path: Path) -> None:
    """300 assets: common terms span several of the codec's 128-posting blocks."""
    generate(tmp_path / "fixtures", 300, seed=7)
    _assert_same(tmp_path, _documents(tmp_path / "fixtures", tmp_path / "data"))


def test_words_values_and_odd_texts(tmp_path: Path) -> None:
    texts = ("İstanbul ÇAY straße", "a.b.c 1.5 x__y", "", "dup dup DUP", "\n\n", "ünïcode\u00a0space", "a" * 300)
    docs = [
        Document(i, {"f": FieldValues(texts=texts[i % len(texts) :]), "n": FieldValues(number=float(i))})
        for i in range(1, 400)
    ]
    _assert_same(tmp_path, docs)


def test_a_string_for_a_list_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.mkdir()
    writer = index.create_in(str(path), build_schema(), indexname="assets").writer()
    try:
        with pytest.raises(TypeError, match="v_f"):
            BulkPostings(writer).add_document({"uid": "1", "v_f": "one string"})
    finally:
        writer.cancel()
