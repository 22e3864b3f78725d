"""Phrases on one segment: exact (`"a b c"`) and sloppy (`"a b"~N`), from the words' stored positions.

Only documents holding every word are looked at. The rarest word goes first; each further word keeps the phrase
starts its positions still allow (an exact phrase: as one set of numbers, document and start, intersected in C;
blocks without a candidate document are not read). Positions are decoded from the postings as Whoosh's
`Positions` format writes them, without its span machinery (at 100k assets, a three-word phrase over 6,000
candidates took 250 ms that way). A block is decompressed and read as arrays (`packed`: a block of an older
segment unpickles one value per posting, about five times the cost), and each word's decoded blocks are kept
(`blocks`): a word met again in a later phrase costs its set operations only.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import accumulate, chain, repeat
from operator import add, floordiv, mul, sub
from pickle import loads
from typing import Any

from emulator.search import budget
from emulator.search.caches import DocSet, SegmentCaches
from emulator.search.matching import sloppy_match
from emulator.search.whoosh_internals import blocks
from emulator.search.whoosh_internals.packed import ONE_AT


def exact(caches: SegmentCaches, field: str, words: tuple[str, ...]) -> DocSet:
    """Documents where `words` stand one after another in `field`.

    A phrase start is one number, `document * _STRIDE + start`: each word gives the starts its positions allow
    (`_starts`), and the phrase's starts are the intersection of those sets, taken in C. A start below 0 (a word
    at a place before its offset) never meets the first word's starts, and never another document's: a field holds
    far fewer than `_STRIDE` words. The rarest word's documents bound the blocks the others read; they are taken
    again from the starts only once those have shrunk to under half."""
    reader = caches.reader
    if field not in reader.schema:
        return set()
    frequencies = [reader.doc_frequency(field, word) for word in words]  # 0: a word the segment does not hold
    if not all(frequencies):
        return set()
    starts: set[int] | None = None
    wanted: list[int] | None = None  # the documents that may still hold the phrase, sorted (None: any)
    for offset in sorted(range(len(words)), key=frequencies.__getitem__):
        docs: list[int] | None = [] if wanted is None else None  # the first word's documents, as they are read
        found = chain.from_iterable(_starts(caches, field, words[offset], offset, wanted=wanted, docs=docs))
        starts = set(found) if starts is None else starts.intersection(found)  # lookups only: no set of `found`
        if not starts:
            return set()
        if docs is not None:
            wanted = docs
        elif wanted is not None and 2 * len(starts) < len(wanted):
            wanted = sorted(set(map(floordiv, starts, repeat(_STRIDE))))
    return frozenset(map(floordiv, starts or (), repeat(_STRIDE)))  # cached as it is (`SegmentCaches.cached`)


_STRIDE = 1 << 32  # a phrase start as one number: document * _STRIDE + start


def _starts(
    caches: SegmentCaches, field: str, word: str, offset: int, *, wanted: list[int] | None, docs: list[int] | None
) -> Iterator[Iterable[int]]:
    """`document * _STRIDE + position - offset` for each position of `word`, a block at a time, in the blocks that
    may hold one of the `wanted` documents (sorted; None: all); each block's documents are added to `docs` (unless
    None). A block is picked on its header's last document, decoded once (`blocks.WordBlocks`); a posting's single
    early position (most are) is added to its document in C."""
    found = blocks.read(caches, field, word, _picks(wanted))
    if found is None:
        read = _one_by_one(caches.reader.postings(field, word), None if wanted is None else set(wanted))
        if docs is not None:
            docs.extend(sorted(read))
        yield [doc * _STRIDE + place - offset for doc, places in read.items() for place in places]
        return
    entry, picked = found
    for block, want in zip(entry.blocks, picked, strict=True):
        if not want or block.gaps is None or block.places is None:
            continue
        budget.check()  # a block at a time
        if docs is not None:
            docs.extend(accumulate(block.gaps))
        if block.values is not None:
            yield _slow_starts(tuple(accumulate(block.gaps)), block.values, block.places, offset)
        else:
            scaled = accumulate(map(mul, block.gaps, repeat(_STRIDE)))
            yield map(add, scaled, map(sub, block.places, repeat(offset)) if offset else block.places)


def _picks(wanted: list[int] | None) -> blocks.Picks:
    """Whether a block from document `low` to `high` may hold one of the `wanted` documents (sorted; None: any)."""
    if wanted is None:
        return lambda _low, _high: True

    def holds(low: int, high: int) -> bool:
        at = bisect_left(wanted, low)
        return at < len(wanted) and wanted[at] <= high

    return holds


def _slow_starts(ids: tuple[int, ...], values: Any, places: list[int | None], offset: int) -> Iterator[int]:
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

    The postings are read a block at a time (`blocks.WordBlocks`, decoded once and kept) rather than skipped to
    document by document: a common word's blocks cost less than the calls; blocks without a wanted document are
    not decoded."""
    found = blocks.read(caches, field, word, _picks(None if docs is None else sorted(docs)))
    if found is None:
        return _one_by_one(caches.reader.postings(field, word), docs)
    entry, picked = found
    out = {}
    for block, want in zip(entry.blocks, picked, strict=True):
        if not want or block.gaps is None or block.places is None:
            continue
        budget.check()  # a block at a time
        values = block.values or ()  # kept where a posting has several positions
        for at, (doc, place) in enumerate(zip(accumulate(block.gaps), block.places, strict=True)):
            if docs is None or doc in docs:
                out[doc] = _ONE[place] if place is not None else _decode(values[at])
    return out


def _one_by_one(matcher: Any, docs: AbstractSet[int] | None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    while matcher.is_active():
        if docs is None or matcher.id() in docs:
            out[matcher.id()] = _decode(matcher.value())
        matcher.next()
    return out


_ONE = [[place] for place in range(len(ONE_AT))]  # one early position (most words), shared
_SINGLE = {value: _ONE[place] for value, place in ONE_AT.items()}


def _decode(value: bytes) -> list[int]:
    """`Positions.decode_positions`: a count, then the pickled deltas (the pickle's stop byte may be cut)."""
    single = _SINGLE.get(value)
    if single is not None:
        return single
    body = value[4:] if value.endswith(b".") else value[4:] + b"."
    return list(accumulate(loads(body)))
