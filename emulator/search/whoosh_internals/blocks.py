"""A word's W3 posting blocks as the phrase matcher reads them, each decoded once and kept while the cache holds it.

Decoding a block (zlib, then its arrays: `packed.block_places`; a block of an older segment unpickles one value
per posting, several times the cost) is most of a phrase's first cost, and common words ("the", "in", "to") come
back in phrase after phrase. So a word's blocks are kept per segment in `SearchCaches.positions` (bounded in bytes,
least recently used out first, dropped with the segment): first each block's last document and where it starts in
the postings file (the block headers, read once), then, as phrases need them, its document gaps and each posting's
single position (`None` where a posting has several: then its values are kept too). A block no phrase needed is
never decoded. The entry grows as blocks are decoded; the caller holds the segment's lock (`SegmentCaches.lock`),
which serialises its use like the reader's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher

from emulator.search import budget
from emulator.search.caches import SegmentCaches
from emulator.search.whoosh_internals.packed import block_places

_BLOCK = 120  # bytes of a `Block` before it is decoded: its slots and two numbers
_POINTER = 8  # bytes per element of a kept tuple or list (its items are small shared ints, or the values kept)


class Block:
    """One block: its last document, its place in the postings file, and once decoded, its postings."""

    __slots__ = ("at", "end", "gaps", "places", "values")

    def __init__(self, end: int, at: int) -> None:
        self.end = end
        self.at = at
        self.gaps: tuple[int, ...] | None = None  # the documents as W3 keeps them: the first, then the gaps
        self.places: list[int | None] | None = None  # each posting's one position, None where it has several
        self.values: tuple[bytes, ...] | None = None  # the encoded positions, kept only when a place is None


class WordBlocks:
    """Every block of one word's postings in one segment, with the bytes its decoded blocks take."""

    __slots__ = ("blocks", "field", "size", "word")

    def __init__(self, field: str, word: str, blocks: list[Block]) -> None:
        self.field = field
        self.word = word
        self.blocks = blocks
        self.size = sys.getsizeof(blocks) + _BLOCK * len(blocks)

    def fill(self, block: Block, matcher: Any) -> None:
        """Decode `block`, the block `matcher` stands on, into it."""
        gaps, places, values = block_places(matcher)
        block.gaps, block.places = tuple(gaps), list(places)
        self.size += sys.getsizeof(block.gaps) + sys.getsizeof(block.places)
        if values is not None:
            block.values = tuple(values)
            self.size += _POINTER * len(values) + sum(map(sys.getsizeof, values))


Picks = Callable[[int, int], bool]  # whether a block of documents from the first to the second (both included) is read


def read(caches: SegmentCaches, field: str, word: str, picks: Picks) -> tuple[WordBlocks, list[bool]] | None:
    """The blocks of `word` in `field`, those `picks` chooses decoded, and which it chose (None: not W3 block
    postings, as inlined postings of a few documents, whose ids are kept as bytes). The first read walks every
    block's header, decoding the chosen blocks on the way; a later one decodes only chosen blocks not decoded yet."""
    key = (caches.token, ("positions", field, word))
    entry = caches.shared.positions.get(key)
    if entry is None:
        matcher: Any = caches.reader.postings(field, word)
        if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
            return None
        entry, picked = _walk(field, word, matcher, picks)
    else:
        picked, matcher, low = [], None, 0
        for block in entry.blocks:
            picked.append(picks(low, block.end))
            low = block.end + 1
            if picked[-1] and block.gaps is None:
                budget.check()  # a block at a time
                if matcher is None:
                    matcher = caches.reader.postings(field, word)
                matcher._goto(block.at)
                entry.fill(block, matcher)
    caches.shared.positions.put(key, entry)  # counted again as it grew (older entries may go)
    return entry, picked


def _walk(field: str, word: str, matcher: Any, picks: Picks) -> tuple[WordBlocks, list[bool]]:
    entry, picked = WordBlocks(field, word, []), []
    at, low = matcher._baseoffset, 0  # where the block starts (`W3LeafMatcher._goto` takes it), its first document
    while matcher.is_active():
        budget.check()  # a block at a time
        block = Block(matcher._maxid, at)
        picked.append(picks(low, block.end))
        if picked[-1]:
            entry.fill(block, matcher)
        entry.blocks.append(block)
        entry.size += _BLOCK
        at, low = matcher._nextoffset, block.end + 1
        matcher._next_block()
    return entry, picked
