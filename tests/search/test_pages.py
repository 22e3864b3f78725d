"""A page of merged sorted sources, found by bisection, is the page of everything sorted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.search.pages import page


@given(st.lists(st.sets(st.integers(0, 60)), max_size=4), st.integers(0, 70), st.integers(0, 30))
def test_a_page_of_the_merge_is_that_page_of_all_items_sorted(sets: list[set[int]], start: int, size: int) -> None:
    seen: set[int] = set()
    sources = []
    for found in sets:  # no item in two sources, as asset ids
        sources.append(sorted(found - seen))
        seen |= found
    assert page(sources, start, start + size) == sorted(seen)[start : start + size]
