"""Query leaves for one field, by the field's kind: the rules every dialect shares (dc-api.md §2.1).

A text term matches one word of the value or the whole value; LIST and reference fields match whole values;
numbers and dates match through ranges (an exact date covers its whole day, an exact date-time its minute).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from emulator.core.errors import ValidationError
from emulator.core.timefmt import parse_point, parse_relative
from emulator.search.tree import (
    FieldSpec,
    Kind,
    Match,
    Node,
    Nothing,
    Pattern,
    Phrase,
    Range,
    Scope,
    TextRange,
    or_,
    tokenize,
)

_ESCAPED = re.compile(r"\\(.)", re.DOTALL)  # a backslash escape; numbers and dates have no wildcards to keep


@dataclass(frozen=True)
class Context:
    """What translating a query needs besides the query: the time zone and the emulator's clock."""

    zone: ZoneInfo
    now_ms: int
    max_clauses: int = 1024  # a parser stops reading a query of more terms (`emulator.core.query_limits`)


def term(spec: FieldSpec, raw: str, ctx: Context, what: str) -> Node:
    """One user term (wildcards and escapes allowed) against a field, as that field's kind matches it."""
    if spec.kind is Kind.NUMBER:
        return exact_number(spec, _ESCAPED.sub(r"\1", raw), what)
    if spec.kind in (Kind.DATE, Kind.DATE_TIME):
        text = _ESCAPED.sub(r"\1", raw)  # `2025-01-20T14\:30`: Lucene users escape the colon
        return date_range(spec, text, text, ctx, what)
    pattern = Pattern.parse(raw)
    if spec.kind is Kind.REF and pattern.literal is not None and pattern.literal.isdigit():
        return Match(spec.slug, Pattern.exact(f"#{pattern.literal}"), Scope.VALUE)
    if spec.kind in (Kind.LIST, Kind.REF):
        return Match(spec.slug, pattern, Scope.VALUE)
    return text_term(spec.slug, pattern)


def text_term(slug: str, pattern: Pattern) -> Node:
    """A text term: a word or the whole value; a literal of several words also matches as a phrase."""
    if pattern.literal is None:
        return Match(slug, pattern, Scope.WORD_OR_VALUE)
    words = tokenize(pattern.literal)
    if words == [pattern.literal]:
        return Match(slug, pattern, Scope.WORD_OR_VALUE)
    whole = Match(slug, pattern, Scope.VALUE)
    return or_(whole, Phrase(slug, tuple(words))) if words else whole


def phrase(spec: FieldSpec, text: str, ctx: Context, what: str, slop: int = 0) -> Node:
    """A quoted phrase: its words in order, `slop` positions apart at most (on LIST fields, the whole value)."""
    if spec.kind in (Kind.LIST, Kind.REF, Kind.NUMBER, Kind.DATE, Kind.DATE_TIME):
        return term(spec, text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?"), ctx, what)
    words = tuple(tokenize(text))
    if not words:
        return Nothing()
    return Phrase(spec.slug, words, slop)


def exact_number(spec: FieldSpec, raw: str | float, what: str) -> Node:
    """The field's number equals `raw`."""
    value = number(raw, what)
    return Range(spec.slug, value, value)


def number(raw: str | float, what: str) -> float:
    """Read a number bound, or answer 400 naming it."""
    try:
        value = float(raw)
    except OverflowError:  # an int beyond a float's range (JSON allows 4,300 digits): a bound past every value
        value = math.inf if int(raw) > 0 else -math.inf
    except (TypeError, ValueError):
        raise ValidationError(f"{what}: '{raw}' is not a number") from None
    if math.isnan(value):
        raise ValidationError(f"{what}: '{raw}' is not a number")
    return value


def date_range(spec: FieldSpec, low: str | None, high: str | None, ctx: Context, what: str) -> Node:
    """Dates from `low` to `high` inclusive, each covering its whole day (or minute); None is open."""
    start = None if low is None else parse_point(low, ctx.zone, what)[0]
    end = None
    if high is not None:
        point, span = parse_point(high, ctx.zone, what)
        end = point + span
    return Range(spec.slug, start, end, include_low=True, include_high=False)


def relative_range(spec: FieldSpec, low: str | None, high: str | None, ctx: Context, what: str) -> Node:
    """Dates between two bounds relative to now (`-2w`, `1d`, `3y`, `-4m`); None is open."""
    start = None if low is None else parse_relative(low, ctx.now_ms, ctx.zone, what)
    end = None if high is None else parse_relative(high, ctx.now_ms, ctx.zone, what)
    return Range(spec.slug, start, end)


def text_range(spec: FieldSpec, low: str | None, high: str | None, include_low: bool, include_high: bool) -> Node:
    """Whole values between two texts (Lucene's `[a TO b]` on a text field)."""
    lower = None if low is None else low.lower()
    upper = None if high is None else high.lower()
    return TextRange(spec.slug, lower, upper, include_low, include_high)
