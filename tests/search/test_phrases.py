"""Exact phrases read from postings in blocks (many documents, words repeated within one) against a scan of the
texts, in segments of the bulk writer and of Whoosh's own writer (as flushes write them)."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index

from emulator.search.caches import SegmentCaches
from emulator.search.schema import build_schema, whoosh_document
from emulator.search.tree import Document, FieldValues
from emulator.search.whoosh_internals import codec, phrases
from emulator.search.whoosh_internals.bulk import BulkPostings

WORDS = ("a", "b", "c", "d")
Adder = Callable[[Any], Callable[[dict[str, Any]], None]]


def _texts(seed: int, count: int) -> list[str]:
    """`count` texts of up to 8 words of four: every word in many documents, often twice in one."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(9))) for _ in range(count)]


def _found(texts: list[str], adder: Adder, phrase: tuple[str, ...]) -> set[int]:
    with tempfile.TemporaryDirectory() as folder:
        built = index.create_in(folder, build_schema(), indexname="assets")
        writer = codec.writer(built, compound=False)  # the flush's writer (whoosh) or the bulk one
        add = adder(writer)
        for number, text in enumerate(texts):
            add(whoosh_document(Document(asset_id=number + 1, fields={"name": FieldValues(texts=(text,))})))
        writer.commit()
        caches = SegmentCaches(built.reader())
        try:
            return set(phrases.exact(caches, "w_name", phrase))
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
