"""What one index derives from its segments and keeps for later searches: columns, lexicons, postings, sort ranks.

A Whoosh segment never changes once written (only its deletion set grows), so whatever is derived from it stays
valid as long as the segment lives. The caches are shared by all segments of one index (`SearchCaches`, keys
carry the segment's token) and bounded by `CacheLimits`; least recently used entries go first. Only the asset id
column and the id → document number map stay outside them: every search needs them, and they grow with the
segment, not with the queries.
"""

from __future__ import annotations

import itertools
import math
import sys
import threading
from collections.abc import Callable, Hashable
from collections.abc import Set as AbstractSet
from typing import Any

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from emulator.search.lru import CacheLimits, Lru, mb
from emulator.search.reference import number_key, sort_value
from emulator.search.tree import SortKey, SortKind

DocSet = AbstractSet[int]  # read-only: evaluation results may be shared cached sets
_TOKENS = itertools.count()
_NONE: frozenset[int] = frozenset()


def _set_bytes(value: frozenset[int]) -> int:
    return sys.getsizeof(value) + 32 * len(value)  # the hash table plus an int object per document


def _ints_bytes(value: list[int]) -> int:
    return sys.getsizeof(value) + 32 * len(value)


class SearchCaches:
    """The bounded caches of one index, shared by its segments."""

    def __init__(self, limits: CacheLimits | None = None) -> None:
        limits = limits or CacheLimits()
        entries, size = limits.postings_entries, mb(limits.postings_mb)
        self.postings: Lru[frozenset[int]] = Lru("postings", entries, size, _set_bytes)
        self.columns: Lru[list[Any]] = Lru("columns", 0, mb(limits.columns_mb))
        self.ranks: Lru[list[int]] = Lru("ranks", 0, mb(limits.ranks_mb), _ints_bytes)
        self.lexicons: Lru[list[str]] = Lru("lexicons", 0, mb(limits.lexicons_mb))

    def all(self) -> tuple[Lru[Any], ...]:
        return (self.postings, self.columns, self.ranks, self.lexicons)

    def forget(self, token: int) -> None:
        """Drop what a closed segment left."""
        for cache in self.all():
            cache.discard_where(lambda key: isinstance(key, tuple) and key[0] == token)

    def stats(self) -> dict[str, dict[str, int]]:
        return {cache.name: cache.stats() for cache in self.all()}


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
        self.every: DocSet = frozenset(range(self.size))
        self.shared = shared or SearchCaches()
        self.token = next(_TOKENS)
        self._ids: list[Any] | None = None
        self._docnums: dict[int, int] | None = None

    def close(self) -> None:
        self.searcher.close()  # closes the reader too
        self.shared.forget(self.token)

    def ids(self) -> list[Any]:
        """The asset id of every document (kept for the segment's life)."""
        if self._ids is None:
            self._ids = self._read_column("aid")
        return self._ids

    def column(self, name: str) -> list[Any]:
        """All values of a column by document number ([] when the segment has no such column)."""
        if name == "aid":
            return self.ids()
        return self.shared.columns.get_or_compute((self.token, name), lambda: self._read_column(name))

    def _read_column(self, name: str) -> list[Any]:
        known = name in self.reader.schema and self.reader.has_column(name)
        return list(self.reader.column_reader(name)) if known else []

    def docnums(self) -> dict[int, int]:
        """Document number by asset id."""
        if self._docnums is None:
            self._docnums = {int(aid): docnum for docnum, aid in enumerate(self.ids())}
        return self._docnums

    def lexicon(self, field: str) -> list[str]:
        """Every term of `field`, decoded, for wildcard expansion without a prefix."""
        return self.shared.lexicons.get_or_compute((self.token, field), lambda: self._read_lexicon(field))

    def _read_lexicon(self, field: str) -> list[str]:
        terms = self.reader.lexicon(field) if field in self.reader.schema else []
        return [term.decode("utf-8") for term in terms]

    def postings(self, field: str, term: str) -> frozenset[int]:
        """Documents holding `term` in `field` (deleted ones included); absent terms take no cache entry."""
        if (field, term) not in self.reader:
            return _NONE
        return self.cached((field, term), lambda: frozenset(self.reader.postings(field, term).all_ids()))

    def cached(self, key: Hashable, compute: Callable[[], AbstractSet[int]]) -> frozenset[int]:
        """The document set under `key` ((field, term) or a whole leaf node), computed once while it stays cached."""
        return self.shared.postings.get_or_compute((self.token, key), lambda: frozenset(compute()))

    def rank(self, key: SortKey, tied: bool = False) -> list[int]:
        """Each document's position in the segment ordered by `key`, ties by asset id.

        With `tied`, equal values share one position, so that a later sort key decides between them.
        """
        return self.shared.ranks.get_or_compute((self.token, key, tied), lambda: self._rank(key, tied))

    def _rank(self, key: SortKey, tied: bool) -> list[int]:
        ids = self.ids()
        value = self._sort_value(key)
        docs = sorted(range(len(ids)), key=ids.__getitem__)
        docs.sort(key=value, reverse=key.descending)  # stable: ties keep id order
        found = [0] * len(ids)
        position, previous = 0, None
        for index, doc in enumerate(docs):
            current = value(doc)
            if not tied or index == 0 or current != previous:
                position, previous = index, current
            found[doc] = position
        return found

    def order(self, sort: tuple[SortKey, ...]) -> list[int]:
        """Every document of the segment in `sort` order, ties by asset id (kept with the ranks)."""
        return self.shared.ranks.get_or_compute((self.token, "order", sort), lambda: self._order(sort))

    def _order(self, sort: tuple[SortKey, ...]) -> list[int]:
        if not sort:
            return sorted(range(self.size), key=self.ids().__getitem__)
        ranks = [self.rank(key, tied=i < len(sort) - 1) for i, key in enumerate(sort)]
        if len(ranks) == 1:  # a permutation: invert it
            found = [0] * self.size
            for doc, position in enumerate(ranks[0]):
                found[position] = doc
            return found
        return sorted(range(self.size), key=lambda d: tuple(rank[d] for rank in ranks))

    def _sort_value(self, key: SortKey) -> Callable[[int], Any]:
        if key.kind is SortKind.NUMBER:
            numbers = self.column(f"n_{key.field}")
            return (lambda d: number_key(numbers[d])) if numbers else (lambda d: -math.inf)
        texts = self.column(f"s_{key.field}")
        return (lambda d: texts[d] or b"") if texts else (lambda d: b"")

    def order_key(self, doc: int, sort: list[SortKey]) -> tuple[Any, ...]:
        """The same order key `emulator.search.reference.order_key` gives this document."""
        values = []
        for key in sort:
            column = self.column(f"{'n' if key.kind is SortKind.NUMBER else 's'}_{key.field}")
            default = math.nan if key.kind is SortKind.NUMBER else b""
            values.append(sort_value(key, column[doc] if column else default))
        return (*values, int(self.ids()[doc]))
