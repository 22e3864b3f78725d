"""What one index derives from its segments and keeps for later searches: columns, lexicons, postings, sort ranks.

A Whoosh segment never changes once written (only its deletion set grows), so whatever is derived from it stays
valid as long as the segment lives (words' decoded posting blocks too: `positions`). The caches are shared by all
segments of one index (`SearchCaches`, keys carry the segment's token) and bounded by `CacheLimits`; least recently
used entries go first. Only the asset id column and the id → document number map stay outside them: every search
needs them, and they grow with the segment, not with the queries.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
import threading
import weakref
from array import array
from collections.abc import Callable, Hashable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from emulator.search import orders, regex
from emulator.search.reference import sort_value
from emulator.search.tree import SortKey, SortKind
from emulator.search.whoosh_internals.columns import Column, read_column
from emulator.util.lru import CacheLimits, Lru, mb

DocSet = AbstractSet[int]  # read-only: evaluation results may be shared cached sets
_TOKENS = itertools.count()
_NONE: frozenset[int] = frozenset()


def _set_bytes(value: frozenset[int]) -> int:
    return sys.getsizeof(value) + 32 * len(value)  # the hash table plus an int object per document


class SearchCaches:
    """The bounded caches of one index, shared by its segments."""

    def __init__(self, limits: CacheLimits | None = None) -> None:
        limits = limits or CacheLimits()
        entries, size = limits.postings_entries, mb(limits.postings_mb)
        self.postings: Lru[frozenset[int]] = Lru("postings", entries, size, _set_bytes)
        self.columns: Lru[Column] = Lru("columns", 0, mb(limits.columns_mb))
        self.ranks: Lru[array[int]] = Lru("ranks", 0, mb(limits.ranks_mb))
        self.lexicons: Lru[list[str]] = Lru("lexicons", 0, mb(limits.lexicons_mb))
        self.lexicon_texts: Lru[str | None] = Lru("lexiconTexts", 0, mb(limits.lexicons_mb))
        # a word's posting blocks as phrases decode them (`whoosh_internals.blocks.WordBlocks`), sized as they grow
        self.positions: Lru[Any] = Lru("positions", 0, mb(limits.positions_mb), lambda blocks: int(blocks.size))

    def all(self) -> tuple[Lru[Any], ...]:
        return (self.postings, self.columns, self.ranks, self.lexicons, self.lexicon_texts, self.positions)

    def forget(self, token: int) -> None:
        """Drop what a closed segment left."""
        for cache in self.all():
            cache.discard_where(lambda key: isinstance(key, tuple) and key[0] == token)

    def stats(self) -> dict[str, dict[str, int]]:
        return {cache.name: cache.stats() for cache in self.all()}


class _SegmentIds:
    """A segment's id column and its documents in id order: the same in every index that lists the segment (a
    segment id names one set of files, never rewritten, which index copies share by hard links), so read once for
    all of them, such as every namespace made from one saved state; kept while one of them has the segment open."""

    __slots__ = ("__weakref__", "ids", "in_id_order")

    def __init__(self) -> None:
        self.ids: Column | None = None
        self.in_id_order: list[int] | None = None


_BY_SEGMENT: weakref.WeakValueDictionary[str, _SegmentIds] = weakref.WeakValueDictionary()
_BY_SEGMENT_LOCK = threading.Lock()


def _segment_ids(reader: IndexReader) -> _SegmentIds:
    """The shared `_SegmentIds` of the reader's segment (one of its own for a reader of no single segment)."""
    segment = reader.segment()  # None: a reader of several segments
    if segment is None:
        return _SegmentIds()
    segid = segment.segment_id()
    with _BY_SEGMENT_LOCK:
        found = _BY_SEGMENT.get(segid)
        if found is None:
            found = _BY_SEGMENT[segid] = _SegmentIds()
        return found


@functools.lru_cache(maxsize=8)
def every_document(size: int) -> frozenset[int]:
    """Every document number of a segment of `size` documents: one immutable set for all segments of that size,
    such as the same segment opened by every namespace made from one saved state (a 10k one: 1 ms each)."""
    return frozenset(range(size))


class SegmentCaches:
    """One segment's reader and its view of the shared caches.

    `reader` must see no deletions (the caller opens it over a copy of the segment without them), so nothing
    here depends on the deletion set; `lock` serialises the use of the reader (Whoosh readers are not safe
    across threads).
    """

    def __init__(self, reader: IndexReader, shared: SearchCaches | None = None) -> None:
        self.reader = reader
        self.searcher = Searcher(reader)
        self.lock = threading.RLock()
        self.size = reader.doc_count_all()
        self.every: DocSet = every_document(self.size)
        self.shared = shared or SearchCaches()
        self.token = next(_TOKENS)
        self._ids_of_segment = _segment_ids(reader)
        self._value_fields: tuple[str, ...] | None = None
        self._docnums: dict[int, int] | None = None

    def close(self) -> None:
        self.searcher.close()  # closes the reader too
        self.shared.forget(self.token)

    def ids(self) -> Column:
        """The asset id of every document (kept for the segment's life)."""
        shared = self._ids_of_segment
        if shared.ids is None:  # two threads may both read it: the same values
            shared.ids = self._read_column("aid")
        return shared.ids

    def column(self, name: str) -> Column:
        """All values of a column by document number ([] when the segment has no such column)."""
        if name == "aid":
            return self.ids()
        return self.shared.columns.get_or_compute((self.token, name), lambda: self._read_column(name))

    def _read_column(self, name: str) -> Column:
        return read_column(self.reader, name)

    def docnums(self) -> dict[int, int]:
        """Document number by asset id."""
        if self._docnums is None:
            self._docnums = {int(aid): docnum for docnum, aid in enumerate(self.ids())}
        return self._docnums

    def value_fields(self) -> tuple[str, ...]:
        """The whole-value (`v_`) fields this segment holds terms of (the schema names them only as a glob)."""
        if self._value_fields is None:
            names = self.reader.indexed_field_names()
            self._value_fields = tuple(sorted(name for name in names if name.startswith("v_")))
        return self._value_fields

    def lexicon(self, field: str) -> list[str]:
        """Every term of `field`, decoded, for wildcard expansion without a prefix."""
        return self.shared.lexicons.get_or_compute((self.token, field), lambda: self._read_lexicon(field))

    def lexicon_text(self, field: str) -> str | None:
        """The terms of `field` joined by NUL characters (`emulator.search.regex.joined`), so that one linear scan
        finds every term a wildcard matches; None if a term holds a NUL itself."""
        key = (self.token, field)
        return self.shared.lexicon_texts.get_or_compute(key, lambda: regex.joined(self._read_lexicon(field)))

    def _read_lexicon(self, field: str) -> list[str]:
        terms = self.reader.lexicon(field) if field in self.reader.schema else []
        return [term.decode("utf-8") for term in terms]

    def postings(self, field: str, term: str) -> frozenset[int]:
        """Documents holding `term` in `field` (deleted ones included); absent terms take no cache entry."""
        key = (self.token, (field, term))
        found = self.shared.postings.get(key)
        if found is not None:
            return found
        read = self.read_postings(field, term)
        return self.shared.postings.put(key, read) if read else read

    def read_postings(self, field: str, term: str) -> frozenset[int]:
        """The documents holding `term`, read from the segment (not cached)."""
        if (field, term) not in self.reader:
            return _NONE
        return frozenset(self.reader.postings(field, term).all_ids())

    def cached(self, key: Hashable, compute: Callable[[], AbstractSet[int]]) -> frozenset[int]:
        """The document set under `key` ((field, term) or a whole leaf node), computed once while it stays cached."""
        return self.shared.postings.get_or_compute((self.token, key), lambda: frozenset(compute()))

    def rank(self, key: SortKey, tied: bool = False) -> array[int]:
        """Each document's position in the segment ordered by `key`, ties by asset id.

        With `tied`, equal values share one position, so that a later sort key decides between them.
        """
        return self.shared.ranks.get_or_compute((self.token, key, tied), lambda: self._rank(key, tied))

    def order(self, sort: tuple[SortKey, ...]) -> array[int]:
        """Every document of the segment in `sort` order, ties by asset id (kept with the ranks)."""
        return self.shared.ranks.get_or_compute((self.token, "order", sort), lambda: self._order(sort))

    def _rank(self, key: SortKey, tied: bool) -> array[int]:
        if not tied:
            whole = self.order((key,))
            found = array("i", bytes(4 * len(whole)))
            for position, doc in enumerate(whole):
                found[doc] = position
            return found
        keys = self._sort_keys(key)
        found = array("i", bytes(4 * self.size))
        position, previous = 0, None
        for index, doc in enumerate(orders.ordered(keys, self._by_id(), key.descending)):
            current = keys[doc]
            if index == 0 or current != previous:
                position, previous = index, current
            found[doc] = position
        return found

    def _order(self, sort: tuple[SortKey, ...]) -> array[int]:
        if not sort:
            return array("i", self._by_id())
        if len(sort) == 1:
            (key,) = sort
            return self._stored_order(key) or orders.ordered(self._sort_keys(key), self._by_id(), key.descending)
        ranks = [self.rank(key, tied=i < len(sort) - 1) for i, key in enumerate(sort)]
        return array("i", sorted(range(self.size), key=lambda d: tuple(rank[d] for rank in ranks)))

    def _stored_order(self, key: SortKey) -> array[int] | None:
        """The order a bulk build stored beside this segment (`emulator.search.orders`), if any."""
        folder = getattr(self.reader.storage(), "folder", None)
        if folder is None:
            return None
        column = f"{'n' if key.kind is SortKind.NUMBER else 's'}_{key.field}"
        segment_id = self.reader.segment().segment_id()
        return orders.read(Path(folder), segment_id, column, key.descending, self.size)

    def _by_id(self) -> list[int]:
        """Document numbers in asset id order."""
        shared = self._ids_of_segment
        if shared.in_id_order is None:
            shared.in_id_order = orders.by_id(self.ids())
        return shared.in_id_order

    def _sort_keys(self, key: SortKey) -> list[Any]:
        """Each document's sort value for `key`: numbers (missing ones first, as `number_key`), or text bytes."""
        column = f"{'n' if key.kind is SortKind.NUMBER else 's'}_{key.field}"
        values = self.column(column)
        if not values:
            return [-math.inf if key.kind is SortKind.NUMBER else b""] * self.size
        return orders.keys_for(column, values)

    def order_key(self, doc: int, sort: list[SortKey]) -> tuple[Any, ...]:
        """The same order key `emulator.search.reference.order_key` gives this document."""
        return self.order_keys(sort)(doc)

    def order_keys(self, sort: list[SortKey]) -> Callable[[int], tuple[Any, ...]]:
        """`order_key` for `sort` as a function of the document, its columns read now (it touches no cache)."""
        columns = []
        for key in sort:
            column = self.column(f"{'n' if key.kind is SortKind.NUMBER else 's'}_{key.field}")
            columns.append((key, column, math.nan if key.kind is SortKind.NUMBER else b""))
        ids = self.ids()

        def order_key(doc: int) -> tuple[Any, ...]:
            values = [sort_value(key, column[doc] if column else default) for key, column, default in columns]
            return (*values, int(ids[doc]))

        return order_key
