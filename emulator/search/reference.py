"""The reference evaluator: does one engine-neutral document match a query tree, and where does it sort?

This is the meaning of the query tree written out over `Document`s, with no engine in between. Two callers rely on
it being the one definition: the in-memory layer of recent changes (`emulator.search.recent`) answers its part of
every search with it, and the property tests use it as their oracle over a scan of the database. The Whoosh
executor must agree with it; `tests/search/test_reference.py` holds the two side by side.

What a field holds for matching, exactly as `emulator.search.index` writes it to Whoosh:
- words: the texts joined by newlines, split by `tree.tokenize` (positions run on across texts, as in Whoosh);
- whole values: each non-empty text lower-cased and cut to `MAX_VALUE_LENGTH` characters;
- a number (numbers, dates as epoch ms), and a text sort key (`sort_bytes`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from emulator.search import budget, regex
from emulator.search.matching import sloppy_match, within_edits
from emulator.search.tree import (
    All,
    And,
    Document,
    Exists,
    FieldValues,
    Fuzzy,
    Hits,
    Match,
    Node,
    Not,
    Nothing,
    Or,
    Phrase,
    Range,
    Scope,
    SortKey,
    SortKind,
    TextRange,
    tokenize,
)

MAX_VALUE_LENGTH = 512  # whole-value terms longer than this are cut (huge TextArea values)


def texts(values: FieldValues) -> list[str]:
    """The non-empty texts of a field."""
    return [text for text in values.texts if text]


@lru_cache(maxsize=65_536)  # pure: documents are immutable, and the in-memory layer asks again on every search
def whole_values(values: FieldValues) -> tuple[str, ...]:
    """The whole-value terms of a field, lower-cased and cut, sorted and unique."""
    return tuple(sorted({text.lower()[:MAX_VALUE_LENGTH] for text in texts(values)}))


def sort_bytes(values: FieldValues, present: list[str] | None = None) -> bytes:
    """The text sort key of a field: its sort text, else its texts joined; b'' when it has none. `present`: its
    `texts` when the caller has them already."""
    if values.sort_text is not None:
        return values.sort_text.lower().encode("utf-8")
    return ", ".join(texts(values) if present is None else present).lower().encode("utf-8")


def has_value(values: FieldValues, present: list[str] | None = None) -> bool:
    """Whether a field counts as present (`Exists`, a match-all pattern); `present` as for `sort_bytes`."""
    return bool(texts(values) if present is None else present) or values.number is not None


def number_key(value: float | None) -> float:
    """A number as a sort key: missing values first ascending (as Lucene sorts missing numbers)."""
    return -math.inf if value is None or math.isnan(value) else value


class Descending:
    """Wraps a sort value so that it compares the other way round."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Descending) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.value)


def sort_value(key: SortKey, raw: Any) -> Any:
    """One sort key's comparable value from a column value (bytes or a float, maybe NaN)."""
    value = number_key(raw) if key.kind is SortKind.NUMBER else (raw or b"")
    return Descending(value) if key.descending else value


def order_key(doc: Document, sort: list[SortKey]) -> tuple[Any, ...]:
    """The position of `doc` in a result ordered by `sort`: each key's value, then the asset id."""
    values = []
    for key in sort:
        found = doc.fields.get(key.field)
        if key.kind is SortKind.NUMBER:
            raw: Any = found.number if found is not None else None
        else:
            raw = sort_bytes(found) if found is not None else b""
        values.append(sort_value(key, raw))
    return (*values, doc.asset_id)


def matches(doc: Document, node: Node) -> bool:
    """Whether `doc` matches `node`."""
    if isinstance(node, And):
        return all(matches(doc, item) for item in node.items)
    if isinstance(node, Or):
        return any(matches(doc, item) for item in node.items)
    if isinstance(node, Not):
        return not matches(doc, node.item)
    if isinstance(node, All):
        return True
    if isinstance(node, Nothing):
        return False
    values = doc.fields.get(getattr(node, "field", ""))
    if values is None:
        return False
    return _leaf(values, node)


def _leaf(values: FieldValues, node: Node) -> bool:
    budget.entering(node)
    if isinstance(node, Exists):
        return has_value(values)
    if isinstance(node, Match):
        return _match(values, node)
    if isinstance(node, Phrase):
        return _sloppy(values, node.words, node.slop) if node.slop else _phrase(values, node.words)
    if isinstance(node, Fuzzy):
        terms = [*whole_values(values), *(words(values) if node.scope is Scope.WORD_OR_VALUE else ())]
        return any(within_edits(node.term, term, node.max_edits) for term in terms)
    if isinstance(node, Range):
        return _between(values.number, node.low, node.high, node.include_low, node.include_high)
    if isinstance(node, TextRange):
        bounds = (node.low, node.high, node.include_low, node.include_high)
        return any(_between(term, *bounds) for term in whole_values(values))
    raise TypeError(f"unknown query node {node!r}")


def _match(values: FieldValues, node: Match) -> bool:
    if node.pattern.is_match_all:
        return has_value(values)
    terms: Iterable[str] = whole_values(values)
    if node.scope is Scope.WORD_OR_VALUE:
        terms = [*terms, *words(values)]
    if node.pattern.literal is not None:
        return node.pattern.literal in terms
    matches = regex.fullmatcher(node.pattern.regex)
    return any(matches(term) for term in terms)


@lru_cache(maxsize=65_536)
def words(values: FieldValues) -> tuple[str, ...]:
    """The words of a field in order, as the index's analyzer splits them."""
    return tuple(tokenize("\n".join(texts(values))))


def _phrase(values: FieldValues, wanted: tuple[str, ...]) -> bool:
    if not wanted:
        return False
    found = words(values)
    size = len(wanted)
    return any(found[i : i + size] == wanted for i in range(len(found) - size + 1))


def _sloppy(values: FieldValues, wanted: tuple[str, ...], slop: int) -> bool:
    """Lucene's sloppy phrase over the field's word positions (as the executor reads them from Whoosh)."""
    found = words(values)
    positions = [[i for i, word in enumerate(found) if word == w] for w in wanted]
    return bool(wanted) and all(positions) and sloppy_match(positions, slop)


def _between(value: Any, low: Any, high: Any, include_low: bool, include_high: bool) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if low is not None and (value < low or (value == low and not include_low)):
        return False
    return not (high is not None and (value > high or (value == high and not include_high)))


def search(docs: Iterable[Document], node: Node, sort: list[SortKey], offset: int, limit: int) -> Hits:
    """One page of the documents matching `node` in `sort` order, with the total: the whole search, by scan."""
    found = [doc for doc in docs if matches(doc, node)]
    ordered = heapq.nsmallest(offset + limit, found, key=lambda doc: order_key(doc, sort))
    return Hits(total=len(found), asset_ids=[doc.asset_id for doc in ordered[offset : offset + limit]])
