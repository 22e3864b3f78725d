"""Property: random AND/OR/NOT/+/-/&&/||/!/parenthesised queries over four words are read as Lucene's classic
parser reads them (dc-api.md §2.2).

Hypothesis draws a query's *structure* (clauses with a conjunction, a modifier and a word, a bare sign or a
group) and writes it out with random spellings. The expected documents come from a small evaluator of
`QueryParserBase.addClause` written here, on the structure; the actual ones from the parser's tree, evaluated
on a universe of sixteen documents (every subset of the four words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from emulator.core.leaves import Context
from emulator.dialects.dc import lucene
from emulator.search.tree import (
    All,
    And,
    FieldSpec,
    Kind,
    Match,
    Node,
    Not,
    Nothing,
    Or,
)
from tests.helpers import LONG

WORDS = ("a", "b", "c", "d")
UNIVERSE = [frozenset(chosen) for n in range(len(WORDS) + 1) for chosen in combinations(WORDS, n)]
EVERY = frozenset(range(len(UNIVERSE)))
CONTENT = FieldSpec("asset.content", "content", Kind.TEXT)
BARE = "bare"  # a `+`, `-` or `!` followed by whitespace: a term of no words
Choose = Callable[[list[str]], str]


@dataclass(frozen=True)
class Clause:
    conj: str  # "", "AND", "&&", "OR", "||"
    mod: str  # "", "+", "-", "NOT", "!"
    body: str | tuple[Clause, ...]  # a word, BARE, or a parenthesised level


def _level(inner: st.SearchStrategy[str | tuple[Clause, ...]]) -> st.SearchStrategy[tuple[Clause, ...]]:
    clause = st.builds(Clause, st.sampled_from(["", "AND", "&&", "OR", "||"]), st.sampled_from(MODS), inner)
    first = st.builds(Clause, st.just(""), st.sampled_from(MODS), inner)
    return st.tuples(first, st.lists(clause, max_size=3)).map(lambda pair: (pair[0], *pair[1]))


MODS = ["", "", "+", "-", "NOT", "!"]
bodies = st.recursive(st.sampled_from([*WORDS, *WORDS, BARE]), _level, max_leaves=10)
queries = _level(bodies)


def render(level: tuple[Clause, ...], choose: Choose) -> str:
    """The level as a query string, with random whitespace where whitespace is free."""
    parts: list[str] = []
    for clause in level:
        if clause.conj:
            parts.append(clause.conj)
        mod = "NOT " if clause.mod == "NOT" else clause.mod  # `+`, `-` and `!` must touch their clause
        if clause.body == BARE:
            parts.append(mod + choose(["+", "-", "!"]) + " ")
        elif isinstance(clause.body, str):
            parts.append(mod + clause.body)
        else:
            parts.append(f"{mod}({render(clause.body, choose)})")
    return choose([" ", "  ", "\t", " \n "]).join(parts)


def expected(level: tuple[Clause, ...]) -> frozenset[int] | None:
    """The documents a level finds by addClause's rules, or None when every clause was dropped."""
    clauses: list[tuple[str, frozenset[int]]] = []  # (occur, documents)
    for clause in level:
        if clause.conj in ("AND", "&&") and clauses and clauses[-1][0] != "must_not":
            clauses[-1] = ("must", clauses[-1][1])
        if clause.body == BARE:
            continue
        if isinstance(clause.body, str):
            found: frozenset[int] | None = frozenset(i for i, doc in enumerate(UNIVERSE) if clause.body in doc)
        else:
            found = expected(clause.body)
        if found is None:
            continue
        if clause.mod in ("-", "NOT", "!"):
            occur = "must_not"
        elif clause.mod == "+" or clause.conj in ("AND", "&&"):
            occur = "must"
        else:
            occur = "should"
        clauses.append((occur, found))
    if not clauses:
        return None
    must = [docs for occur, docs in clauses if occur == "must"]
    should = [docs for occur, docs in clauses if occur == "should"]
    excluded = frozenset[int]().union(*(docs for occur, docs in clauses if occur == "must_not"))
    if must:
        result = EVERY.intersection(*must)
    elif should:
        result = frozenset[int]().union(*should)
    else:
        return frozenset()  # exclusions alone match nothing
    return result - excluded


def evaluate(node: Node) -> frozenset[int]:
    """The parser's tree on the sixteen documents."""
    if isinstance(node, All):
        return EVERY
    if isinstance(node, Nothing):
        return frozenset()
    if isinstance(node, And):
        return frozenset.intersection(*(evaluate(item) for item in node.items))
    if isinstance(node, Or):
        return frozenset.union(*(evaluate(item) for item in node.items))
    if isinstance(node, Not):
        return EVERY - evaluate(node.item)
    assert isinstance(node, Match), node
    assert node.pattern.literal in WORDS, node
    return frozenset(i for i, doc in enumerate(UNIVERSE) if node.pattern.literal in doc)


def found(text: str) -> frozenset[int]:
    parsed = lucene.parse(text, {"asset.content": CONTENT}.get, Context(zone=ZoneInfo("UTC"), now_ms=0), CONTENT)
    assert parsed.warnings == ()
    return evaluate(parsed.node)


@settings(max_examples=400 if LONG else 100, deadline=None, database=None)
@given(level=queries, data=st.data())
@example(level=(Clause("", "", "a"), Clause("OR", "", "b"), Clause("AND", "", "c")), data=None)
@example(level=(Clause("", "NOT", "a"),), data=None)
@example(level=(Clause("", "", "a"), Clause("AND", "", BARE), Clause("", "", "b")), data=None)
def test_classic_reading_equals_the_addclause_rules(level: tuple[Clause, ...], data: st.DataObject | None) -> None:
    def choose(options: list[str]) -> str:
        return data.draw(st.sampled_from(options)) if data is not None else options[0]

    text = render(level, choose)
    want = expected(level)

    assert found(text) == (frozenset() if want is None else want), text


def test_the_universe_tells_the_rules_apart() -> None:
    # `a OR b AND c` (classic: b AND c) differs from boolean precedence (a OR (b AND c)) on these documents.
    assert found("a OR b AND c") == found("b AND c") != found("a OR (b AND c)")
    assert found("NOT a") == frozenset() != found("*:* NOT a") == EVERY - found("a")
