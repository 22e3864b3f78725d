"""`genericKeyword`: a Lucene query string read as Lucene's classic `QueryParser` reads it (default operator OR),
translated into the engine-neutral tree (dc-api.md §2.2).

Each parenthesised level is a BooleanQuery: it matches when every MUST clause matches, no MUST_NOT clause
matches and, only when it has no MUST clause, at least one SHOULD clause matches. A level of exclusions alone
matches nothing, as in Lucene (`*:* NOT a` is "everything but a"). A term the analyzer turns into no word at all
(`-` in `a - b`) adds no clause. Two lenient extensions are kept and reported as warnings: quoted field names
and leading wildcards.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

from emulator.core import leaves
from emulator.core.errors import ValidationError
from emulator.core.leaves import Context
from emulator.core.timefmt import parse_point
from emulator.dialects.dc import lucene_regexp
from emulator.dialects.dc.lucene_lexer import WHAT, RangeBounds, Tok
from emulator.dialects.dc.lucene_parser import (
    Fielded,
    Group,
    Leaf,
    Occur,
    Query,
    add_clauses,
    parse_syntax,
)
from emulator.search.tree import (
    All,
    Exists,
    FieldSpec,
    Fuzzy,
    Kind,
    Match,
    Node,
    Not,
    Nothing,
    Pattern,
    Range,
    Scope,
    and_,
    or_,
    tokenize,
)

Resolver = Callable[[str], FieldSpec | None]
QUOTED_FIELD_WARNING = (
    f"{WHAT}: quoted field names are an emulator extension; Lucene's classic parser rejects them "
    "(escape the spaces instead: Serial\\ Number:1254*)"
)
LEADING_WILDCARD_WARNING = (
    f"{WHAT}: leading wildcards are an emulator extension; Lucene's classic parser rejects them unless the "
    "application allows them"
)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)  # a Lucene backslash escape (`discardEscapeChar`)
_MAX_EDITS = 2  # Lucene's FuzzyQuery supports at most two edits; `term~` means two
_TEXT_LIKE = (Kind.TEXT, Kind.LIST, Kind.REF)
_MAX_SLOP = 2**31 - 1


class Parsed(NamedTuple):
    """The translated query and the warnings about where the emulator read it more leniently than Lucene."""

    node: Node
    warnings: tuple[str, ...]


def parse(text: str, resolve: Resolver, ctx: Context, default: FieldSpec) -> Parsed:
    """Translate a Lucene query; a syntax error is a 400 that says where."""
    translator = _Translator(resolve, ctx)
    node = translator.group(parse_syntax(text, ctx.max_clauses), default)
    return Parsed(Nothing() if node is None else node, tuple(translator.warnings))


def unescape(text: str) -> str:
    """Resolve backslash escapes (`Serial\\ Number` is `Serial Number`)."""
    return _ESCAPED.sub(r"\1", text)


def combine(clauses: list[tuple[Occur, Node]]) -> Node:
    """One level's clauses as a tree: every MUST, none of the MUST_NOT, and a SHOULD only when there is no MUST."""
    must = [node for occur, node in clauses if occur is Occur.MUST]
    should = [node for occur, node in clauses if occur is Occur.SHOULD]
    excluded = or_(*(node for occur, node in clauses if occur is Occur.MUST_NOT))
    if must:
        positive = and_(*must)
    elif should:
        positive = or_(*should)
    else:
        return Nothing()  # only exclusions: Lucene's BooleanQuery of MUST_NOT clauses alone matches nothing
    return positive if isinstance(excluded, Nothing) else and_(positive, Not(excluded))


class _Translator:
    def __init__(self, resolve: Resolver, ctx: Context) -> None:
        self.resolve = resolve
        self.ctx = ctx
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def group(self, group: Group, spec: FieldSpec) -> Node | None:
        """A level, or None when all its clauses were dropped (Lucene's null query: the parent adds nothing)."""
        clauses = add_clauses([(item.conj, item.mod, self.visit(item.query, spec)) for item in group.items])
        return combine(clauses) if clauses else None

    def visit(self, query: Query, spec: FieldSpec) -> Node | None:
        if isinstance(query, Group):
            return self.group(query, spec)
        if isinstance(query, Fielded):
            if query.quoted:
                self.warn(QUOTED_FIELD_WARNING)
            name = unescape(query.name)
            return self.visit(query.query, self.resolve(name) or FieldSpec(name, "", Kind.TEXT))
        return self.leaf(query, spec)

    def leaf(self, leaf: Leaf, spec: FieldSpec) -> Node | None:
        token = leaf.token
        if token.kind is Tok.BARE:
            return None  # `+`, `-` or `!` before whitespace: a term of no words
        if token.kind is Tok.WILD and token.text == "*" and spec.name == "*" and not spec.slug:
            return All()  # `*:*`, every document
        if token.kind is Tok.WILD and token.text[0] in "*?":
            self.warn(LEADING_WILDCARD_WARNING)
        if spec.kind is Kind.TEXT and token.kind in (Tok.TERM, Tok.QUOTED) and not tokenize(unescape(token.text)):
            return None  # the analyzer finds no word in it: Lucene adds no clause
        if not spec.slug:
            return Nothing()  # an unknown field is valid Lucene with no terms (dc-api.md §2)
        what = f"{WHAT} {spec.name}"
        if token.kind is Tok.TERM and leaf.fuzzy is not None and spec.kind in _TEXT_LIKE:
            return self._fuzzy(spec, unescape(token.text).lower(), leaf.fuzzy)
        if token.kind is Tok.WILD and token.text == "*":
            return Exists(spec.slug)
        if token.kind in (Tok.TERM, Tok.WILD):
            return leaves.term(spec, token.text, self.ctx, what)
        if token.kind is Tok.QUOTED:
            return leaves.phrase(spec, unescape(token.text), self.ctx, what, _slop(leaf.fuzzy))
        if token.kind is Tok.REGEX:
            return _regex(spec, token.text)
        assert token.bounds is not None
        return self._range(spec, token.bounds)

    def _fuzzy(self, spec: FieldSpec, term: str, slop: str) -> Node:
        edits = _edits(slop, len(term))
        scope = Scope.WORD_OR_VALUE if spec.kind is Kind.TEXT else Scope.VALUE
        return Fuzzy(spec.slug, term, edits, scope)

    def _range(self, spec: FieldSpec, bounds: RangeBounds) -> Node:
        low = None if bounds.low is None else unescape(bounds.low)
        high = None if bounds.high is None else unescape(bounds.high)
        inc_lo, inc_hi = bounds.include_low, bounds.include_high
        what = f"{WHAT} {spec.name}"
        if spec.kind is Kind.NUMBER:
            lo = None if low is None else leaves.number(low, what)
            hi = None if high is None else leaves.number(high, what)
            return Range(spec.slug, lo, hi, inc_lo, inc_hi)
        if spec.kind in (Kind.DATE, Kind.DATE_TIME):
            return self._date_range(spec, low, high, inc_lo, inc_hi)
        return leaves.text_range(spec, low, high, inc_lo, inc_hi)

    def _date_range(self, spec: FieldSpec, low: str | None, high: str | None, inc_lo: bool, inc_hi: bool) -> Node:
        what = f"{WHAT} {spec.name}"
        start = end = None
        if low is not None:
            point, span = parse_point(low, self.ctx.zone, what)
            start = point if inc_lo else point + span
        if high is not None:
            point, span = parse_point(high, self.ctx.zone, what)
            end = point + span if inc_hi else point
        return Range(spec.slug, start, end, include_low=True, include_high=False)


def _edits(slop: str, length: int) -> int:
    """The edit distance of `term~slop` (`FuzzyQuery.floatToEdits`): `~` is 2, `~1` is 1, `~3` is 2; a legacy
    similarity below 1 (`~0.5`) scales with the term's length."""
    if not slop:
        return _MAX_EDITS
    value = float(slop)
    if value >= 1:
        if math.isfinite(value) and not value.is_integer():
            raise ValidationError(f"{WHAT}: fractional edit distances are not allowed (~{slop})")
        return int(min(value, _MAX_EDITS))  # `~3` and `~99999` (even past the float range) are two
    return 0 if value == 0 else min(int((1 - value) * length), _MAX_EDITS)


def _slop(text: str | None) -> int:
    """The slop of `"a b"~N` (`~` alone, or none, is 0; `~2.5` is 2; at most Java's largest int, as Lucene's cast)."""
    return int(min(float(text), _MAX_SLOP)) if text else 0


def _regex(spec: FieldSpec, body: str) -> Node:
    """`/regex/`, lower-cased as the classic parser does, matched against whole words (or whole values), in Lucene's
    `RegExp` syntax run by RE2 (linear time, whatever the expression)."""
    lowered = body.lower()
    try:
        translated = lucene_regexp.translate(lowered)
        pattern = Pattern.regular(translated.regex, translated.scan, source=f"/{body}/")
    except ValueError as exc:  # the translation's RegExpError, or RE2's refusal (too large a program)
        raise ValidationError(f"{WHAT}: invalid regular expression /{body}/: {exc}") from None
    scope = Scope.WORD_OR_VALUE if spec.kind is Kind.TEXT else Scope.VALUE
    return Match(spec.slug, pattern, scope)
