"""Sort orders: every document of a segment in the order of one sort column, ties by asset id.

The segment caches compute an order when a search first sorts by a column (about 35 ms for the 100k numbers of one
column, 50 ms for its texts). A bulk build writes the ascending order of every sort and number column beside its
segment instead (`<segment>.ord.<column>.asc`, one int32 per document): a first sort then reads 400 KB. The
descending order is the ascending one reversed, but for ties, which keep asset id order both ways: the build
stores where the runs of equal values are (`<segment>.ord.<column>.ties`, a start and a length per run longer
than one, in ascending order) and the reader turns those runs back (slices: ~1 ms at 100k when few values tie).
Indexes built before keep their `.desc` files, which are read as they are. Both sides use the functions here, so a
stored order is exactly the one that would be computed. Only a segment written whole has them; flushed and merged
segments (new ids) compute theirs.
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


def ties(keys: list[Any], ascending: array[int]) -> array[int]:
    """Each run of equal keys in `ascending` longer than one: its start and its length."""
    out = array("i")
    start, count = 0, len(ascending)
    for index in range(1, count + 1):
        if index == count or keys[ascending[index]] != keys[ascending[start]]:
            if index - start > 1:
                out.extend((start, index - start))
            start = index
    return out


def descending_order(ascending: array[int], runs: array[int]) -> array[int]:
    """The descending order from the ascending one and its `ties`: reversed, each run of ties back in id order."""
    out = ascending[::-1]
    count = len(ascending)
    for index in range(0, len(runs), 2):
        start, length = runs[index], runs[index + 1]
        out[count - start - length : count - start] = ascending[start : start + length]
    return out


def filename(segment_id: str, column: str, kind: str) -> str:
    """`kind`: `asc`, `ties` (or `desc`, written before ties were)."""
    return f"{segment_id}{ORDER_EXT}.{column}.{kind}"


def write(folder: Path, segment_id: str, column: str, keys: list[Any], in_id_order: list[int]) -> None:
    """Store a column's ascending order and its ties beside its segment (little-endian int32)."""
    ascending = ordered(keys, in_id_order, descending=False)
    for kind, data in (("asc", ascending), ("ties", ties(keys, ascending))):
        (folder / filename(segment_id, column, kind)).write_bytes(_little(data).tobytes())


def read(folder: Path, segment_id: str, column: str, descending: bool, size: int) -> array[int] | None:
    """A stored order of `size` documents, or None when the segment has none for this column."""
    if descending:
        found = _read(folder / filename(segment_id, column, "desc"))  # an index built before ties were
        if found is None:
            ascending, runs = (_read(folder / filename(segment_id, column, kind)) for kind in ("asc", "ties"))
            if ascending is None or runs is None:
                return None
            found = descending_order(ascending, runs)
    else:
        found = _read(folder / filename(segment_id, column, "asc"))
    return found if found is not None and len(found) == size else None


def _read(path: Path) -> array[int] | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return _little(array("i", data))


def _little(data: array[int]) -> array[int]:
    """`data` in little-endian order (a copy on a big-endian machine; swapping twice gives it back)."""
    if sys.byteorder == "little":
        return data
    copy = array("i", data)
    copy.byteswap()
    return copy
