"""Whole columns read as one block hold exactly what Whoosh's value-by-value readers give."""

from __future__ import annotations

import math
from array import array
from pathlib import Path
from typing import Any

from whoosh import index

from emulator.search.build import build_index
from emulator.search.schema import INDEX_NAME
from emulator.search.tree import Document, FieldValues
from emulator.search.whoosh_internals.columns import read_column
from emulator.util.progress import Progress


def _same(left: Any, right: Any) -> bool:
    return left == right or (isinstance(left, float) and math.isnan(left) and math.isnan(right))


def test_number_text_and_id_columns_match_whoosh(tmp_path: Path) -> None:
    docs = [
        Document(
            i,
            {
                "n": FieldValues(number=float(i) / 3 if i % 4 else None),  # missing values, also at the end
                "t": FieldValues(texts=(f"Text {i}",) if i % 5 else ("",)),  # empty sort keys between values
                "late": FieldValues(number=1.5) if i < 50 else FieldValues(),  # no values after document 49
            },
        )
        for i in range(1, 301)
    ]
    path = tmp_path / "index"
    path.mkdir()
    build_index(path, docs, len(docs), Progress())
    reader = index.open_dir(str(path), indexname=INDEX_NAME).reader()
    try:
        for name in ("aid", "n_n", "s_t", "n_late"):
            expected = list(reader.column_reader(name))
            found = read_column(reader, name)
            assert len(found) == len(expected) == 300
            assert all(_same(a, b) for a, b in zip(found, expected, strict=True)), name
        assert isinstance(read_column(reader, "n_n"), array)
        assert read_column(reader, "n_nothing") == []
    finally:
        reader.close()
