"""Lucene's fuzzy edit distance and sloppy phrase positions, as the executor applies them."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.search.matching import sloppy_match, within_edits


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("tomcat", "tomcat", 0),
        ("tomcot", "tomcat", 1),  # substitution
        ("tomcatt", "tomcat", 1),  # deletion
        ("tomct", "tomcat", 1),  # insertion
        ("tmocat", "tomcat", 1),  # transposition of neighbours counts one
        ("tomkt", "tomcat", 2),
        ("", "ab", 2),
        ("abc", "cba", 2),
        ("laptop", "server", 6),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert within_edits(a, b, distance)
    assert within_edits(b, a, distance)
    if distance:
        assert not within_edits(a, b, distance - 1)


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook full table."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text("abc", max_size=6), st.text("abc", max_size=6), st.integers(0, 3))
def test_edit_distance_agrees_with_the_full_table(a: str, b: str, limit: int) -> None:
    assert within_edits(a, b, limit) == (_osa(a, b) <= limit)


@pytest.mark.parametrize(
    ("positions", "slop", "matches"),
    [
        ([[0], [1]], 0, True),  # next to each other, in order
        ([[0], [2]], 0, False),
        ([[0], [2]], 1, True),  # one word between
        ([[1], [0]], 1, False),  # reversed needs two
        ([[1], [0]], 2, True),
        ([[5, 0], [9, 1]], 0, True),  # any pair of positions may do
        ([[0], [0]], 5, False),  # a repeated word needs two different positions
        ([[0, 1], [0, 1]], 0, True),
        ([], 3, False),
    ],
)
def test_sloppy_phrase(positions: list[list[int]], slop: int, matches: bool) -> None:
    assert sloppy_match(positions, slop) is matches


def _sloppy_by_search(positions: list[list[int]], slop: int) -> bool:
    """The definition, by trying every combination (exponential: small inputs only)."""
    return bool(positions) and any(
        len(set(chosen)) == len(chosen) and max(shifted) - min(shifted) <= slop
        for chosen in itertools.product(*positions)
        for shifted in [[p - place for place, p in enumerate(chosen)]]
    )


@given(
    st.lists(st.lists(st.integers(0, 8), min_size=1, max_size=4), min_size=1, max_size=4),
    st.integers(0, 6),
)
def test_sloppy_phrase_agrees_with_trying_every_combination(positions: list[list[int]], slop: int) -> None:
    assert sloppy_match(positions, slop) is _sloppy_by_search(positions, slop)


def test_sloppy_phrase_of_a_repeated_word_is_polynomial() -> None:
    # Forty places of one word over thirty-nine positions: no assignment exists, and trying every combination
    # would take 39! steps; the matching answers at once.
    word = list(range(39))
    assert sloppy_match([word] * 40, 1_000) is False
    assert sloppy_match([word] * 39, 1_000) is True
