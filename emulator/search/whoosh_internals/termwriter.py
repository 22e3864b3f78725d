"""One term written straight into the emulator codec's files: what `start_term`, `add` and `finish_term` do.

Whoosh's field writer takes a term through about fifteen method calls (postings writer, block, term info, hash
table) before its few bytes are on disk; at 100k assets that was most of writing the segment, some 30 µs a term for
1.8 million terms. `TermWriter` does the same work in one function: each block of up to `blocklimit` postings
into the postings file, with W3's block header and its data as `packed.pack` writes it (or pickled as
`W3PostingsWriter._write_block` pickles it, for a codec of the first version: W3's bytes, which
`tests/search/test_bulk.py` compares with Whoosh's own writer's), the term's row added to the terms table
(`termtable`, `terminfo`). It relies on the pinned whoosh3's formats, as `emulator.search.whoosh_internals.bulk`
does.

Inlined postings (`inline`: terms of at most that many documents; most terms of a build are in one document only):
such a term gets no block in the postings file, its postings are in its term info instead (`terminfo`), which the
codec's reader gives as W3's inlined term info and `W3Codec.postings_reader` serves through a `ListMatcher`
(weights None when all are 1.0, which `ListMatcher` reads as 1.0; values empty bytes for formats without values, as
a merge wants bytes). A block term costs about 50 to 110 bytes of postings file; an inlined term of one document 3
to 8 bytes of term info. Both the bulk writer and Whoosh's own writer (the flush thread's) write every term here,
through the codec's field writer.
"""

from __future__ import annotations

import zlib
from array import array
from itertools import chain
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_int

from emulator.search.whoosh_internals.packed import pack
from emulator.search.whoosh_internals.terminfo import encode_block, encode_inlined
from emulator.search.whoosh_internals.termtable import TableWriter


class TermWriter:
    """Writes the terms of one field, in order: postings blocks into the postings file (`postfile`, written through
    its buffered file object, the offsets counted rather than asked for: a `StructFile` subclass, a checksumming
    one, would not be bypassed, so it refuses), rows into the terms table."""

    def __init__(self, postfile: Any, table: TableWriter, fmt: Any, options: tuple[int, int, int, bool]) -> None:
        if type(postfile) is not StructFile:
            raise TypeError("the term writer knows plain postings files only")
        self.postfile = postfile
        self.table = table
        self.post_write = postfile.file.write
        self.post_at = postfile.tell()
        self.limit, self.compression, self.inline, packed = options  # block limit, zlib level, inlined up to this
        self.block_data = pack if packed else _pickled  # many, blocks as arrays (`packed`) or W3's pickles
        self.fixed = fmt.fixed_value_size()

    def write(
        self, term: str | bytes, docs: array[int], weights: list[float] | None, values: list[bytes] | None
    ) -> None:
        """One term (text, or its bytes as Whoosh's writer gives them: a numeric field's are not UTF-8): its document
        numbers ascending, weights (None: all 1.0) and encoded values (None: none)."""
        key = term if isinstance(term, bytes) else term.encode("utf-8")
        if len(docs) <= self.inline:
            if weights is not None and all(weight == 1.0 for weight in weights):
                weights = None
            self.table.add(key, encode_inlined(docs, weights, values if self.fixed != 0 else None))
            return
        write, start = self.post_write, self.post_at
        written = write(WHOOSH3_HEADER_MAGIC)
        limit, total, heaviest, count = self.limit, 0.0, 0.0, len(docs)
        for first in range(0, count, limit):
            ids = docs[first : first + limit]
            chunk = None if weights is None else array("f", weights[first : first + limit])
            block_sum, block_max, mini_weights = _weights(chunk, len(ids))
            total += block_sum
            heaviest = max(heaviest, block_max)
            deltas = (ids[0],) if len(ids) == 1 else tuple(map(sub, ids, chain((0,), ids)))
            data = self.block_data(deltas, mini_weights, self._values(values, first))
            level = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if level:
                data = zlib.compress(data, level)
            info = dumps((len(ids), ids[-1], block_max, level, 0, 0), 2)  # lengths: none (unscored fields)
            size = len(info) + len(data)
            written += write(pack_int(-size if first + limit >= count else size)) + write(info) + write(data)
        self.post_at = start + written
        self.table.add(key, encode_block(count, total, heaviest, (docs[0], docs[-1]), (start, written)))

    def _values(self, values: list[bytes] | None, first: int) -> Any:
        """`W3PostingsWriter._mini_values`: none for formats without values, else the block's values."""
        if self.fixed == 0:
            return None
        chunk = values[first : first + self.limit] if values is not None else []
        if self.fixed is None or self.fixed < 0:
            return tuple(chunk)
        return b"".join(chunk)


def _pickled(gaps: Any, weights: Any, values: Any) -> bytes:
    return dumps((gaps, weights, values), 2)


def _weights(chunk: array[float] | None, size: int) -> tuple[float, float, Any]:
    """A block's weight sum, its largest weight and `_mini_weights`: None when all are 1.0, one value when all are
    equal, else all of them."""
    if chunk is None:
        return float(size), 1.0, None
    heaviest = max(chunk)
    if all(weight == 1.0 for weight in chunk):
        return sum(chunk), heaviest, None
    if all(weight == chunk[0] for weight in chunk):
        return sum(chunk), heaviest, chunk[0]
    return sum(chunk), heaviest, tuple(chunk)
