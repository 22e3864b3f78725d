"""Exact phrases read from postings in blocks (many documents, words repeated within one) against a scan of the
texts, in segments of the bulk writer and of Whoosh's own writer (as flushes write them), with the words' decoded
blocks kept between phrases (`whoosh_internals.blocks`)."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index

from emulator.search.caches import SearchCaches, SegmentCaches
from emulator.search.schema import build_schema, whoosh_document
from emulator.search.tree import Document, FieldValues
from emulator.search.whoosh_internals import codec, phrases
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.util.lru import CacheLimits

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
