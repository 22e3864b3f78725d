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


def test_orders_are_16_bit_numbers_up_to_65535_documents_and_32_bit_ones_past_them(tmp_path: Path) -> None:
    for count, width in ((65_535, 2), (65_536, 4)):
        keys: list[Any] = [float(doc % 7) for doc in range(count)]
        orders.write(tmp_path, f"seg{count}", {"n_x": keys}, list(range(count)))
        size = (tmp_path / f"seg{count}.ord").stat().st_size
        assert width * count < size < width * count + 200  # the order, seven runs of ties, the table

        for descending in (False, True):
            found = orders.read(tmp_path, f"seg{count}", "n_x", descending, count)
            assert list(found or []) == list(orders.ordered(keys, list(range(count)), descending))


def test_a_column_whose_every_value_ties_is_stored_at_the_16_bit_limit_and_past_it(tmp_path: Path) -> None:
    # its one run of ties is as long as the segment: 65,536 documents make a length 16 bits cannot hold
    for count in (65_535, 65_536):
        keys: list[Any] = [b""] * count
        orders.write(tmp_path, f"seg{count}", {"s_x": keys}, list(range(count)))

        for descending in (False, True):
            found = orders.read(tmp_path, f"seg{count}", "s_x", descending, count)
            assert list(found or []) == list(range(count))


def test_an_index_of_32_bit_packed_orders_keeps_reading_them(tmp_path: Path) -> None:
    table = b'{"n_x":[0,3,3,2]}'
    ints = array("i", [1, 2, 0, 0, 2])  # ascending [1, 2, 0]; documents 1 and 2 tie
    (tmp_path / "seg.ord").write_bytes(b"ORD1" + len(table).to_bytes(4, "little") + table + ints.tobytes())

    assert list(orders.read(tmp_path, "seg", "n_x", False, 3) or []) == [1, 2, 0]
    assert list(orders.read(tmp_path, "seg", "n_x", True, 3) or []) == [0, 1, 2]
