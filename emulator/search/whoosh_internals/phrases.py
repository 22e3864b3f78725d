"""Phrases on one segment: exact (`"a b c"`) and sloppy (`"a b"~N`), from the words' stored positions.

Only documents holding every word are looked at. The rarest word goes first; each further word keeps the phrase
starts its positions still allow (an exact phrase: as one set of numbers, document and start, intersected in C;
blocks without a candidate document are not read). Positions are decoded from the postings as Whoosh's
`Positions` format writes them, without its span machinery (at 100k assets, a three-word phrase over 6,000
candidates took 250 ms that way). At 100k assets a phrase's cost is now mostly unpickling and decompressing its
words' posting blocks (about 1 µs a posting, half of it in `pickle.loads` and `zlib`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from itertools import accumulate, chain, repeat
from operator import add, floordiv, mul, sub
from pickle import loads
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher

from emulator.search import budget
from emulator.search.caches import DocSet, SegmentCaches
from emulator.search.matching import sloppy_match
from emulator.search.whoosh_internals.packed import ONE_AT, block_places


def exact(caches: SegmentCaches, field: str, words: tuple[str, ...]) -> DocSet:
    """Documents where `words` stand one after another in `field`.

    A phrase start is one number, `document * _STRIDE + start`: each word gives the starts its positions allow
    (`_starts`), and the phrase's starts are the intersection of those sets, taken in C. A start below 0 (a word
    at a place before its offset) never meets the first word's starts, and never another document's: a field holds
    far fewer than `_STRIDE` words."""
    reader = caches.reader
    if any((field, word) not in reader for word in words):
        return set()
    starts: set[int] | None = None
    for offset in sorted(range(len(words)), key=lambda i: reader.doc_frequency(field, words[i])):
        wanted = None if starts is None else sorted(set(map(floordiv, starts, repeat(_STRIDE))))
        found = chain.from_iterable(_starts(caches, field, words[offset], offset, wanted))
        starts = set(found) if starts is None else starts.intersection(found)  # lookups only: no set of `found`
        if not starts:
            return set()
    return set(map(floordiv, starts or (), repeat(_STRIDE)))


_STRIDE = 1 << 32  # a phrase start as one number: document * _STRIDE + start


def _starts(
    caches: SegmentCaches, field: str, word: str, offset: int, wanted: list[int] | None
) -> Iterator[Iterable[int]]:
    """`document * _STRIDE + position - offset` for each position of `word`, a block at a time, in the blocks that
    may hold one of the `wanted` documents (sorted; None: all). A block is skipped on its header's last document,
    before it is read; one read gives ids and positions (`packed.block_places`: each posting's one early position,
    most are, in C)."""
    matcher: Any = caches.reader.postings(field, word)
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        docs = None if wanted is None else set(wanted)
        found = _one_by_one(matcher, docs).items()
        yield [doc * _STRIDE + place - offset for doc, places in found for place in places]
        return
    low = 0  # the first document the current block can hold
    while matcher.is_active():
        budget.check()  # a block at a time
        high = matcher._maxid
        if wanted is None or _holds_between(wanted, low, high):
            gaps, places, values = block_places(matcher)
            ids = matcher._ids = tuple(accumulate(gaps))
            if values is not None:
                yield _slow_starts(ids, values, places, offset)
            else:
                scaled = map(sub, map(mul, ids, repeat(_STRIDE)), repeat(offset))
                yield map(add, scaled, places)
        low = high + 1
        matcher._next_block()


def _holds_between(wanted: list[int], low: int, high: int) -> bool:
    at = bisect_left(wanted, low)
    return at < len(wanted) and wanted[at] <= high


def _slow_starts(ids: tuple[int, ...], values: Any, places: Sequence[int | None], offset: int) -> Iterator[int]:
    for doc, value, place in zip(ids, values, places, strict=True):
        base = doc * _STRIDE - offset
        if place is not None:
            yield base + place
        else:
            yield from (base + found for found in _decode(value))


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
        gaps, places, values = block_places(matcher)
        ids = tuple(accumulate(gaps))
        if docs is None or not docs.isdisjoint(ids):
            for at, (doc, place) in enumerate(zip(ids, places, strict=True)):
                if docs is None or doc in docs:
                    out[doc] = [place] if place is not None else _decode(values[at])  # type: ignore[index]
        matcher._next_block()
    return out


def _one_by_one(matcher: Any, docs: AbstractSet[int] | None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    while matcher.is_active():
        if docs is None or matcher.id() in docs:
            out[matcher.id()] = _decode(matcher.value())
        matcher.next()
    return out


_SINGLE = {value: [place] for value, place in ONE_AT.items()}  # one early position: most words


def _decode(value: bytes) -> list[int]:
    """`Positions.decode_positions`: a count, then the pickled deltas (the pickle's stop byte may be cut)."""
    single = _SINGLE.get(value)
    if single is not None:
        return single
    body = value[4:] if value.endswith(b".") else value[4:] + b"."
    return list(accumulate(loads(body)))
