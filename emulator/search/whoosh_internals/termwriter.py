"""One term's postings written straight into the W3 codec's files: what `start_term`, `add` and `finish_term` do.

Whoosh's field writer takes a term through about fifteen method calls (postings writer, block, term info, hash
table) before its few bytes are on disk; at 100k assets that was most of writing the segment, some 30 µs a term for
1.8 million terms. `TermWriter` does the same work in one function: each block of up to `blocklimit` postings
pickled as `W3PostingsWriter._write_block` pickles it, the term info packed as `W3TermInfo.to_bytes` packs it, the
row added to the terms table. Those bytes are Whoosh's (`tests/search/test_bulk.py` compares whole segments); it
relies on the pinned whoosh3's formats, as `emulator.search.whoosh_internals.bulk` does.

Inlined postings (`inline`: terms of at most that many documents; most terms of a build are in one document only):
such a term gets no block in the postings file, its postings are in its term info instead, where W3's term info
has room for them (its inlined flag, then a pickle of `(ids, weights, values)` that `W3TermInfo.from_bytes` loads
and `W3Codec.postings_reader` serves through a `ListMatcher`). Whoosh's own writer never writes them (its inlining
path calls a method that does not exist), so this is the emulator's format, read by Whoosh's reader: the pickle is
written by hand, without the memo and the protocol header (weights None when all are 1.0, which `ListMatcher`
reads as 1.0; values empty bytes for formats without values, as a merge wants bytes). A block term costs about 50
to 110 bytes of postings file and a 12-byte pointer; an inlined one of one document 15 to 30 bytes.
`tests/search/test_bulk.py` states the contract: every term reads back as from Whoosh's own segment, and Whoosh
merges such a segment with its own.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from functools import partial
from itertools import chain
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_int, pack_long, pack_ushort

_TERM_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo: flags, weight, doc freq, min/max length, max weight, ids
_ROW = struct.Struct("!ii")  # a terms table row: key and value lengths


class TermWriter:
    """Writes the terms of the field the codec's field writer has started, in order.

    Both files are written through their buffered file objects, with the offsets counted rather than asked for;
    a `StructFile` subclass (a checksumming one) or another terms table would not be bypassed: then it refuses."""

    def __init__(self, fieldwriter: Any, inline: int = 0) -> None:
        postwriter = fieldwriter._postwriter
        self.postfile = fieldwriter._postfile
        self.terms = fieldwriter._tindex
        plain = type(self.postfile) is StructFile and type(self.terms.dbfile) is StructFile
        if postwriter._inlinelimit > 1 or postwriter._byteids or type(self.terms) is not OrderedHashWriter or not plain:
            raise TypeError("the term writer knows plain files and block postings by document number only")
        self.post_write = self.postfile.file.write
        self.post_at = self.postfile.tell()
        self.terms_write = self.terms.dbfile.file.write
        self.terms_at = self.terms.dbfile.tell()
        self.key_prefix = pack_ushort(fieldwriter._fieldid)
        self.limit = postwriter._blocklimit
        self.compression = postwriter._compression
        self.fixed = fieldwriter._format.fixed_value_size()
        self.inline = inline
        self.terms._write_hashes = partial(_write_hashes, self.terms)  # at its close: the same bytes, sooner

    def write(self, term: str, docs: array[int], weights: list[float] | None, values: list[bytes] | None) -> None:
        """One term: its document numbers ascending, weights (None: all 1.0) and encoded values (None: none)."""
        if len(docs) <= self.inline:
            self._write_inlined(term, docs, weights, values)
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
            data = dumps((deltas, mini_weights, self._values(values, first)), 2)
            level = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if level:
                data = zlib.compress(data, level)
            info = dumps((len(ids), ids[-1], block_max, level, 0, 0), 2)  # lengths: none (unscored fields)
            size = len(info) + len(data)
            written += write(pack_int(-size if first + limit >= count else size)) + write(info) + write(data)
        self.post_at = start + written
        extent = pack_long(start) + pack_int(written)
        self._add_row(
            self.key_prefix + term.encode("utf-8"),
            _TERM_INFO.pack(False, total, count, 0, 0, heaviest, docs[0], docs[-1]) + extent,
        )

    def _write_inlined(
        self, term: str, docs: array[int], weights: list[float] | None, values: list[bytes] | None
    ) -> None:
        """A term of few documents: its postings in its term info (see the module docstring)."""
        if weights is not None and all(weight == 1.0 for weight in weights):
            weights = None
        total, heaviest = (float(len(docs)), 1.0) if weights is None else (sum(weights), max(weights))
        info = _TERM_INFO.pack(True, total, len(docs), 0, 0, heaviest, docs[0], docs[-1])
        kept = values if values is not None and self.fixed != 0 else [b""] * len(docs)
        self._add_row(self.key_prefix + term.encode("utf-8"), info + _pickled(docs, weights, kept))

    def _add_row(self, key: bytes, value: bytes) -> None:
        """`OrderedHashWriter.add`: keys ascending, each row's position kept for the index and its hash bucket."""
        terms = self.terms
        if key <= terms.lastkey:
            raise ValueError(f"Keys must increase: {terms.lastkey!r}..{key!r}")
        at = self.terms_at
        terms.index.append(at)
        write = self.terms_write
        self.terms_at = at + write(_ROW.pack(len(key), len(value))) + write(key) + write(value)
        hashed = terms.hashfn(key)
        terms.buckets[hashed & 255].append((hashed, at))
        terms.lastkey = key

    def _values(self, values: list[bytes] | None, first: int) -> Any:
        """`W3PostingsWriter._mini_values`: none for formats without values, else the block's values."""
        if self.fixed == 0:
            return None
        chunk = values[first : first + self.limit] if values is not None else []
        if self.fixed is None or self.fixed < 0:
            return tuple(chunk)
        return b"".join(chunk)


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


def _write_hashes(terms: Any) -> None:
    """`HashWriter._write_hashes`: each of the 256 buckets as a hash table of twice its entries, a free slot (0, 0),
    an entry at its hash's slot or the next free one after it; written one bucket at a time, not slot by slot."""
    dbfile = terms.dbfile
    at = dbfile.tell()
    for entries in terms.buckets:
        size = 2 * len(entries)
        terms.directory.append((at, size))
        hashes, places = [0] * size, [0] * size  # no entry is at place 0 (the file's header is)
        for hashed, place in entries:
            slot = (hashed >> 8) % size
            while places[slot]:
                slot = (slot + 1) % size
            hashes[slot], places[slot] = hashed, place
        at += dbfile.write(struct.pack(f"!{'Iq' * size}", *chain.from_iterable(zip(hashes, places, strict=True))))


_INT = struct.Struct("<i")
_FLOAT = struct.Struct(">d")
_SIZE = struct.Struct("<I")


def _pickled(ids: array[int], weights: list[float] | None, values: list[bytes]) -> bytes:
    """`pickle.dumps((tuple(ids), weights and tuple(weights), tuple(values)))` loads the same, in fewer bytes: MARK
    ... TUPLE for each tuple, BININT ids, BINFLOAT weights (or NONE), SHORT_BINBYTES (or BINBYTES) values, TUPLE3,
    STOP."""
    out = [b"("]
    out += [b"J" + _INT.pack(doc) for doc in ids]
    out.append(b"t")
    if weights is None:
        out.append(b"N")
    else:
        out += [b"(", *(b"G" + _FLOAT.pack(weight) for weight in weights), b"t"]
    out.append(b"(")
    for value in values:
        out.append((b"C" + bytes((len(value),)) if len(value) < 256 else b"B" + _SIZE.pack(len(value))) + value)
    out.append(b"t")
    out.append(b"\x87.")
    return b"".join(out)
