"""Sort orders: every document of a segment in the order of one sort column, ties by asset id.

The segment caches compute an order when a search first sorts by a column (about 35 ms for the 100k numbers of one
column, 50 ms for its texts). A bulk build writes the order of every sort and number column, ascending and
descending, beside its segment instead (`<segment>.ord.<column>.<asc|desc>`, one int32 per document): a first sort
then reads 400 KB. Both sides use the functions here, so a stored order is exactly the one that would be computed.
Only a segment written whole has them; flushed and merged segments (new ids) compute theirs.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ORDER_EXT = ".ord"


def number_keys(numbers: Sequence[float]) -> list[float]:
    """Sort keys of a number column: missing values (NaN) first ascending, as `reference.number_key`."""
    isnan = math.isnan
    return [-math.inf if isnan(number) else number for number in numbers]


def text_keys(texts: Sequence[bytes | None]) -> list[bytes]:
    """Sort keys of a text sort column: its bytes, b'' when missing."""
    return [text or b"" for text in texts]


def keys_for(column: str, values: Sequence[Any]) -> list[Any]:
    """The sort keys of a column by its name: `n_` numbers, `s_` texts."""
    return number_keys(values) if column.startswith("n_") else text_keys(values)


def by_id(ids: Sequence[int]) -> list[int]:
    """Document numbers in asset id order (a bulk build writes them so: then no sort at all)."""
    if all(ids[i] < ids[i + 1] for i in range(len(ids) - 1)):
        return list(range(len(ids)))
    return sorted(range(len(ids)), key=ids.__getitem__)


def ordered(keys: list[Any], in_id_order: list[int], descending: bool) -> array[int]:
    """Documents sorted by `keys` (stable, so ties keep asset id order in both directions)."""
    docs = list(in_id_order)
    docs.sort(key=keys.__getitem__, reverse=descending)
    return array("i", docs)


def filename(segment_id: str, column: str, descending: bool) -> str:
    return f"{segment_id}{ORDER_EXT}.{column}.{'desc' if descending else 'asc'}"


def write(folder: Path, segment_id: str, column: str, descending: bool, order: array[int]) -> None:
    """Store an order beside its segment (little-endian int32)."""
    data = order if sys.byteorder == "little" else _swapped(order)
    (folder / filename(segment_id, column, descending)).write_bytes(data.tobytes())


def read(folder: Path, segment_id: str, column: str, descending: bool, size: int) -> array[int] | None:
    """A stored order of `size` documents, or None when the segment has none for this column."""
    try:
        data = (folder / filename(segment_id, column, descending)).read_bytes()
    except FileNotFoundError:
        return None
    found = array("i", data)
    if sys.byteorder != "little":
        found.byteswap()
    return found if len(found) == size else None


def _swapped(order: array[int]) -> array[int]:
    copy = array("i", order)
    copy.byteswap()
    return copy
