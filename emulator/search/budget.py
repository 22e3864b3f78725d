"""The work one search may do: a deadline, and caps on what a single leaf may expand to.

A search runs in a worker thread that nothing can interrupt, so the evaluation checks its budget itself at every
node and every few hundred terms, documents or positions, and gives up with `BudgetExceeded` holding the leaf it was
working on. Lucene bounds the same work with `maxClauseCount` (`TooManyClauses`), its automata's state limit and
`TimeLimitingCollector`; the emulator's caller renders the exception as a 400 in the dialect's shape.

The budget of the search running in this thread is found through a context variable, so the executor, the phrase
matcher and the reference evaluator check it without passing it through every call; a thread without one runs
unbounded (the index's own maintenance, tests of the evaluator).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

T = TypeVar("T")
CHECK_EVERY = 256  # items between two looks at the clock inside one loop (a look costs ~60 ns)


class Exceeded(Enum):
    """Which limit a search ran into."""

    TIME = "time"
    EXPANSIONS = "expansions"


class BudgetExceeded(Exception):
    """A search stopped: it ran out of time, or one leaf expanded to more terms than allowed."""

    def __init__(self, limit: Exceeded, part: object, budget: Budget) -> None:
        super().__init__(f"{limit.value} budget exceeded at {part!r}")
        self.limit = limit
        self.part = part  # the query leaf being evaluated (None: between leaves)
        self.budget = budget


@dataclass
class Budget:
    """Limits for one search; `part` is updated as the evaluation moves from leaf to leaf."""

    seconds: float
    max_expansions: int
    deadline: float = field(init=False)
    part: object = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def check(self) -> None:
        """Stop the search if its time is up."""
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(Exceeded.TIME, self.part, self)

    def expanded(self, count: int) -> None:
        """Stop the search if one leaf expanded to more than `max_expansions` terms."""
        if count > self.max_expansions:
            raise BudgetExceeded(Exceeded.EXPANSIONS, self.part, self)


_current: ContextVar[Budget | None] = ContextVar("search_budget", default=None)


@contextmanager
def limited(budget: Budget | None) -> Iterator[None]:
    """Run the searches of this block under `budget` (None: unbounded)."""
    token = _current.set(budget)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> Budget | None:
    """The budget of the search running in this context, if any."""
    return _current.get()


def check() -> None:
    """Stop the running search if its time is up (nothing without a budget)."""
    budget = _current.get()
    if budget is not None:
        budget.check()


def entering(part: object) -> None:
    """Note the leaf the evaluation works on now, and check the clock."""
    budget = _current.get()
    if budget is not None:
        budget.part = part
        budget.check()


def expanded(count: int) -> None:
    """Check one leaf's expansion against the cap."""
    budget = _current.get()
    if budget is not None:
        budget.expanded(count)


def checked(items: Iterable[T]) -> Iterator[T]:
    """`items`, looking at the clock every `CHECK_EVERY` of them."""
    budget = _current.get()
    if budget is None:
        yield from items
        return
    for i, item in enumerate(items):
        if not i % CHECK_EVERY:
            budget.check()
        yield item
