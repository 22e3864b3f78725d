"""The bulk segment writer writes the segment Whoosh's own writer would, file for file and byte for byte, both with the
emulator's codec (`emulator.search.whoosh_internals.codec`: the flush thread's writer); every term reads back as from
a W3 segment, the first version of the codec wrote W3's own blocks, and segments of W3, of that first version and of
the codec are read and merged together (indexes written before)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from emulator.core.documents import build_document
from emulator.core.views import iter_all_views
from emulator.runtime.emulator import Emulator
from emulator.search import orders, reference
from emulator.search.caches import SegmentCaches
from emulator.search.orders import ORDER_EXT
from emulator.search.schema import build_schema, whoosh_document
from emulator.search.tree import All, Document, FieldValues, SortKey, SortKind
from emulator.search.whoosh_internals import codec
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.seeding.generate import generate
from emulator.settings import Settings, default_fixtures

Adder = Callable[[Any], Callable[[dict[str, Any]], None]]
Opener = Callable[..., Any]  # a writer of an index


def _whoosh(writer: Any) -> Callable[[dict[str, Any]], None]:
    return lambda kwargs: writer.add_document(**kwargs)


def _bulk(writer: Any) -> Callable[[dict[str, Any]], None]:
    return BulkPostings(writer).add_document


def _w3(built: Any, **kwargs: Any) -> Any:
    """Whoosh's own writer with its own codec (W3): the segments of an index written before the emulator's codec."""
    return built.writer(**kwargs)


def _blocks_only(built: Any, **kwargs: Any) -> Any:
    """The emulator's codec inlining nothing: every term's postings in packed blocks (`packed`)."""
    return built.writer(codec=codec.CompactCodec(inline=0), **kwargs)


def _first_compact(built: Any, **kwargs: Any) -> Any:
    """The first version of the emulator's codec, inlining nothing: W3's pickled blocks; its pickled instances in
    the tables of contents of indexes written then have no `packed`."""
    first = codec.CompactCodec(inline=0)
    del first.packed
    return built.writer(codec=first, **kwargs)


def _one_segment(path: Path, docs: Iterable[Document], adder: Adder, opener: Opener = codec.writer) -> Any:
    """A new index at `path` holding one segment of `docs`, written by `adder`'s writer (opened by `opener`)."""
    path.mkdir()
    built = index.create_in(str(path), build_schema(), indexname="assets")
    writer = opener(built, compound=False)
    add = adder(writer)
    for doc in docs:
        add(whoosh_document(doc))
    writer.commit()
    return built


def _segment_files(path: Path, docs: Iterable[Document], adder: Adder, opener: Opener = codec.writer) -> dict[str, str]:
    """Build one segment of `docs` at `path`; the digest of each of its Whoosh files (not the sort orders the bulk
    writer stores beside them), named without the segment id."""
    built = _one_segment(path, docs, adder, opener)
    (segment,) = built._segments()
    files = [p for p in path.iterdir() if segment.segid in p.name and not p.name.endswith(ORDER_EXT)]
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
    assert _inlined_terms(tmp_path / "bulk") > 0
    w3 = _segment_files(tmp_path / "w3", docs, _whoosh, _w3)
    first = _segment_files(tmp_path / "first", docs, _bulk, _first_compact)
    assert {k: v for k, v in first.items() if not k.endswith(".trm")} == {
        k: v for k, v in w3.items() if not k.endswith(".trm")
    }  # W3's blocks, byte for byte
    blocks = _segment_files(tmp_path / "blocks", docs, _bulk, _blocks_only)
    assert blocks == _segment_files(tmp_path / "blocks-whoosh", docs, _whoosh, _blocks_only)
    assert blocks["assets_S.pst"] != first["assets_S.pst"]
    expected_postings = _postings(tmp_path / "w3")
    assert _postings(tmp_path / "bulk") == expected_postings
    assert _postings(tmp_path / "first") == _postings(tmp_path / "blocks") == expected_postings


Postings = dict[tuple[str, bytes], tuple[Any, ...]]


def _postings(path: Path) -> Postings:
    """Every term's statistics and postings as Whoosh's reader reads them: (doc, weight, value) per document, the
    value only in fields whose format has values."""
    built = index.open_dir(str(path), indexname="assets")
    schema = built.schema  # read once: each `built.schema` reads the table of contents from disk again
    out: Postings = {}
    with built.reader() as reader:
        for field, text in reader.all_terms():
            info = reader.term_info(field, text)
            stats = (info.doc_frequency(), info.weight(), info.max_weight(), info.min_id(), info.max_id())
            assert (reader.doc_frequency(field, text), reader.frequency(field, text)) == (stats[0], stats[1])
            valued = schema[field].format.fixed_value_size() != 0
            matcher = reader.postings(field, text)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), matcher.value() if valued else None))
                matcher.next()
            out[field, text] = (stats, items)
    built.close()
    return out


def _inlined_terms(path: Path) -> int:
    built = index.open_dir(str(path), indexname="assets")
    with built.reader() as reader:
        leaves = [leaf for leaf, _base in reader.leaf_readers()]
        count: int = sum(bool(leaf.term_info(*term).is_inlined()) for leaf in leaves for term in leaf.all_terms())
    built.close()
    return count


_DOCS = [
    Document(i, {"f": FieldValues(texts=(f"word{i % 3} unique{i}", f"v{i % 5}")), "n": FieldValues(number=i)})
    for i in range(1, 200)
]


@pytest.mark.parametrize("first_opener", [codec.writer, _w3, _first_compact], ids=["bulk", "w3", "first-compact"])
def test_a_flushed_segment_is_read_and_merged_with_a_bulk_built_or_w3_one(tmp_path: Path, first_opener: Opener) -> None:
    """A first segment (bulk-built, or Whoosh's W3 of an older index) and one the flush thread's writer adds after
    it: both read together, then merged into what one writer writes for all."""
    first, then = _DOCS[:150], _DOCS[150:]
    merged_path = tmp_path / "merged"
    built = _one_segment(merged_path, first, _bulk if first_opener is codec.writer else _whoosh, first_opener)
    writer = codec.writer(built)
    for doc in then:
        writer.add_document(**whoosh_document(doc))
    writer.commit(merge=False)
    assert _inlined_terms(merged_path) > 0
    with built.reader() as reader:  # both segments readable together
        assert sorted(reader.postings("w_f", "unique7").all_ids()) == [6]
        assert sorted(reader.postings("w_f", "unique170").all_ids()) == [169]
        assert reader.doc_frequency("w_f", "word1") == 67
        assert ("w_f", "unique999") not in reader
    codec.writer(built).commit(optimize=True)
    built.close()
    _segment_files(tmp_path / "whoosh", _DOCS, _whoosh)

    assert _postings(merged_path) == _postings(tmp_path / "whoosh")
    assert _inlined_terms(merged_path) == _inlined_terms(tmp_path / "whoosh") > 0


def test_a_bulk_writer_needs_the_emulators_codec(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.mkdir()
    writer = index.create_in(str(path), build_schema(), indexname="assets").writer()
    try:
        with pytest.raises(TypeError, match="codec"):
            BulkPostings(writer)
    finally:
        writer.cancel()


def test_default_fixtures(tmp_path: Path) -> None:
    _assert_same(tmp_path, _documents(default_fixtures(), tmp_path / "data"))


BLOCK = 128  # postings per block of the codec (and of W3)


def test_generated_assets_past_one_posting_block(tmp_path: Path) -> None:
    """260 assets: common terms span several of the codec's 128-posting blocks, some of them three (two full blocks
    and a part of one); the fewest assets that gives a term a full middle block."""
    generate(tmp_path / "fixtures", 260, seed=7)
    docs = _documents(tmp_path / "fixtures", tmp_path / "data")
    _assert_same(tmp_path, docs)
    built = index.open_dir(str(tmp_path / "bulk"), indexname="assets")
    with built.reader() as reader:
        blocks = Counter(-(-reader.doc_frequency(*term) // BLOCK) for term in reader.all_terms())
    built.close()
    assert min(blocks[2], blocks[3]) > 0, blocks


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
    writer = codec.writer(index.create_in(str(path), build_schema(), indexname="assets"))
    try:
        with pytest.raises(TypeError, match="v_f"):
            BulkPostings(writer).add_document({"uid": "1", "v_f": "one string"})
    finally:
        writer.cancel()


def test_the_stored_sort_orders_are_the_computed_ones(tmp_path: Path) -> None:
    docs = [
        Document(
            i,
            {
                "n": FieldValues(number=float(i % 7) if i % 5 else None),  # ties and missing values
                "t": FieldValues(texts=(f"T{i % 9}",) if i % 4 else ()),
            },
        )
        for i in (*range(300, 100, -1), *range(1, 101))  # not in id order
    ]
    path = tmp_path / "index"
    path.mkdir()
    built = index.create_in(str(path), build_schema(), indexname="assets")
    writer = codec.writer(built, compound=False)
    bulk = BulkPostings(writer)
    for doc in docs:
        bulk.add_document(whoosh_document(doc))
    writer.commit()
    built = index.open_dir(str(path), indexname="assets")
    caches = SegmentCaches(built.reader())
    try:
        for key in (SortKey("n", SortKind.NUMBER), SortKey("t", SortKind.TEXT)):
            for descending in (False, True):
                sort = SortKey(key.field, key.kind, descending)
                stored = caches._stored_order(sort)
                assert stored is not None
                computed = orders.ordered(caches._sort_keys(sort), caches._by_id(), descending)
                assert list(stored) == list(computed)
                ids = caches.ids()
                expected = reference.search(docs, All(), [sort], 0, len(docs)).asset_ids
                assert [ids[d] for d in stored] == expected
        assert caches._stored_order(SortKey("nothing", SortKind.NUMBER)) is None
    finally:
        caches.close()
