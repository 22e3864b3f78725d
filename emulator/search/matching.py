"""Engine-free matching rules the executor applies beyond looking terms up: Lucene's fuzzy edit distance and its
sloppy phrase positions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence

from emulator.search import budget


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
    reversed order needs `~2`).

    Polynomial, whatever the words repeat: each window `[low, low + slop]` of shifted positions is tried once,
    and where the phrase repeats a word (two places may want one position) the positions are assigned by
    bipartite matching instead of by trying every combination."""
    if not positions or not all(positions) or not _enough_positions(positions):
        return False
    shifted = [sorted(p - place for p in set(found)) for place, found in enumerate(positions)]
    repeats = _shares_positions(positions)
    for low in sorted({value for values in shifted for value in values}):
        budget.check()
        window = [values[bisect_left(values, low) : bisect_right(values, low + slop)] for values in shifted]
        if not all(window):
            continue
        if not repeats or _distinct(window):
            return True
    return False


def _enough_positions(positions: Sequence[Sequence[int]]) -> bool:
    """Whether each repeated word has at least as many positions as places (a word five times in the phrase needs
    five of its own): a cheap test that spares most documents the windows below."""
    wanted = Counter(tuple(found) for found in positions)
    return all(len(set(found)) >= count for found, count in wanted.items())


def _shares_positions(positions: Sequence[Sequence[int]]) -> bool:
    """Whether two places of the phrase can be given one position (only the same word repeated can)."""
    seen: set[int] = set()
    for found in positions:
        unique = set(found)
        if not seen.isdisjoint(unique):
            return True
        seen |= unique
    return False


def _distinct(window: list[list[int]]) -> bool:
    """Whether every place can take a different position of its window (`shifted + place`): Kuhn's augmenting
    paths, iterative, so a phrase of many places never recurses deeply."""
    owner: dict[int, int] = {}  # position -> the place holding it
    return all(_augment(place, window, owner) for place in range(len(window)))


def _augment(start: int, window: list[list[int]], owner: dict[int, int]) -> bool:
    """Find a free position for `start`, moving other places along one augmenting path (breadth first)."""
    parent: dict[int, tuple[int, int | None]] = {}  # position -> (place that reached it, position that place held)
    held = {place: position for position, place in owner.items()}
    queue, seen = [start], {start}
    while queue:
        place = queue.pop(0)
        for value in window[place]:
            position = value + place
            if position in parent:
                continue
            parent[position] = (place, held.get(place))
            if position not in owner:
                _flip(position, parent, owner)
                return True
            other = owner[position]
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return False


def _flip(position: int | None, parent: dict[int, tuple[int, int | None]], owner: dict[int, int]) -> None:
    """Reassign the positions along the path that ends at the free `position`."""
    while position is not None:
        place, previous = parent[position]
        owner[position] = place
        position = previous
