"""Execute a query tree on one Whoosh segment with query planning (search.md, "Query planning").

Leaves become sets of document numbers: term postings for literals, expanded lexicons for wildcards, Whoosh's
phrase matcher for phrases, and cached columns for ranges. `And` evaluates cheap clauses first and filters the
candidates with ranges and negations, so no clause walks every document unless it has to.

Everything is per segment. A Whoosh segment never changes once written (only its deletion set grows), so the
caches of a segment (`emulator.search.caches.SegmentCaches`: columns, lexicons, postings, sort ranks) stay valid
as long as the segment lives, whatever is written or flushed beside it (bounded: least recently used out first);
deletions and ids shadowed by the in-memory layer are applied at the end through the `live` set the caller passes.
Each segment answers its top hits with their order keys, and `emulator.search.index` merges the segments' and the
in-memory layer's answers.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any, overload

from emulator.search import budget, regex
from emulator.search.caches import DocSet, SegmentCaches
from emulator.search.matching import within_edits
from emulator.search.reference import MAX_VALUE_LENGTH
from emulator.search.tree import (
    CATCH_ALL,
    All,
    And,
    Exists,
    Fuzzy,
    Match,
    Node,
    Not,
    Nothing,
    Or,
    Pattern,
    Phrase,
    Range,
    Scope,
    SortKey,
    TextRange,
    tokenize,
)
from emulator.search.whoosh_internals import phrases

Keyed = tuple[tuple[Any, ...], int]  # an order key and the asset id it belongs to
EXPANSION_CACHED = 32  # wildcards expanding to more terms are read without caching each term
WALK_FROM = 8  # documents matching from 1 in 8 of a segment on: walk its whole order instead of ranking them


class KeyedDocs(Sequence[Keyed]):
    """Documents in order, each keyed only when read (`emulator.search.pages` reads few of a deep page's)."""

    def __init__(self, docs: list[int], order_key: Callable[[int], tuple[Any, ...]]) -> None:
        self.docs = docs
        self.order_key = order_key

    def __len__(self) -> int:
        return len(self.docs)

    @overload
    def __getitem__(self, index: int) -> Keyed: ...

    @overload
    def __getitem__(self, index: slice) -> list[Keyed]: ...

    def __getitem__(self, index: int | slice) -> Keyed | list[Keyed]:
        if isinstance(index, slice):
            return [self._keyed(doc) for doc in self.docs[index]]
        return self._keyed(self.docs[index])

    def _keyed(self, doc: int) -> Keyed:
        key = self.order_key(doc)
        return key, key[-1]


class Executor:
    """Evaluates one query against one segment, whose documents outside `live` do not count."""

    def __init__(self, caches: SegmentCaches, live: DocSet) -> None:
        self.c = caches
        self.live = live

    def run(
        self, node: Node, sort: list[SortKey], needed: int, keyed: bool = True, skip: int = 0
    ) -> tuple[int, Sequence[Keyed]]:
        """The number of live documents matching `node` and the first `needed` of them with their order keys, less
        the first `skip` (empty keys unless `keyed`: a lone source needs no merging, and skips for its caller)."""
        found = self.evaluate(node, None)
        docs = found if found is self.live else found & self.live
        ordered = self._order(docs, sort, needed, skip)
        ids = self.c.column("aid")
        if not keyed:
            return len(docs), [((), int(ids[d])) for d in ordered]
        return len(docs), KeyedDocs(ordered, self.c.order_keys(sort))

    # -- evaluation ------------------------------------------------------------------------------
    def evaluate(self, node: Node, candidates: DocSet | None) -> DocSet:
        """The live documents matching `node`, restricted to `candidates` when given."""
        result = self._evaluate(node, candidates)
        return result if candidates is None else result & candidates

    def _evaluate(self, node: Node, candidates: DocSet | None) -> DocSet:
        if isinstance(node, And | Or | Not):
            budget.check()  # a leaf checks when it starts (`_leaf`), naming itself
        if isinstance(node, And):
            return self._and(node.items, candidates)
        if isinstance(node, Or):
            out: set[int] = set()
            for item in node.items:
                out |= self.evaluate(item, candidates)
            return out
        if isinstance(node, Not):
            base = self.live if candidates is None else candidates
            return base - self.evaluate(node.item, candidates)
        if isinstance(node, All):
            return self.live if candidates is None else candidates
        if isinstance(node, Nothing):
            return set()
        return self._leaf(node, candidates)

    def _and(self, items: tuple[Node, ...], candidates: DocSet | None) -> DocSet:
        current = candidates
        for item in sorted(items, key=_cost):
            current = self.evaluate(item, current)
            if not current:
                return set()
        return self.live if current is None else current

    def _leaf(self, node: Node, candidates: DocSet | None) -> DocSet:
        budget.entering(node)
        if isinstance(node, Range):
            return self._range(node, candidates)  # filters the candidates through a column
        if isinstance(node, Match):
            return self.c.cached(node, lambda: self._match(node))
        if isinstance(node, Phrase):
            return self.c.cached(node, lambda: self._phrase(node))
        if isinstance(node, Fuzzy):
            return self.c.cached(node, lambda: self._fuzzy(node))
        if isinstance(node, TextRange):
            return self.c.cached(node, lambda: self._text_range(node))
        if isinstance(node, Exists):
            return self.c.postings("has", node.field)
        raise TypeError(f"unknown query node {node!r}")

    def _match(self, node: Match) -> DocSet:
        if node.pattern.is_match_all:
            return self.c.postings("has", node.field)
        fields = self.value_fields(node.field)
        if node.field == CATCH_ALL and self._no_text_holds(node.pattern.literal):
            fields = []  # saves a look-up in every field of the segment (a query of many words has many)
        if node.scope is Scope.WORD_OR_VALUE:
            fields.append(f"w_{node.field}")
        return self._union([(field, term) for field in fields for term in self._terms(field, node.pattern)])

    def _union(self, terms: list[tuple[str, str]]) -> DocSet:
        """The documents holding any of `terms` (field, term), within the expansion cap."""
        budget.expanded(len(terms))
        if len(terms) > EXPANSION_CACHED:  # a wide expansion: its terms would crowd the cache out (the node is cached)
            out: set[int] = set()
            for field, term in budget.checked(terms):
                out.update(self.c.read_postings(field, term))
            return out
        found = [self.c.postings(field, term) for field, term in terms]
        return found[0] if len(found) == 1 else frozenset().union(*found)

    def _no_text_holds(self, literal: str | None) -> bool:
        """Whether no field's whole value can be `literal`: a single word, short enough not to be cut, that the
        catch-all field's words do not hold (they are every text's words, so a one-word value is among them)."""
        if literal is None or len(literal) >= MAX_VALUE_LENGTH or tokenize(literal) != [literal]:
            return False
        return (f"w_{CATCH_ALL}", literal) not in self.c.reader

    def value_fields(self, field: str) -> list[str]:
        """Where the whole values of `field` are: its `v_` field, or for the catch-all field every `v_` field."""
        if field == CATCH_ALL:
            return list(self.c.value_fields())
        return [f"v_{field}"]

    def _terms(self, field: str, pattern: Pattern) -> list[str]:
        if pattern.literal is not None:
            return [pattern.literal]
        matches = regex.fullmatcher(pattern.regex)
        if pattern.prefix:
            if field not in self.c.reader.schema:
                return []
            candidates = (t.decode("utf-8") for t in self.c.reader.expand_prefix(field, pattern.prefix))
            return [term for term in budget.checked(candidates) if matches(term)]
        joined = self.c.lexicon_text(field) if pattern.scan else None
        if joined is not None:  # one linear scan in C over every term
            return regex.scan(pattern.scan, joined)
        return [term for term in budget.checked(self.c.lexicon(field)) if matches(term)]

    def _phrase(self, node: Phrase) -> DocSet:
        field = f"w_{node.field}"
        if field not in self.c.reader.schema or not node.words:
            return set()
        if len(node.words) == 1:
            return self.c.postings(field, node.words[0])
        if node.slop:
            return phrases.sloppy(self.c, field, node.words, node.slop)
        return phrases.exact(self.c, field, node.words)

    def _fuzzy(self, node: Fuzzy) -> DocSet:
        fields = self.value_fields(node.field) + ([f"w_{node.field}"] if node.scope is Scope.WORD_OR_VALUE else [])
        term, edits = node.term, node.max_edits
        close = [(f, t) for f in fields for t in budget.checked(self.c.lexicon(f)) if within_edits(term, t, edits)]
        budget.expanded(len(close))
        return frozenset().union(*(self.c.postings(f, t) for f, t in close))

    def _range(self, node: Range, candidates: DocSet | None) -> DocSet:
        column = self.c.column(f"n_{node.field}")
        if not column:
            return set()
        low = -math.inf if node.low is None else node.low
        high = math.inf if node.high is None else node.high
        docs = self.live if candidates is None else candidates
        if isinstance(column, array):  # floats only, NaN for no value: plain comparisons (NaN is never inside)
            return _numbers_between(
                column, docs, low, high, include_low=node.include_low, include_high=node.include_high
            )
        inside = _between(low, high, node.include_low, node.include_high)
        return {d for d in docs if inside(column[d])}

    def _text_range(self, node: TextRange) -> DocSet:
        """Whole values between the bounds: a slice of each sorted lexicon (code point order is the UTF-8 byte
        order Whoosh keeps terms in), found by bisection."""
        found: list[tuple[str, str]] = []
        for field in self.value_fields(node.field):
            terms = self.c.lexicon(field)
            start = 0 if node.low is None else (bisect_left if node.include_low else bisect_right)(terms, node.low)
            end = len(terms)
            if node.high is not None:
                end = (bisect_right if node.include_high else bisect_left)(terms, node.high)
            found.extend((field, term) for term in terms[start:end])
            budget.expanded(len(found))
        return self._union(found)

    # -- ordering --------------------------------------------------------------------------------
    def _order(self, docs: DocSet, sort: list[SortKey], needed: int, skip: int) -> list[int]:
        """Documents `skip` to `needed` in order: each sort key's precomputed rank, ties by asset id.

        Many documents (a deep page, a broad query) walk the segment's whole order for these keys, computed once,
        keeping the documents found; few are ranked one by one."""
        if len(docs) * WALK_FROM >= self.c.size:
            whole = self.c.order(tuple(sort))
            if len(docs) == len(whole):  # every document of the segment
                return list(whole[skip:needed])
            return list(islice(filter(docs.__contains__, whole), skip, needed))
        ranks = [self.c.rank(key, tied=i < len(sort) - 1) for i, key in enumerate(sort)]  # the last breaks ties
        if not ranks:
            ids = self.c.column("aid")
            order: Callable[[int], Any] = ids.__getitem__
        elif len(ranks) == 1:
            order = ranks[0].__getitem__
        else:
            order = lambda d: tuple(rank[d] for rank in ranks)  # noqa: E731
        if needed < len(docs) // 4:
            return heapq.nsmallest(needed, docs, key=order)[skip:]
        return sorted(docs, key=order)[skip:needed]


def _numbers_between(
    column: array[float], docs: DocSet, low: float, high: float, *, include_low: bool, include_high: bool
) -> set[int]:
    """`_between` over a number column, one comprehension per kind of bounds (no call per document)."""
    if include_low and include_high:
        return {d for d in docs if low <= column[d] <= high}
    if include_low:
        return {d for d in docs if low <= column[d] < high}
    if include_high:
        return {d for d in docs if low < column[d] <= high}
    return {d for d in docs if low < column[d] < high}


def _between(low: Any, high: Any, include_low: bool, include_high: bool) -> Callable[[Any], bool]:
    def inside(value: Any) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if low is not None and (value < low or (value == low and not include_low)):
            return False
        return not (high is not None and (value > high or (value == high and not include_high)))

    return inside


def _cost(node: Node) -> int:
    """Rough evaluation cost, so `And` narrows candidates with cheap clauses first."""
    if isinstance(node, Match):
        if node.pattern.literal is not None:
            return 0
        return 2 if node.pattern.prefix else 4
    if isinstance(node, Exists):
        return 1
    if isinstance(node, Phrase | TextRange):
        return 3
    if isinstance(node, Fuzzy):
        return 4
    if isinstance(node, Range | Not):
        return 5  # filters: cheapest once candidates are few
    return 3
