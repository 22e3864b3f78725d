"""Phrases on one segment: exact (`"a b c"`) and sloppy (`"a b"~N`), from the words' stored positions.

Only documents holding every word are looked at. The rarest word goes first; each further word keeps, per document,
the phrase starts its positions still allow, and a document without any is dropped at once. Positions are decoded
from the postings as Whoosh's `Positions` format writes them, without its span machinery (at 100k assets, a
three-word phrase over 6,000 candidates took 250 ms that way).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from itertools import accumulate
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import pack_uint

from emulator.search import budget
from emulator.search.caches import DocSet, SegmentCaches
from emulator.search.matching import sloppy_match


def exact(caches: SegmentCaches, field: str, words: tuple[str, ...]) -> DocSet:
    """Documents where `words` stand one after another in `field`."""
    reader = caches.reader
    if any((field, word) not in reader for word in words):
        return set()
    starts: dict[int, set[int]] | None = None
    for offset in sorted(range(len(words)), key=lambda i: reader.doc_frequency(field, words[i])):
        found = positions(caches, field, words[offset], None if starts is None else starts.keys())
        kept: dict[int, set[int]] = {}
        for doc, places in found.items():
            shifted = {place - offset for place in places}
            left = shifted if starts is None else starts[doc] & shifted
            if left:
                kept[doc] = left
        starts = kept
        if not starts:
            break
    return set(starts or ())


def sloppy(caches: SegmentCaches, field: str, words: tuple[str, ...], slop: int) -> DocSet:
    """Documents where `words` stand within `slop` moves of the phrase (`emulator.search.matching`)."""
    if any((field, word) not in caches.reader for word in words):
        return set()  # a word the segment does not hold: no document has the phrase
    docs = frozenset.intersection(*(caches.postings(field, word) for word in words))
    if not docs:
        return set()
    places = {word: positions(caches, field, word, docs) for word in set(words)}
    return {d for d in budget.checked(docs) if sloppy_match([places[word][d] for word in words], slop)}


def positions(caches: SegmentCaches, field: str, word: str, docs: AbstractSet[int] | None) -> dict[int, list[int]]:
    """The positions of `word` in each of `docs` that holds it (None: in every document that does).

    The postings are read a block at a time (the codec's block arrays, pinned whoosh3) rather than skipped to
    document by document: a common word's blocks cost less than the calls; blocks without a wanted document are
    not decoded."""
    matcher: Any = caches.reader.postings(field, word)
    if not isinstance(matcher, W3LeafMatcher):
        return _one_by_one(matcher, docs)
    out = {}
    while matcher.is_active():
        budget.check()  # a block at a time
        if matcher._ids is None:
            matcher._read_ids()
        ids = matcher._ids
        if docs is None or not docs.isdisjoint(ids):
            if matcher._values is None:
                matcher._read_values()
            for doc, value in zip(ids, matcher._values, strict=True):
                if docs is None or doc in docs:
                    out[doc] = _decode(value)
        matcher._next_block()
    return out


def _one_by_one(matcher: Any, docs: AbstractSet[int] | None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    while matcher.is_active():
        if docs is None or matcher.id() in docs:
            out[matcher.id()] = _decode(matcher.value())
        matcher.next()
    return out


_SINGLE = {pack_uint(1) + dumps([place], 2): [place] for place in range(4096)}  # one early position: most words


def _decode(value: bytes) -> list[int]:
    """`Positions.decode_positions`: a count, then the pickled deltas (the pickle's stop byte may be cut)."""
    single = _SINGLE.get(value)
    if single is not None:
        return single
    body = value[4:] if value.endswith(b".") else value[4:] + b"."
    return list(accumulate(loads(body)))
