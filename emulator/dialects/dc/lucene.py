"""`genericKeyword`: a Lucene query string, parsed with luqum, translated into the engine-neutral tree.

Lucene's boolean semantics (dc-api.md §2.2, chosen): the implicit operator is OR; `+x` / `AND` make a clause
required, `-x` / `NOT x` exclude it; when any clause is required the optional ones do not narrow the result.
A query of exclusions alone matches everything else (Elasticsearch's habit, friendlier than Lucene's nothing).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from luqum import tree as lq
from luqum.exceptions import ParseError
from luqum.parser import parser

from emulator.core import leaves
from emulator.core.errors import ValidationError
from emulator.core.leaves import Context
from emulator.core.timefmt import parse_point
from emulator.search.tree import (
    All,
    Exists,
    FieldSpec,
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
)

Resolver = Callable[[str], FieldSpec | None]
_PARSE_LOCK = threading.Lock()  # luqum's PLY parser keeps state between tokens: one parse at a time
_QUOTED_FIELD = re.compile(r'"((?:[^"\\]|\\.)*)"(?=\s*:)')
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)  # a Lucene backslash escape, resolved in phrases and range bounds
_SPECIAL = re.compile(r'([\s+\-!(){}\[\]^"~*?:\\/&|])')
WHAT = "genericKeyword"


def parse(text: str, resolve: Resolver, ctx: Context, default: FieldSpec) -> Node:
    """Translate a Lucene query; a syntax error is a 400 that says where."""
    source = _QUOTED_FIELD.sub(lambda found: _SPECIAL.sub(r"\\\1", found.group(1)), text)
    try:
        with _PARSE_LOCK:
            parsed = parser.parse(source)
    except (ParseError, ValueError, TypeError) as exc:
        raise ValidationError(f"{WHAT}: cannot parse '{text}': {exc}") from None
    return _Translator(resolve, ctx).visit(parsed, default)


class _Translator:
    def __init__(self, resolve: Resolver, ctx: Context) -> None:
        self.resolve = resolve
        self.ctx = ctx

    def visit(self, node: Any, field: FieldSpec | None) -> Node:
        if isinstance(node, lq.SearchField):
            if node.name == "*" and isinstance(node.expr, lq.Word) and node.expr.value == "*":
                return All()  # Lucene's `*:*`, every document
            name = re.sub(r"\\(.)", r"\1", node.name)
            return self.visit(node.expr, self.resolve(name) or FieldSpec(name, "", Kind.TEXT))
        if isinstance(node, lq.Group | lq.FieldGroup):
            return self.visit(node.expr, field)
        if isinstance(node, lq.AndOperation | lq.OrOperation | lq.UnknownOperation):
            return self._boolean(node, field)
        if isinstance(node, lq.Not | lq.Prohibit | lq.Plus):
            return self._boolean(lq.UnknownOperation(node), field)
        if isinstance(node, lq.Boost):
            return self.visit(node.expr, field)
        return self._leaf(node, field)

    def _boolean(self, node: Any, field: FieldSpec | None) -> Node:
        must, should, must_not = [], [], []
        default_must = isinstance(node, lq.AndOperation)
        for child in node.children:
            if isinstance(child, lq.Not | lq.Prohibit):
                must_not.append(self.visit(child.a, field))
            elif isinstance(child, lq.Plus) or default_must:
                must.append(self.visit(child.a if isinstance(child, lq.Plus) else child, field))
            else:
                should.append(self.visit(child, field))
        positive = and_(*must) if must else (or_(*should) if should else All())
        if not must_not:
            return positive
        return and_(positive, Not(or_(*must_not)))

    def _leaf(self, node: Any, field: FieldSpec | None) -> Node:
        if field is not None and not field.slug:
            return Nothing()  # an unknown field is valid Lucene with no terms (dc-api.md §2)
        spec = field or self.resolve("asset.content")
        if spec is None:
            return Nothing()
        if isinstance(node, lq.Word):
            if node.value == "*":
                return Exists(spec.slug) if field is not None else All()
            return leaves.term(spec, node.value, self.ctx, f"{WHAT} {spec.name}")
        if isinstance(node, lq.Phrase | lq.Proximity):
            text = (node.term if isinstance(node, lq.Proximity) else node).value
            return leaves.phrase(spec, _ESCAPED.sub(r"\1", text[1:-1]), self.ctx, f"{WHAT} {spec.name}")
        if isinstance(node, lq.Fuzzy):  # fuzzy matching is not emulated: the exact term
            return self._leaf(node.term, field)
        if isinstance(node, lq.Regex):
            return self._regex(spec, node.value[1:-1])
        if isinstance(node, lq.Range):
            return self._range(spec, node)
        raise ValidationError(f"{WHAT}: '{node}' is not supported")

    def _regex(self, spec: FieldSpec, body: str) -> Node:
        # Terms are indexed lower-cased: match them case-insensitively rather than lower-casing the expression,
        # which would turn escapes such as \D or \S into their opposites. Check the expression as it will run.
        regex = f"(?i:{body})\\Z"
        try:
            re.compile(body)  # on its own too, so a stray ")" cannot close our group early
            re.compile(regex, re.DOTALL)
        except re.error as exc:
            raise ValidationError(f"{WHAT}: invalid regular expression /{body}/: {exc}") from None
        pattern = Pattern(literal=None, regex=regex, prefix="")
        scope = Scope.WORD_OR_VALUE if spec.kind is Kind.TEXT else Scope.VALUE
        return Match(spec.slug, pattern, scope)

    def _range(self, spec: FieldSpec, node: Any) -> Node:
        low = None if str(node.low) == "*" else _ESCAPED.sub(r"\1", _unquote(str(node.low)))
        high = None if str(node.high) == "*" else _ESCAPED.sub(r"\1", _unquote(str(node.high)))
        what = f"{WHAT} {spec.name}"
        if spec.kind is Kind.NUMBER:
            lo = None if low is None else leaves.number(low, what)
            hi = None if high is None else leaves.number(high, what)
            return Range(spec.slug, lo, hi, node.include_low, node.include_high)
        if spec.kind in (Kind.DATE, Kind.DATE_TIME):
            return self._date_range(spec, low, high, node.include_low, node.include_high)
        return leaves.text_range(spec, low, high, node.include_low, node.include_high)

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


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
