"""Sort orders: every document of a segment in the order of one sort column, ties by asset id.

The segment caches compute an order when a search first sorts by a column (about 35 ms for the 100k numbers of one
column, 50 ms for its texts). A bulk build stores the ascending order of every sort and number column beside its
segment instead: a first sort then reads 400 KB. The descending order is the ascending one reversed, but for ties,
which keep asset id order both ways: the build stores where the runs of equal values are (a start and a length per
run longer than one, in ascending order) and the reader turns those runs back (slices: ~1 ms at 100k when few
values tie). All columns of a segment are in one file, `<segment>.ord` (a namespace copies an index file by file:
two files per column were two thirds of them): `ORD2`, the length of a JSON table of contents (the arrays' type
code, then column -> offset and length of its order, then of its ties, in items), the table, then the little-endian
arrays: unsigned 16-bit numbers when the segment has at most 65,535 documents (every segment of a 100k build of two
writers: half the bytes of 32-bit ones, and read as they are; a run of ties can be as long as the segment), else
signed 32-bit ones. Indexes built before keep
`ORD1` files (32-bit, no type code) or a file per column and direction (`<segment>.ord.<column>.<asc|desc>`),
which are read as they are. Both sides use the functions here, so a stored order is exactly the one that would be
computed. Only a segment written whole has them; flushed and merged segments (new ids) compute theirs.
"""

from __future__ import annotations

import json
import math
import operator
import struct
import sys
from array import array
from collections.abc import Sequence
from itertools import islice
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
    if all(map(operator.lt, ids, islice(ids, 1, None))):  # compared in C: a namespace's first search asks
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


_MAGIC, _MAGIC_32 = b"ORD2", b"ORD1"
_HEADER = struct.Struct("<4sI")  # magic, length of the table of contents
_SHORT_UP_TO = (1 << 16) - 1  # documents a segment may have for its orders (and their runs' lengths) in 16 bits
_TYPE = "_type"  # the table's entry for the type code of its arrays


def write(folder: Path, segment_id: str, columns: dict[str, list[Any]], in_id_order: list[int]) -> None:
    """Store the ascending order and the ties of every column (its sort keys by document) in the segment's file."""
    code = "H" if len(in_id_order) <= _SHORT_UP_TO else "i"
    arrays: list[array[int]] = []
    table: dict[str, Any] = {_TYPE: code}
    at = 0
    for column, keys in sorted(columns.items()):
        ascending = ordered(keys, in_id_order, descending=False)
        runs = ties(keys, ascending)
        table[column] = [at, len(ascending), at + len(ascending), len(runs)]
        at += len(ascending) + len(runs)
        arrays += [ascending, runs]
    contents = json.dumps(table, separators=(",", ":")).encode()
    packed = (_little(array(code, a) if code != "i" else a).tobytes() for a in arrays)
    data = b"".join([_HEADER.pack(_MAGIC, len(contents)), contents, *packed])
    (folder / f"{segment_id}{ORDER_EXT}").write_bytes(data)


def read(folder: Path, segment_id: str, column: str, descending: bool, size: int) -> array[int] | None:
    """A stored order of `size` documents, or None when the segment has none for this column."""
    found = _read_packed(folder / f"{segment_id}{ORDER_EXT}", column, descending)
    if found is None:  # an index built before orders were packed
        found = _read(folder / f"{segment_id}{ORDER_EXT}.{column}.{'desc' if descending else 'asc'}")
    return found if found is not None and len(found) == size else None


def _read_packed(path: Path, column: str, descending: bool) -> array[int] | None:
    try:
        with path.open("rb") as file:
            magic, length = _HEADER.unpack(file.read(_HEADER.size))
            table = json.loads(file.read(length)) if magic in (_MAGIC, _MAGIC_32) else {}
            place, code = table.get(column), table.get(_TYPE, "i")
            if place is None:
                return None
            start, size = _HEADER.size + length, array(code).itemsize
            ascending = _read_ints(file, start + size * place[0], place[1], code)
            if not descending:
                return ascending
            return descending_order(ascending, _read_ints(file, start + size * place[2], place[3], code))
    except FileNotFoundError:
        return None


def _read_ints(file: Any, offset: int, count: int, code: str) -> array[int]:
    file.seek(offset)
    found = array(code)
    found.frombytes(file.read(found.itemsize * count))
    return _little(found)


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
    copy = array(data.typecode, data)
    copy.byteswap()
    return copy
