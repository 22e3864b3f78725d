"""The `keyword` of a STRING search param (dc-api.md §2.1): words AND-ed, `"phrases"`, upper-case `NOT`
before a term to exclude it, `*`/`?` wildcards, `\\` escapes. Lower-case `not` is an ordinary word."""

from __future__ import annotations

from collections.abc import Callable

from emulator.search.tree import (
    All,
    Node,
    Not,
    and_,
    or_,
)

TermBuilder = Callable[[str, bool], Node]  # (raw text, is a quoted phrase) -> node


def split(keyword: str) -> list[tuple[str, bool]]:
    """Cut a keyword into terms and phrases, keeping escapes inside terms for the pattern reader."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(keyword)
    while i < n:
        char = keyword[i]
        if char.isspace():
            i += 1
        elif char == '"':
            end, text = _phrase(keyword, i + 1)
            tokens.append((text, True))
            i = end
        else:
            start = i
            while i < n and not keyword[i].isspace() and keyword[i] != '"':
                i += 2 if keyword[i] == "\\" else 1
            tokens.append((keyword[start:i], False))
    return tokens


def _phrase(keyword: str, i: int) -> tuple[int, str]:
    out: list[str] = []
    while i < len(keyword):
        char = keyword[i]
        if char == "\\" and i + 1 < len(keyword):
            out.append(keyword[i + 1])
            i += 2
        elif char == '"':
            return i + 1, "".join(out)
        else:
            out.append(char)
            i += 1
    return i, "".join(out)  # an unclosed quote runs to the end


def keyword_query(keyword: str, build: TermBuilder) -> Node:
    """AND the keyword's terms; `NOT` excludes the next one, `OR` joins its neighbours, `AND` is a no-op."""
    clauses: list[Node] = []
    negate = join_or = False
    for text, quoted in split(keyword):
        if not quoted and text == "NOT":
            negate = True
            continue
        if not quoted and text in ("AND", "&&"):
            continue
        if not quoted and text in ("OR", "||"):
            join_or = True
            continue
        node = build(text, quoted)
        node = Not(node) if negate else node
        if join_or and clauses:
            clauses[-1] = or_(clauses[-1], node)
        else:
            clauses.append(node)
        negate = join_or = False
    return and_(*clauses) if clauses else All()
