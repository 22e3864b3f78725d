"""Engine-free matching rules the executor applies beyond looking terms up: Lucene's fuzzy edit distance and its
sloppy phrase positions."""

from __future__ import annotations

from collections.abc import Sequence


def within_edits(a: str, b: str, limit: int) -> bool:
    """Whether `a` turns into `b` with at most `limit` edits: an insertion, a deletion, a substitution or a swap
    of two neighbours each count one (Lucene's FuzzyQuery with transpositions, optimal string alignment)."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b or limit < 0:
        return a == b
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


def sloppy_match(positions: Sequence[Sequence[int]], slop: int) -> bool:
    """Whether one position per phrase word can be picked, all different, so that every `position - place in the
    phrase` lies within `slop` of the others (Lucene's sloppy phrase: `"a b"~1` allows one word between, the
    reversed order needs `~2`)."""
    if not positions:
        return False

    def pick(index: int, low: int, high: int, used: frozenset[int]) -> bool:
        if index == len(positions):
            return True
        for position in positions[index]:
            shifted = position - index
            lo, hi = min(low, shifted), max(high, shifted)
            if hi - lo <= slop and position not in used and pick(index + 1, lo, hi, used | {position}):
                return True
        return False

    return any(pick(1, first, first, frozenset({first})) for first in positions[0])
