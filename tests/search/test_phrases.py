"""Exact phrases read from postings in blocks (many documents, words repeated within one) against a scan of the
texts, in segments of the bulk writer and of Whoosh's own writer (as flushes write them), with the words' decoded
blocks kept between phrases (`whoosh_internals.blocks`)."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index

from emulator.search import reference
from emulator.search.caches import SearchCaches, SegmentCaches
from emulator.search.index import SearchIndex
from emulator.search.schema import build_schema, whoosh_document
from emulator.search.tree import Document, FieldValues, Phrase
from emulator.search.whoosh_internals import codec, phrases
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.util.lru import CacheLimits
from tests.helpers import LONG

WORDS = ("a", "b", "c", "d")
Adder = Callable[[Any], Callable[[dict[str, Any]], None]]


def _texts(seed: int, count: int) -> list[str]:
    """`count` texts of up to 8 words of four: every word in many documents, often twice in one."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(9))) for _ in range(count)]


def _found(texts: list[str], adder: Adder, phrase: tuple[str, ...]) -> set[int]:
    return _found_in_turn(texts, adder, [phrase], SearchCaches())[0]


def _found_in_turn(
    texts: list[str], adder: Adder, asked: list[tuple[str, ...]], shared: SearchCaches, sloppy: bool = False
) -> list[set[int]]:
    """Each phrase of `asked` in turn, on one segment whose caches stay between them (with `sloppy`, every other
    one as a sloppy phrase of no slop, which reads the same positions another way)."""
    with tempfile.TemporaryDirectory() as folder:
        built = index.create_in(folder, build_schema(), indexname="assets")
        writer = codec.writer(built, compound=False)  # the flush's writer (whoosh) or the bulk one
        add = adder(writer)
        for number, text in enumerate(texts):
            add(whoosh_document(Document(asset_id=number + 1, fields={"name": FieldValues(texts=(text,))})))
        writer.commit()
        caches = SegmentCaches(built.reader(), shared)
        try:
            return [
                set(
                    phrases.sloppy(caches, "w_name", phrase, 0)
                    if sloppy and n % 2
                    else phrases.exact(caches, "w_name", phrase)
                )
                for n, phrase in enumerate(asked)
            ]
        finally:
            caches.close()
            built.close()


def _scanned(texts: list[str], phrase: tuple[str, ...]) -> set[int]:
    size = len(phrase)
    found = set()
    for number, text in enumerate(texts):
        words = text.split()
        if any(tuple(words[at : at + size]) == phrase for at in range(len(words) - size + 1)):
            found.add(number)
    return found


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    count=st.sampled_from([3, 40, 300]),  # inlined postings, one block, several blocks
    phrase=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(tuple),
    whoosh=st.booleans(),
)
def test_exact_phrases_are_those_a_scan_of_the_texts_finds(
    seed: int, count: int, phrase: tuple[str, ...], whoosh: bool
) -> None:
    texts = _texts(seed, count)
    adder: Adder = (
        (lambda w: lambda kwargs: w.add_document(**kwargs)) if whoosh else (lambda w: BulkPostings(w).add_document)
    )

    assert _found(texts, adder, phrase) == _scanned(texts, phrase)


def _sparse_texts(seed: int, count: int) -> list[str]:
    """Texts of the four words, a few of them with a rare fifth one: a phrase with it reads few blocks of the rest."""
    texts = _texts(seed, count)
    return [f"{text} e a" if number % 331 == 5 else text for number, text in enumerate(texts)]


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    asked=st.lists(st.lists(st.sampled_from((*WORDS, "e")), min_size=2, max_size=3).map(tuple), min_size=2, max_size=6),
    whoosh=st.booleans(),
    tiny=st.booleans(),
    sloppy=st.booleans(),
)
def test_phrases_in_turn_on_kept_blocks_are_those_a_scan_finds(
    seed: int, asked: list[tuple[str, ...]], whoosh: bool, tiny: bool, sloppy: bool
) -> None:
    """Blocks decoded by one phrase (some of a word's, all of them) serve the next; a cap of a few kilobytes drops
    entries between and within phrases."""
    texts = _sparse_texts(seed, 2000)
    adder: Adder = (
        (lambda w: lambda kwargs: w.add_document(**kwargs)) if whoosh else (lambda w: BulkPostings(w).add_document)
    )
    shared = SearchCaches(CacheLimits(positions_mb=0.004 if tiny else 32))

    assert _found_in_turn(texts, adder, asked, shared, sloppy) == [_scanned(texts, phrase) for phrase in asked]


def test_kept_blocks_are_counted_capped_and_dropped_with_their_segment() -> None:
    texts = _sparse_texts(7, 2000)
    shared = SearchCaches(CacheLimits(positions_mb=32))
    adder: Adder = lambda w: BulkPostings(w).add_document  # noqa: E731

    found = _found_in_turn(texts, adder, [("e", "a"), ("a", "b"), ("b", "a"), ("a", "b")], shared)

    assert found[0] == _scanned(texts, ("e", "a"))
    stats = shared.positions.stats()
    assert stats["entries"] == 0  # the segment closed: its entries went with it
    assert stats["misses"] == 3  # e, a and b read once each; a and b again, then both once more, from the cache
    assert stats["hits"] == 5
    capped = SearchCaches(CacheLimits(positions_mb=0.004))
    _found_in_turn(texts, adder, [("a", "b"), ("b", "c"), ("c", "d")], capped)
    assert capped.positions.stats()["evictions"] > 0


Batch = dict[int, Document | None]  # asset id -> its new document (None: deleted)
PHRASE_WORDS = (*WORDS, "e", "f", "zz")  # e: in 16 or 17 documents (inlined or not); f: fills long texts; zz: absent


@st.composite
def _segments(draw: st.DrawFn) -> list[Batch]:
    """A build, then six batches of changes (new documents, texts replaced, deletions), by asset id: five small
    flushed segments and the flush that merges them (Whoosh merges segments of fewer than 55 documents together)."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    count = draw(st.sampled_from([20, 300]))
    rare = draw(st.sampled_from([16, 17]))  # documents of the build with "e": inlined or in a block
    long_at = draw(st.lists(st.sampled_from([4093, 4094, 4095, 4096]), max_size=2))

    def doc(asset_id: int) -> Document:
        parts = _texts(rng.randrange(10**6), rng.randrange(1, 3))
        if asset_id <= min(rare, count) or (asset_id > count and rng.random() < 0.4):
            parts.append("e a")
        if long_at and asset_id % 7 == 0:
            parts.append(f"{'f ' * long_at[asset_id % len(long_at)]}a a b a")  # positions past 4095, in several
        return Document(asset_id, {"name": FieldValues(texts=tuple(parts))})

    batches: list[Batch] = [{n: doc(n) for n in range(1, count + 1)}]
    for first in range(count + 1, count + 31, 6):
        batch: Batch = {n: doc(n) for n in range(first, first + 6)}
        for asset_id in rng.sample(range(1, count + 1), 3):
            batch[asset_id] = None if asset_id % 3 == 0 else doc(asset_id)
        batches.append(batch)
    batches.append({count + 31: doc(count + 31), 1: None})
    return batches


_phrase = st.tuples(
    st.lists(st.sampled_from(PHRASE_WORDS), min_size=2, max_size=4).map(tuple)
    | st.sampled_from([("a", "a", "a"), ("a", "a"), ("e", "a"), ("f", "a", "a"), ("a", "zz")]),
    st.sampled_from([0, 0, 1, 2]),
)


def _assert_phrases(found: SearchIndex, docs: list[Document], asked: list[tuple[tuple[str, ...], int]]) -> None:
    for words, slop in asked:
        node = Phrase("name", words, slop)
        expected = reference.search(docs, node, [], 0, len(docs))
        hits = found.search(node, [], 0, len(docs))
        assert (hits.total, hits.asset_ids) == (expected.total, expected.asset_ids), (words, slop)


def _apply(found: SearchIndex, current: dict[int, Document | None], generation: int, batch: Batch) -> None:
    found.apply(generation, batch, new=[asset_id for asset_id in batch if asset_id not in current])
    current.update(batch)
    found.flush()


@settings(max_examples=40 if LONG else 6, deadline=None)
@given(batches=_segments(), asked=st.lists(_phrase, min_size=3, max_size=8))
def test_phrases_over_flushed_and_merged_segments_answer_what_the_reference_does(
    batches: list[Batch], asked: list[tuple[tuple[str, ...], int]]
) -> None:
    """A bulk-built segment and five small flushed ones (updates and deletions shadowing earlier documents), then
    the small ones merged by the sixth flush, with a positions cache of 4 kB (entries dropped between and within
    phrases): exact and sloppy phrases, repeated words and words the data lacks, answer what a scan does."""
    with tempfile.TemporaryDirectory() as folder, mock.patch("emulator.search.index.MERGE_EVERY", 6):
        found = SearchIndex(Path(folder), flush_interval_s=3600, limits=CacheLimits(positions_mb=0.004))
        try:
            current = dict(batches[0])
            built = [doc for doc in current.values() if doc is not None]
            found.rebuild(built, total=len(built), generation=1)
            for generation, batch in enumerate(batches[1:6], start=2):
                _apply(found, current, generation, batch)
            assert len(found._state.view.parts) == 6
            _assert_phrases(found, [doc for doc in current.values() if doc is not None], asked)
            _apply(found, current, 7, batches[6])  # the sixth flush merges the small segments
            assert len(found._state.view.parts) < 6
            _assert_phrases(found, [doc for doc in current.values() if doc is not None], asked)
        finally:
            found.close()
