"""What one search may cost (dc-api.md §2.2; docs/api.md, "Limits"): clauses, expansions and time.

Lucene refuses a query of more than `maxClauseCount` clauses (1,024 by default) with `TooManyClauses`; the emulator
counts the leaves of the translated query the same way, before any of them is evaluated. While a search runs, the
engine's budget (`emulator.search.budget`) stops it when one term expands to more index terms than
`max_expansions`, or when it runs past `search_time_limit_s`; both answer a 400 naming the part of the query that
was too expensive, as the caller wrote it, so that one request never holds the server.
"""

from __future__ import annotations

from emulator.core.catalog import Catalog
from emulator.core.errors import SearchTimeExceeded, TooManyClauses, ValidationError
from emulator.core.fields import field_name
from emulator.search.budget import Budget, BudgetExceeded, Exceeded
from emulator.search.tree import (
    And,
    Exists,
    Fuzzy,
    Match,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    TextRange,
)
from emulator.settings import Settings


def clauses(node: Node) -> int:
    """The leaves of a query (each one clause of Lucene's boolean query)."""
    count, pending = 0, [node]
    while pending:
        item = pending.pop()
        if isinstance(item, And | Or):
            pending.extend(item.items)
        elif isinstance(item, Not):
            pending.append(item.item)
        else:
            count += 1
    return count


def check_clauses(node: Node, settings: Settings) -> None:
    """Refuse a query of more clauses than `max_clause_count`, before any work is done on it."""
    found = clauses(node)
    if found > settings.max_clause_count:
        raise too_many_clauses(settings.max_clause_count, found)


def too_many_clauses(limit: int, found: int | None = None) -> TooManyClauses:
    """The 400 for a query of more than `limit` clauses (`found`, when they were all counted)."""
    count = f"{found} clauses" if found is not None else f"more than {limit} clauses"
    return TooManyClauses(
        f"maxClauseCount is set to {limit}: the query has {count}; split it into several searches "
        "(AIP_EMULATOR_MAX_CLAUSE_COUNT raises the limit)"
    )


def budget(settings: Settings) -> Budget:
    """A fresh budget for one search."""
    return Budget(settings.search_time_limit_s, settings.max_expansions)


def exceeded(exc: BudgetExceeded, catalog: Catalog) -> ValidationError:
    """The 400 for a search stopped by its budget, naming the part of the query it was working on."""
    part = describe(exc.part, catalog) if isinstance(exc.part, Node) else "the query"
    if exc.limit is Exceeded.EXPANSIONS:
        return TooManyClauses(
            f"{part} expands to more than {exc.budget.max_expansions} terms; make it narrower, e.g. with a longer "
            "prefix (AIP_EMULATOR_MAX_EXPANSIONS raises the limit)"
        )
    return SearchTimeExceeded(
        f"the search ran longer than its time limit of {exc.budget.seconds:g} s while matching {part}; make that "
        "part narrower (AIP_EMULATOR_SEARCH_TIME_LIMIT_S raises the limit)"
    )


def describe(node: Node, catalog: Catalog) -> str:
    """A query leaf as a caller would write it, e.g. `asset.name:tom*` or `Vendor:/d.*/`."""
    field = field_name(catalog, getattr(node, "field", ""))
    if isinstance(node, Match):
        return f"`{field}:{node.pattern.source or node.pattern.regex}`"
    if isinstance(node, Phrase):
        slop = f"~{node.slop}" if node.slop else ""
        return f'`{field}:"{" ".join(node.words)}"{slop}`'
    if isinstance(node, Fuzzy):
        return f"`{field}:{node.term}~{node.max_edits}`"
    if isinstance(node, Range | TextRange):
        low = "*" if node.low is None else node.low
        high = "*" if node.high is None else node.high
        return f"`{field}:[{low} TO {high}]`"
    if isinstance(node, Exists):
        return f"`{field}:*`"
    return "the query"
