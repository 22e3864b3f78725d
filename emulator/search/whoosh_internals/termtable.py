"""The terms file of `emulator.search.whoosh_internals.codec`: every term's key and compact term info, found by a
hash table of 5-byte slots or, in order, through a sparse index.

W3 keeps its terms in an `OrderedHashWriter` file: per term an 8-byte row header, a 2-byte field number before
the key, 24 bytes of hash slots and a 4-byte index entry, beside its 23-byte term info (`termwriter` measured: ~60
bytes a term besides its text and postings). Here:

    magic | rows | slots | sparse index | footer (JSON) | footer offset (uint64) | magic

Rows are grouped by field (fields in the order written, terms ascending in each), each `varint(len(term))
varint(len(info)) term info`. A slot is a tag byte and the offset of a row (uint32; 0: free), the table sized to
three quarters full and probed linearly from `crc32(term, field's seed) % slots`; the tag (other bits of the same
hash) spares reading rows of other keys. The sparse index holds the offset of every `SPARSE`th row of each field,
for a binary search to the first term at or after a key (prefixes, ranges, cursors). Rows are read with `os.pread`
(one call, no buffer filled around it) where the file has a descriptor and the system `pread`.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.reading import CorruptIndexError

from emulator.search.whoosh_internals.terminfo import read_varint, varint

MAGIC = b"EmT1"
SPARSE = 16  # every this many rows of a field, one sparse index entry
_SLOT = struct.Struct("!BI")
_TRAILER = struct.Struct("!Q4s")
_PROBE = 8  # slots read at once
_CHUNK = 1 << 16  # bytes read at once when iterating rows


def field_seed(number: int) -> int:
    """The hash seed of field `number`: a term's hash is `zlib.crc32(term, seed)`."""
    return zlib.crc32(number.to_bytes(2, "big"))


def tag_of(hashed: int) -> int:
    return ((hashed * 0x9E3779B1) & 0xFFFFFFFF) >> 24


class TableWriter:
    """Writes the terms file: `start_field`, `add` terms ascending, `finish_field`, ..., `close`."""

    def __init__(self, dbfile: Any) -> None:
        self.dbfile = dbfile
        self.write = dbfile.write
        self.at: int = self.write(MAGIC)
        self.fields: dict[str, list[int]] = {}  # name -> [number, start, end, first sparse entry, rows]
        self.sparse = array("I")
        self.hashes = array("I")
        self.offsets = array("I")
        self._field: list[int] | None = None
        self._seed = 0
        self._last = b""

    def start_field(self, name: str) -> None:
        entry = self.fields.get(name)
        if entry is not None:
            raise ValueError(f"field {name!r} written twice")
        entry = self.fields[name] = [len(self.fields), self.at, self.at, len(self.sparse), 0]
        self._field, self._seed, self._last = entry, field_seed(entry[0]), b""

    def add(self, term: bytes, info: bytes) -> None:
        entry = self._field
        if entry is None:
            raise ValueError("a term before its field")
        if entry[4] and term <= self._last:
            raise ValueError(f"Keys must increase: {self._last!r}..{term!r}")
        at = self.at
        if at >= 0xFFFFFFFF:
            raise ValueError("the terms file has outgrown 4 GB")
        if not entry[4] % SPARSE:
            self.sparse.append(at)
        entry[4] += 1
        self.hashes.append(zlib.crc32(term, self._seed))
        self.offsets.append(at)
        self.at = at + self.write(varint(len(term)) + varint(len(info)) + term + info)
        self._last = term

    def finish_field(self) -> None:
        if self._field is not None:
            self._field[2] = self.at
        self._field = None

    def close(self) -> int:
        """Slots, sparse index and footer after the rows; the file closed; its length."""
        self.finish_field()
        slots_at, count = self.at, len(self.offsets) + len(self.offsets) // 3 + 1
        self.write(_slots(self.hashes, self.offsets, count))
        sparse_at = slots_at + count * _SLOT.size
        self.write(_big_endian(self.sparse))
        footer_at = sparse_at + 4 * len(self.sparse)
        footer = {"fields": self.fields, "slots": [slots_at, count], "sparse": sparse_at}
        encoded = json.dumps(footer, separators=(",", ":")).encode()
        self.write(encoded + _TRAILER.pack(footer_at, MAGIC))
        self.dbfile.close()
        return footer_at + len(encoded) + _TRAILER.size


def _big_endian(numbers: array[int]) -> bytes:
    if numbers.itemsize != 4:
        raise TypeError("array('I') is not 4 bytes here")
    if sys.byteorder == "little":
        numbers = array("I", numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _slots(hashes: array[int], offsets: array[int], count: int) -> bytes:
    """The hash table: each row at its hash's slot or the next free one after it."""
    places = [0] * count
    tags = bytearray(count)
    for hashed, offset in zip(hashes, offsets, strict=True):
        slot = hashed % count
        while places[slot]:
            slot = slot + 1 if slot + 1 < count else 0
        places[slot], tags[slot] = offset, tag_of(hashed)
    out = bytearray(count * _SLOT.size)
    pack = _SLOT.pack_into
    for slot, offset in enumerate(places):
        if offset:
            pack(out, slot * 5, tags[slot], offset)
    return bytes(out)


def _descriptor(dbfile: Any) -> int | None:
    """The file's descriptor, for `os.pread`; None for a file in memory or where there is no `pread` (Windows):
    then Whoosh's `get` (a seek and a read)."""
    if not hasattr(os, "pread"):
        return None
    try:
        return int(dbfile.fileno()) if getattr(dbfile, "is_real", False) else None
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None


class TableReader:
    """Reads a terms file written by `TableWriter` (`dbfile`: a Whoosh `StructFile`, `length` its size)."""

    def __init__(self, dbfile: Any, length: int) -> None:
        self.dbfile = dbfile
        self._fd = _descriptor(dbfile)
        footer_at, magic = _TRAILER.unpack(self.get(length - _TRAILER.size, _TRAILER.size))
        if magic != MAGIC or self.get(0, 4) != MAGIC:
            raise ValueError("not an emulator terms file")
        footer = json.loads(self.get(footer_at, length - _TRAILER.size - footer_at))
        self.fields: dict[str, list[int]] = footer["fields"]
        self.by_number = sorted(self.fields.items(), key=lambda item: item[1][0])
        self.seeds = {name: field_seed(entry[0]) for name, entry in self.fields.items()}
        self.slots_at, self.slot_count = footer["slots"]
        self.sparse_at = footer["sparse"]
        self._sparse: dict[str, array[int]] = {}

    def get(self, at: int, size: int) -> bytes:
        if self._fd is not None:
            return os.pread(self._fd, size, at)
        return bytes(self.dbfile.get(at, size))

    def find(self, field: str, term: bytes) -> bytes | None:
        """The term info of `term` in `field`, or None."""
        entry = self.fields.get(field)
        if entry is None:
            return None
        hashed = zlib.crc32(term, self.seeds[field])
        tag, count, base = tag_of(hashed), self.slot_count, self.slots_at
        slot, start, end = hashed % count, entry[1], entry[2]
        examined = 0
        while examined < count:  # a full table (never written) would hold no free slot to stop at
            run = min(_PROBE, count - slot)
            examined += run
            chunk = self.get(base + slot * 5, run * 5)
            for at in range(0, run * 5, 5):
                found, offset = _SLOT.unpack_from(chunk, at)
                if not offset:
                    return None
                if found == tag and start <= offset < end:
                    info = self._info_if(offset, term)
                    if info is not None:
                        return info
            slot = slot + run if slot + run < count else 0
        return None

    def _info_if(self, offset: int, term: bytes) -> bytes | None:
        data = self.get(offset, len(term) + 48)
        size, at = read_varint(data, 0)
        if size != len(term):
            return None
        info_size, at = read_varint(data, at)
        if data[at : at + size] != term:
            return None
        at += size
        if at + info_size > len(data):
            return self.get(offset + at, info_size)
        return data[at : at + info_size]

    def sparse(self, field: str) -> array[int]:
        found = self._sparse.get(field)
        if found is None:
            entry = self.fields[field]
            count = (entry[4] + SPARSE - 1) // SPARSE
            found = array("I", self.get(self.sparse_at + 4 * entry[3], 4 * count))
            if sys.byteorder == "little":
                found.byteswap()
            self._sparse[field] = found
        return found

    def seek(self, field: str, term: bytes) -> int:
        """The offset of the first row of `field` at or after `term` (the field's end when there is none)."""
        entry = self.fields[field]
        sparse = self.sparse(field)
        low, high = 0, len(sparse)
        while low < high:  # the last sparse row at or before `term`
            middle = (low + high) // 2
            if self._key_at(sparse[middle]) <= term:
                low = middle + 1
            else:
                high = middle
        start = sparse[low - 1] if low else entry[1]
        for offset, key, _info in self.rows(field, start):
            if key >= term:
                return offset
        return entry[2]

    def _key_at(self, offset: int) -> bytes:
        data = self.get(offset, 64)
        size, at = read_varint(data, 0)
        _info, at = read_varint(data, at)
        return data[at : at + size] if at + size <= len(data) else self.get(offset + at, size)

    def rows(self, field: str, start: int | None = None) -> Iterator[tuple[int, bytes, bytes]]:
        """(offset, term, term info) of each row of `field` from `start` (its first row: None)."""
        entry = self.fields[field]
        at, end = (entry[1] if start is None else start), entry[2]
        data, base = b"", at  # `data` holds the file from `base`
        while at < end:
            local = at - base
            if local + 10 > len(data) and base + len(data) < end:
                data, base, local = self.get(at, min(_CHUNK, end - at)), at, 0
            size, inside = read_varint(data, local)
            info_size, inside = read_varint(data, inside)
            if base + inside + size + info_size > end:  # a damaged length: re-reading would never get the row
                raise CorruptIndexError(f"damaged terms file: the row at {at} runs past its field's end {end}")
            if inside + size + info_size > len(data):
                data, base = self.get(at, max(_CHUNK, inside - local + size + info_size)), at
                continue
            key = data[inside : inside + size]
            yield at, key, data[inside + size : inside + size + info_size]
            at = base + inside + size + info_size

    def close(self) -> None:
        self.dbfile.close()
