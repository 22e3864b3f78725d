"""A column written whole holds the bytes Whoosh's column writer writes value by value: gaps, trailing missing
values, a default written as a value, long values and, past 2**15 documents, the offsets Whoosh adds."""

from __future__ import annotations

import math
from io import BytesIO
from typing import Any

import pytest
from whoosh import columns
from whoosh.filedb.structfile import StructFile

from emulator.search.whoosh_internals import column_writer


class _PerDoc:
    """The two calls `write_column` makes of Whoosh's per-document writer, over one in-memory file."""

    def __init__(self) -> None:
        self.file = StructFile(BytesIO())
        self.writer: Any = None

    def _create_column(self, _name: str, column: Any) -> None:
        self.writer = column.writer(self.file)

    def _get_column(self, _name: str) -> Any:
        return self.writer


def _finished(perdoc: _PerDoc, count: int) -> bytes:
    perdoc.writer.finish(count)
    return bytes(perdoc.file.file.getvalue())


def _by_whoosh(column: Any, values: dict[int, Any], count: int) -> bytes:
    perdoc = _PerDoc()
    perdoc._create_column("c", column)
    for docnum in sorted(values):
        perdoc.writer.add(docnum, values[docnum])
    return _finished(perdoc, count)


def _whole(column: Any, values: dict[int, Any], count: int, missing: Any) -> bytes:
    perdoc = _PerDoc()
    padded = [values.get(docnum, missing) for docnum in range(count)]
    written = max((d + 1 for d, v in values.items() if column_writer.counts(column, v)), default=0)
    column_writer.write_column(perdoc, "c", column, padded, written)
    return _finished(perdoc, count)


@pytest.mark.parametrize("count", [0, 1, 7, 40_000])
def test_byte_strings(count: int) -> None:
    values = {d: (b"x" * (d % 300)) + str(d).encode() for d in range(0, count - 3, 3)}  # gaps, none at the end
    column = columns.VarBytesColumn()
    assert _whole(column, values, count, b"") == _by_whoosh(column, values, count)


@pytest.mark.parametrize("count", [0, 1, 7, 40_000])
def test_numbers(count: int) -> None:
    values = {d: float(d) if d % 5 else math.nan for d in range(1, count - 2, 2)}  # NaN as a value, then a gap
    column = columns.NumericColumn("d", default=math.nan)
    assert _whole(column, values, count, math.nan) == _by_whoosh(column, values, count)


def test_ids_with_a_trailing_default() -> None:
    values = {0: 5, 1: 0, 3: 9, 4: 0}  # 0 is the default: Whoosh writes neither it nor what follows the last 9
    column = columns.NumericColumn("q")
    assert _whole(column, values, 6, 0) == _by_whoosh(column, values, 6)
