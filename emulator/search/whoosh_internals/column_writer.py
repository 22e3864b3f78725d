"""Whole columns written at once, as Whoosh's column writers would write them value by value.

A bulk build (`emulator.search.whoosh_internals.bulk`) keeps every sort, number and id column value of its segment
anyway (for the stored orders). Handing them to Whoosh one document at a time cost about a tenth of a build: a call,
a gap check and two growable-array appends per value. Here each column's file is written in one go from those
values: the bytes are Whoosh's (`tests/search/test_bulk.py` compares the segments file for file):
- a `NumericColumn`: each value packed big-endian up to the last one Whoosh's writer counts (it skips values equal
  to the column's default, and the reader fills in the documents after the last), missing ones as the default's
  bytes;
- a `VarBytesColumn`: the values one after another; its length and offset arrays in the smallest type that holds
  their largest number, as Whoosh's `GrowableArray` grows them; `finish` (at the writer's close) adds the rest.
Other column kinds are not written here (`BULK_KINDS`).
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from whoosh import columns

BULK_KINDS = (columns.NumericColumn, columns.VarBytesColumn)


def write_column(perdoc: Any, name: str, column: Any, values: Sequence[Any], written: int) -> None:
    """Create column `name` in Whoosh's per-document writer `perdoc` and write `values` (one per document of the
    segment, missing ones as `missing_value`) as if they had been added document by document. `written`: the
    documents up to the last value Whoosh's writer would have counted (`counts`)."""
    perdoc._create_column(name, column)
    writer = perdoc._get_column(name)
    if isinstance(column, columns.NumericColumn):
        _numbers(writer, column, values[:written])
    else:
        _byte_strings(writer, values, len(values))


def counts(column: Any, value: Any) -> bool:
    """Whether Whoosh's writer counts `value` as written (a number column skips its default; NaN is never equal)."""
    return not isinstance(column, columns.NumericColumn) or bool(value != column._default)


def _numbers(writer: Any, column: Any, values: Sequence[Any]) -> None:
    if struct.calcsize(column._typecode) != array(column._typecode).itemsize:  # not the platform's width: per value
        for docnum, value in enumerate(values):
            writer.add(docnum, value)
        return
    block = array(column._typecode, values)
    if sys.byteorder == "little":
        block.byteswap()
    writer._dbfile.write(block.tobytes())
    writer._count = len(values)


def _byte_strings(writer: Any, values: Sequence[bytes], count: int) -> None:
    lengths = [len(value) for value in values]
    offsets = list(accumulate(lengths, initial=0))
    total = offsets.pop()
    writer._dbfile.write(b"".join(values))
    writer._lengths.array = array(_grown_type(max(lengths, default=0)), lengths)
    writer._offsets.array = array(_grown_type(max(offsets, default=0)), offsets)
    writer._offset_base = total
    writer._count = count


def _grown_type(largest: int) -> str:
    """The type code `whoosh.util.numlists.GrowableArray` ends with (from `B`, retyped on its first overflow)."""
    if largest < 2**8:
        return "B"
    if largest < 2**16:
        return "H"
    if largest < 2**31:
        return "i"
    return "I"
