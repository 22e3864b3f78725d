"""The engine-neutral query tree and indexed-document shape.

Every dialect (DC params, DC `genericKeyword`, Cloud filters) is translated into these nodes, then executed by
`emulator.search.executor`. Field names here are *slugs* chosen by `emulator.core.fields` (`name`, `a84`, `content`);
the engine maps each slug to its own sub-fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from emulator.search.regex import check, escape, literal

# Lucene's standard tokenizer keeps "10.10.13.22" as one word and splits "ab-x1" into "ab", "x1"
# (dc-api.md §2.1). The index's analyzer uses this very expression.
WORD_PATTERN = r"\w+(\.?\w+)*"
_WORD_RE = re.compile(WORD_PATTERN, re.UNICODE)
# The catch-all field: every text of a document, in field order. Its whole values are therefore exactly those of
# all other fields together, and the index looks them up there instead of writing them twice.
CATCH_ALL = "content"


def tokenize(text: str) -> list[str]:
    """Split `text` into lower-cased words exactly as the index does."""
    return [m.group(0).lower() for m in _WORD_RE.finditer(text)]


class Kind(Enum):
    """How a field is indexed, which decides how a value given for it is matched."""

    TEXT = "text"  # words and whole value
    LIST = "list"  # whole values (options, names of types and schemes)
    REF = "ref"  # asset references: "name #id", "name", "#id"
    NUMBER = "number"
    DATE = "date"
    DATE_TIME = "date_time"


@dataclass(frozen=True)
class FieldSpec:
    """A searchable field: its name as the caller wrote it, its index slug and kind."""

    name: str
    slug: str
    kind: Kind


class Scope(Enum):
    """Where a `Match` looks: in words or the whole value (STRING), or the whole value only (LIST)."""

    WORD_OR_VALUE = "word_or_value"
    VALUE = "value"


@dataclass(frozen=True)
class Pattern:
    """A lower-cased term, possibly with `*`/`?` wildcards; backslash-escaped wildcards are literal.

    `regex` and `scan` are RE2 syntax (`emulator.search.regex`), never run by Python's backtracking `re`."""

    literal: str | None  # set when there is no wildcard: the term itself
    regex: str  # a regular expression matched against a whole term
    prefix: str  # literal text before the first wildcard (for cheap term expansion)
    # The same language with no class matching NUL, for terms joined by NUL characters. Derived from `regex`, so
    # not compared ("" when there is none: every term is then tested on its own).
    scan: str = field(default="", compare=False)
    source: str = field(default="", compare=False)  # as the user wrote it, for messages

    @classmethod
    def parse(cls, raw: str) -> Pattern:
        """Read a user's term: `\\` escapes the next character, unescaped `*` and `?` are wildcards."""
        if "*" not in raw and "?" not in raw and "\\" not in raw:  # a plain term: the common case, in C
            lowered = raw.lower()
            plain = literal(lowered)
            return cls(literal=lowered, regex=plain, prefix=lowered, scan=plain, source=raw)
        chunks: list[tuple[str, str]] = []  # (regex, scan regex) per character
        prefix: list[str] = []
        wild = False
        escaped = False
        for char in raw.lower():
            if escaped:
                chunks.append((escape(char),) * 2)
                if not wild:
                    prefix.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in "*?":
                chunks.append((".*", r"[^\x00]*") if char == "*" else (".", r"[^\x00]"))
                wild = True
            else:
                chunks.append((escape(char),) * 2)
                if not wild:
                    prefix.append(char)
        if escaped:  # a trailing backslash stands for itself
            chunks.append((escape("\\"),) * 2)
            if not wild:
                prefix.append("\\")
        text = "".join(prefix)
        regex, scan = ("".join(parts) for parts in zip(*chunks, strict=True)) if chunks else ("", "")
        return cls(literal=None if wild else text, regex=regex, prefix=text, scan=scan, source=raw)

    @classmethod
    def exact(cls, text: str) -> Pattern:
        """A pattern matching exactly `text` (lower-cased), wildcard characters included."""
        lowered = text.lower()
        escaped = literal(lowered)
        return cls(literal=lowered, regex=escaped, prefix=lowered, scan=escaped, source=text)

    @classmethod
    def regular(cls, regex: str, scan: str, source: str) -> Pattern:
        """A user's regular expression in both RE2 forms; a `ValueError` (`regex.PatternError`) saying why if RE2
        cannot run either."""
        check(regex)
        check(scan)
        return cls(literal=None, regex=regex, prefix="", scan=scan, source=source)

    @property
    def is_match_all(self) -> bool:
        return self.literal is None and self.regex == ".*"


class Node:
    """Base of every query node."""


@dataclass(frozen=True)
class All(Node):
    """Every document."""


@dataclass(frozen=True)
class Nothing(Node):
    """No document."""


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    item: Node


@dataclass(frozen=True)
class Match(Node):
    """`field` has a word (or whole value) matching `pattern`."""

    field: str
    pattern: Pattern
    scope: Scope = Scope.WORD_OR_VALUE


@dataclass(frozen=True)
class Phrase(Node):
    """`field` has these words next to each other, in this order; with a `slop`, as Lucene's sloppy phrase:
    some position of each word minus its place in the phrase, all within `slop` of each other."""

    field: str
    words: tuple[str, ...]
    slop: int = 0


@dataclass(frozen=True)
class Fuzzy(Node):
    """`field` has a word (or whole value) within `max_edits` edits of `term` (Lucene's FuzzyQuery: insertions,
    deletions, substitutions and transpositions of neighbours each count one)."""

    field: str
    term: str
    max_edits: int
    scope: Scope = Scope.WORD_OR_VALUE


@dataclass(frozen=True)
class Range(Node):
    """`field`'s number (dates as epoch ms) lies between the bounds; None is open."""

    field: str
    low: float | None
    high: float | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class TextRange(Node):
    """`field`'s whole value (lower-cased) lies between the bounds, compared as text; None is open."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Exists(Node):
    """`field` has any value."""

    field: str


def and_(*items: Node) -> Node:
    """AND the items, dropping `All` and collapsing trivial cases."""
    kept = tuple(item for item in items if not isinstance(item, All))
    if any(isinstance(item, Nothing) for item in kept):
        return Nothing()
    if not kept:
        return All()
    return kept[0] if len(kept) == 1 else And(kept)


def or_(*items: Node) -> Node:
    """OR the items, dropping `Nothing` and collapsing trivial cases."""
    kept = tuple(item for item in items if not isinstance(item, Nothing))
    if any(isinstance(item, All) for item in kept):
        return All()
    if not kept:
        return Nothing()
    return kept[0] if len(kept) == 1 else Or(kept)


class SortKind(Enum):
    TEXT = "text"
    NUMBER = "number"


@dataclass(frozen=True)
class SortKey:
    """Order by `field`; missing values come first ascending and last descending (Lucene's string habit)."""

    field: str
    kind: SortKind
    descending: bool = False


@dataclass(frozen=True)
class FieldValues:
    """What one field of one document holds for the index."""

    texts: tuple[str, ...] = ()  # matched by words and as whole values
    number: float | None = None  # numbers, dates and date-times (epoch ms): ranges and numeric sort
    sort_text: str | None = None  # text sort key; defaults to the texts joined


@dataclass(frozen=True)
class Document:
    """One asset as the index sees it."""

    asset_id: int
    fields: dict[str, FieldValues] = field(default_factory=dict)


@dataclass(frozen=True)
class Hits:
    """One page of a search: the total and the asset ids in order."""

    total: int
    asset_ids: list[int]
    version: int = 0  # the index generation answered from: what was read with it is valid for it alone
