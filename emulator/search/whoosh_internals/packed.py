"""Posting blocks without pickle: the block data of the emulator's codec (`codec.CompactCodec`, `packed`).

W3 pickles each block's data, `(document gaps, weights, values)`, with protocol 2: a word's value (its encoded
positions, a few bytes) is one `_codecs.encode` call per posting when unpickled, about 45 of the 90 µs a block of 128
postings took a phrase at 100k assets. Here the same tuple is written as arrays a reader takes in a few C calls:

    a kinds byte: bits 0-1 the gaps' array type, 2-3 the weights kind, 4-5 the values kind |
    a byte: bits 0-1 the values' array type (places or lengths) |
    gaps: one unsigned number per posting | weights: none (all 1.0), one float64, or a float32 per posting |
    values: none (formats without values), the fixed-size values joined, each posting's one position (every value
      `Positions.encode` of a single position below 4096: most words), or their lengths then their bytes joined

The array types are unsigned of 1, 2 or 4 bytes (the smallest that holds the block's largest number), little-endian.
W3's block header (a pickled tuple before the data) and its compression rule (zlib when the data is 50 bytes or more)
are kept, so a block is skipped as before. `PackedLeafMatcher` reads such blocks and gives the values W3's matcher
gives; `block_places` is what phrases read: the gaps and each posting's single position, without building values.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Sequence
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import pack_uint

ONE_AT = {pack_uint(1) + dumps([place], 2): place for place in range(4096)}  # one early position: most values
_ONE_VALUE = tuple(ONE_AT)  # the encoded value of each place
_TYPES = "BHI"  # unsigned arrays of 1, 2 and 4 bytes
NO_WEIGHTS, ONE_WEIGHT, WEIGHTS = 0, 1, 2
NO_VALUES, FIXED, PLACES, LENGTHS = 0, 1, 2, 3
_SWAP = sys.byteorder == "big"  # the arrays are written little-endian
Data = tuple[Sequence[int], Any, Any]  # W3's block data: gaps, mini weights (None, a float, floats), values

if array("I").itemsize != 4:  # pragma: no cover - every platform CPython supports today
    raise ImportError("packed posting blocks need 4-byte unsigned ints")


def _type(largest: int) -> int:
    return 0 if largest < 256 else 1 if largest < 65536 else 2


def _array_bytes(code: int, numbers: Sequence[int]) -> bytes:
    out = array(_TYPES[code], numbers)
    if _SWAP:  # pragma: no cover - big-endian machines
        out.byteswap()
    return out.tobytes()


def pack(gaps: Sequence[int], weights: Any, values: Any) -> bytes:
    """The block data for W3's `(gaps, mini weights, values)` (`W3PostingsWriter._write_block`'s tuple)."""
    gap_type = _type(max(gaps))
    parts = [b"", b"", _array_bytes(gap_type, gaps)]
    if weights is None:
        weight_kind = NO_WEIGHTS
    elif isinstance(weights, float):
        weight_kind = ONE_WEIGHT
        parts.append(array("d", (weights,)).tobytes() if not _SWAP else _swapped("d", (weights,)))
    else:
        weight_kind = WEIGHTS
        parts.append(array("f", weights).tobytes() if not _SWAP else _swapped("f", weights))
    value_kind, value_type = _pack_values(values, parts)
    parts[0] = bytes((gap_type | weight_kind << 2 | value_kind << 4,))
    parts[1] = bytes((value_type,))
    return b"".join(parts)


def _swapped(code: str, numbers: Sequence[float]) -> bytes:  # pragma: no cover - big-endian machines
    out = array(code, numbers)
    out.byteswap()
    return out.tobytes()


def _pack_values(values: Any, parts: list[bytes]) -> tuple[int, int]:
    if values is None:
        return NO_VALUES, 0
    if isinstance(values, bytes):
        parts.append(values)
        return FIXED, 0
    places = list(map(ONE_AT.get, values))
    if None not in places:
        singles: list[int] = places  # type: ignore[assignment]  # no None: checked
        code = _type(max(singles))
        parts.append(_array_bytes(code, singles))
        return PLACES, code
    lengths = list(map(len, values))
    code = _type(max(lengths))
    parts.append(_array_bytes(code, lengths))
    parts.append(b"".join(values))
    return LENGTHS, code


def unpack(data: bytes, count: int) -> tuple[Data, array[int] | None]:
    """W3's block data from `pack`'s bytes of a block of `count` postings, and the single places of a block that
    has them (then the values are None: `PackedLeafMatcher._read_values` builds them when asked)."""
    kinds, value_type = data[0], data[1]
    view = memoryview(data)
    gaps = _numbers(kinds & 3, view, 2, count)
    at = 2 + count * gaps.itemsize
    weight_kind, value_kind = kinds >> 2 & 3, kinds >> 4
    weights: Any = None
    if weight_kind == ONE_WEIGHT:
        weights, at = _floats("d", view, at, 1)[0], at + 8
    elif weight_kind == WEIGHTS:
        weights, at = tuple(_floats("f", view, at, count)), at + 4 * count
    if value_kind == NO_VALUES:
        return (gaps, weights, None), None
    if value_kind == FIXED:
        return (gaps, weights, data[at:]), None
    numbers = _numbers(value_type, view, at, count)
    if value_kind == PLACES:
        return (gaps, weights, None), numbers
    at += count * numbers.itemsize
    values = []
    for length in numbers:
        values.append(data[at : at + length])
        at += length
    return (gaps, weights, tuple(values)), None


def _numbers(code: int, view: memoryview, at: int, count: int) -> array[int]:
    out = array(_TYPES[code])
    out.frombytes(view[at : at + count * out.itemsize])
    if _SWAP:  # pragma: no cover - big-endian machines
        out.byteswap()
    return out


def _floats(code: str, view: memoryview, at: int, count: int) -> array[float]:
    out: array[float] = array(code)
    out.frombytes(view[at : at + count * out.itemsize])
    if _SWAP:  # pragma: no cover - big-endian machines
        out.byteswap()
    return out


class PackedLeafMatcher(W3LeafMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """W3's matcher over `pack`'s blocks: the same ids, weights and values."""

    _places: array[int] | None = None

    def _read_data(self) -> None:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression:
            data = zlib.decompress(data)
        self._data, self._places = unpack(data, self._blocklength)

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        if self._places is not None:
            self._values = tuple(map(_ONE_VALUE.__getitem__, self._places))
        else:
            super()._read_values()


def block_places(matcher: Any) -> tuple[Sequence[int], Sequence[int | None], tuple[bytes, ...] | None]:
    """The block `matcher` (a `W3LeafMatcher`) stands on, decoded for phrases: its document gaps (the first document,
    then the gaps to the others), each posting's one position (None where a posting has several) and the encoded
    values (None when every posting has one position)."""
    matcher._read_data()
    places = getattr(matcher, "_places", None)
    if places is not None:
        return matcher._data[0], places, None
    matcher._read_values()
    values = matcher._values
    found = list(map(ONE_AT.get, values))
    return matcher._data[0], found, values if None in found else None
