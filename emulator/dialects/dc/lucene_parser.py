"""Lucene's classic query grammar (`QueryParser.jj`) by recursive descent, and its clause rules.

    Query     := Modifier? Clause ( Conjunction? Modifier? Clause )*
    Clause    := ( TERM ":" | "*" ":" | QUOTED ":" )? ( Term | "(" Query ")" Boost? )
    Term      := ( TERM | WILD | REGEX | BARE ) Suffixes | RANGE Boost? | QUOTED Suffixes
    Suffixes  := ( Boost Fuzzy? | Fuzzy Boost? )?

`QUOTED ":"` (a quoted field name) is the emulator's extension; the classic grammar has no such rule.
`add_clauses` is `QueryParserBase.addClause` with the default operator OR (dc-api.md §2.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from emulator.dialects.dc.lucene_lexer import Tok, Token, syntax_error, tokenize

T = TypeVar("T")
MAX_DEPTH = 100  # nested groups: deeper is a 400, not a stack overflow here or in the executor


class Conj(Enum):
    """The conjunction written before a clause."""

    NONE = "none"
    AND = "AND"
    OR = "OR"


class Mod(Enum):
    """The modifier written before a clause."""

    NONE = "none"
    REQ = "+"
    NOT = "-"  # `-`, `NOT` or `!`


class Occur(Enum):
    """What a clause of one level becomes."""

    MUST = "must"
    SHOULD = "should"
    MUST_NOT = "must_not"


@dataclass(frozen=True)
class Leaf:
    """One term, phrase, wildcard, regular expression or range, with the number after its `~` if any."""

    token: Token
    fuzzy: str | None = None  # "" for a bare `~`


@dataclass(frozen=True)
class Fielded:
    """`name:query`; `name` keeps its backslash escapes."""

    name: str
    quoted: bool  # written `"name":` (the emulator's extension)
    query: Query


@dataclass(frozen=True)
class Item:
    """One clause of a level as written: its conjunction, its modifier and its query."""

    conj: Conj
    mod: Mod
    query: Query


@dataclass(frozen=True)
class Group:
    """One level: the whole query or a parenthesised group."""

    items: tuple[Item, ...]


Query = Leaf | Fielded | Group

_CLAUSE_START = {
    Tok.PLUS,
    Tok.MINUS,
    Tok.NOT,
    Tok.LPAREN,
    Tok.TERM,
    Tok.WILD,
    Tok.BARE,
    Tok.REGEX,
    Tok.QUOTED,
    Tok.RANGE,
}
_SYMBOLS = {Tok.AND, Tok.OR, Tok.NOT, Tok.PLUS, Tok.MINUS, Tok.LPAREN, Tok.RPAREN, Tok.COLON}
_LEAVES = {Tok.TERM, Tok.WILD, Tok.BARE, Tok.REGEX, Tok.QUOTED}
_MODS = {Tok.PLUS: Mod.REQ, Tok.MINUS: Mod.NOT, Tok.NOT: Mod.NOT}


def parse_syntax(source: str, max_leaves: int | None = None) -> Group:
    """The query's syntax tree, or a 400 that says where it stops making sense (or that it has too many terms)."""
    parser = _Parser(source, tokenize(source, max_leaves))
    group = parser.query()
    parser.expect(Tok.END)
    return group


def add_clauses(items: Sequence[tuple[Conj, Mod, T | None]]) -> list[tuple[Occur, T]]:
    """`QueryParserBase.addClause` with the default operator OR, clause by clause.

    A clause is SHOULD, MUST when written `+x` or introduced by AND, MUST_NOT when written `-x`/`NOT x`/`!x`
    (MUST_NOT wins); AND also makes the clause before it MUST unless that one is MUST_NOT. A clause the analyzer
    dropped (None) still lets its AND act on the clause before it, as in Lucene.
    """
    clauses: list[tuple[Occur, T]] = []
    for conj, mod, query in items:
        if clauses and conj is Conj.AND and clauses[-1][0] is not Occur.MUST_NOT:
            clauses[-1] = (Occur.MUST, clauses[-1][1])
        if query is None:
            continue
        if mod is Mod.NOT:
            occur = Occur.MUST_NOT
        elif mod is Mod.REQ or conj is Conj.AND:
            occur = Occur.MUST
        else:
            occur = Occur.SHOULD
        clauses.append((occur, query))
    return clauses


class _Parser:
    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, kind: Tok) -> Token:
        if self.peek.kind is not kind:
            raise self.unexpected()
        return self.take()

    def unexpected(self) -> Exception:
        token = self.peek
        if token.kind is Tok.END:
            return syntax_error(self.source, token.position, "unexpected end of query")
        shown = token.text if token.kind in _SYMBOLS else self.source[token.position :].split(maxsplit=1)[0][:20]
        return syntax_error(self.source, token.position, f"unexpected '{shown}'")

    def query(self) -> Group:
        items = [Item(Conj.NONE, self.modifier(), self.clause())]
        while True:
            kind = self.peek.kind
            if kind in (Tok.AND, Tok.OR):
                conj = Conj.AND if self.take().kind is Tok.AND else Conj.OR
            elif kind in _CLAUSE_START:
                conj = Conj.NONE
            else:
                return Group(tuple(items))
            items.append(Item(conj, self.modifier(), self.clause()))

    def modifier(self) -> Mod:
        found = _MODS.get(self.peek.kind)
        if found is None:
            return Mod.NONE
        self.take()
        return found

    def clause(self) -> Query:
        token = self.peek
        named = token.kind in (Tok.TERM, Tok.QUOTED) or (token.kind is Tok.WILD and token.text == "*")
        if named and self.tokens[self.at + 1].kind is Tok.COLON:
            self.at += 2
            return Fielded(token.text, token.kind is Tok.QUOTED, self.subject())
        return self.subject()

    def subject(self) -> Query:
        token = self.peek
        if token.kind is Tok.LPAREN:
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise syntax_error(self.source, token.position, f"groups nested more than {MAX_DEPTH} deep")
            group = self.query()
            self.expect(Tok.RPAREN)
            self.depth -= 1
            self.boost()
            return group
        if token.kind is Tok.RANGE:
            self.take()
            self.boost()
            return Leaf(token)
        if token.kind in _LEAVES:
            self.take()
            return Leaf(token, self.suffixes())
        raise self.unexpected()

    def accept(self, kind: Tok) -> Token | None:
        """Take the next token when it is of `kind`."""
        return self.take() if self.peek.kind is kind else None

    def boost(self) -> None:
        """`^2`: accepted and ignored (there is no scoring)."""
        self.accept(Tok.BOOST)

    def suffixes(self) -> str | None:
        """`^boost` and `~fuzzy` in either order, each at most once; the fuzzy number if any."""
        if self.accept(Tok.BOOST):
            fuzzy = self.accept(Tok.FUZZY)
        else:
            fuzzy = self.accept(Tok.FUZZY)
            if fuzzy:
                self.boost()
        return None if fuzzy is None else fuzzy.text
