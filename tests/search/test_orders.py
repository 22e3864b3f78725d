"""Stored sort orders: the descending order rebuilt from the ascending one and its ties is the computed one."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from emulator.search import orders


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=60))
def test_the_descending_order_is_the_ascending_one_reversed_but_for_its_ties(values: list[int]) -> None:
    keys: list[float] = [float(value) for value in values]
    in_id_order = list(range(len(keys)))[::-1]  # documents not in asset id order
    ascending = orders.ordered(keys, in_id_order, descending=False)

    rebuilt = orders.descending_order(ascending, orders.ties(keys, ascending))

    assert list(rebuilt) == list(orders.ordered(keys, in_id_order, descending=True))


def test_a_segment_stores_every_columns_ascending_order_and_ties_in_one_file_read_both_ways(tmp_path: Path) -> None:
    columns: dict[str, list[Any]] = {"n_x": [3.0, 1.0, 3.0, 2.0, 1.0], "s_y": [b"b", b"a", b"c", b"", b"a"]}
    orders.write(tmp_path, "seg", columns, [0, 1, 2, 3, 4])

    assert [p.name for p in tmp_path.iterdir()] == ["seg.ord"]
    assert list(orders.read(tmp_path, "seg", "n_x", False, 5) or []) == [1, 4, 3, 0, 2]
    assert list(orders.read(tmp_path, "seg", "n_x", True, 5) or []) == [0, 2, 3, 1, 4]
    assert list(orders.read(tmp_path, "seg", "s_y", False, 5) or []) == [3, 1, 4, 0, 2]
    assert list(orders.read(tmp_path, "seg", "s_y", True, 5) or []) == [2, 0, 1, 4, 3]
    assert orders.read(tmp_path, "seg", "n_x", True, 6) is None  # another segment size: not this order
    assert orders.read(tmp_path, "seg", "n_z", True, 5) is None
    assert orders.read(tmp_path, "other", "n_x", True, 5) is None


def test_an_index_built_before_orders_were_packed_keeps_reading_its_files(tmp_path: Path) -> None:
    (tmp_path / "seg.ord.n_x.asc").write_bytes(array("i", [1, 2, 0]).tobytes())
    (tmp_path / "seg.ord.n_x.desc").write_bytes(array("i", [2, 0, 1]).tobytes())

    assert list(orders.read(tmp_path, "seg", "n_x", False, 3) or []) == [1, 2, 0]
    assert list(orders.read(tmp_path, "seg", "n_x", True, 3) or []) == [2, 0, 1]
