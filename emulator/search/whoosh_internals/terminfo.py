"""A term's statistics and where its postings are, in a few bytes: the compact form of `W3TermInfo`.

W3 packs every term info in 23 bytes of fixed statistics, then 12 bytes of extent or a pickle of the inlined
postings (about 24 bytes for one document); most terms of an asset index are in one document (serials, addresses,
ids, names), so that was most of the terms file. Here a term info is a flags byte and varints, with what can be
derived left out:

    flags | doc frequency | [total weight, max weight: two float32, when not derivable] |
      inlined: first document, deltas to the others | [weights: float64 each] | values (by the values mode)
      block:   first document, last minus first | offset and length of its postings in the postings file

Derivable: a block term's total weight is its document frequency and its max weight 1.0 when all its weights are
1.0; an inlined term's are those of its weights (None: all 1.0). Values: none (formats without values: empty
bytes), positions (each value re-encoded as Whoosh's `Positions.encode` writes it: a count and the deltas, written
only when that encoding gives the very bytes) or verbatim. `decode` gives the `W3TermInfo` Whoosh's own
`from_bytes` gives for the W3 bytes of the same term, so the codec's postings reader and merges read it unchanged.
Field lengths are not kept: the emulator's fields are unscored (`emulator.search.schema`), and the codec refuses
postings with a length.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from itertools import accumulate
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.system import pack_uint

INLINED, STATS, WEIGHTS = 1, 2, 4
NO_VALUES, POSITIONS, VERBATIM = 0, 1, 2  # the values mode, in bits 3-4 of the flags
_MODE_SHIFT = 3
_TWO_FLOATS = struct.Struct("!ff")
_DOUBLE = struct.Struct("!d")
_COUNT = struct.Struct("!I")
_SMALL = [bytes((n,)) for n in range(128)]
_ONE_AT = {pack_uint(1) + dumps([place], 2): place for place in range(4096)}  # one early position: most values
_ONE_VALUE = {place: value for value, place in _ONE_AT.items()}


def varint(number: int) -> bytes:
    """`number` (>= 0) in 7-bit groups, lowest first, the high bit set on all but the last."""
    if number < 128:
        return _SMALL[number]
    if number < 0:
        raise ValueError(f"a varint cannot hold {number}")
    out = bytearray()
    while number >= 128:
        out.append((number & 127) | 128)
        number >>= 7
    out.append(number)
    return bytes(out)


def read_varint(data: Any, at: int) -> tuple[int, int]:
    """The varint at `at` of `data` and the position after it."""
    byte = data[at]
    if byte < 128:
        return byte, at + 1
    number, shift = byte & 127, 7
    while True:
        at += 1
        byte = data[at]
        number |= (byte & 127) << shift
        if byte < 128:
            return number, at + 1
        shift += 7


def _f32(value: float) -> float:
    return float(_TWO_FLOATS.unpack(_TWO_FLOATS.pack(value, 0.0))[0])


def encode_block(df: int, weight: float, max_weight: float, ids: tuple[int, int], extent: tuple[int, int]) -> bytes:
    """A term whose postings are in the postings file: `ids` its first and last document, `extent` where."""
    first, last = ids
    if last < first:
        raise ValueError(f"a term's last document {last} is before its first {first}")
    derived = _f32(weight) == df and _f32(max_weight) == 1.0
    stats = b"" if derived else _TWO_FLOATS.pack(weight, max_weight)
    offset, length = extent
    tail = varint(first) + varint(last - first) + varint(offset) + varint(length)
    return bytes((0 if derived else STATS,)) + varint(df) + stats + tail


def encode_inlined(docs: Sequence[int], weights: Sequence[float] | None, values: Sequence[bytes] | None) -> bytes:
    """A term of few documents, its postings here: documents ascending, weights (None: all 1.0), values (None or
    all empty: the format has none)."""
    flags = INLINED
    parts = [varint(len(docs))]
    if weights is not None:
        flags |= STATS | WEIGHTS
        parts.append(_TWO_FLOATS.pack(sum(weights), max(weights)))
    previous = 0
    for doc in docs:
        parts.append(varint(doc - previous))
        previous = doc
    if weights is not None:
        parts += [_DOUBLE.pack(weight) for weight in weights]
    mode = NO_VALUES
    if values is not None and any(values):
        places = [_positions(value) for value in values]
        if all(found is not None for found in places):
            mode = POSITIONS
            parts += [_encoded_places(found) for found in places if found is not None]
        else:
            mode = VERBATIM
            parts += [varint(len(value)) + value for value in values]
    return bytes((flags | mode << _MODE_SHIFT,)) + b"".join(parts)


def _positions(value: bytes) -> list[int] | None:
    """The positions `value` encodes when `Positions.encode` of them gives `value` again, else None."""
    one = _ONE_AT.get(value)
    if one is not None:
        return [one]
    try:
        (count,) = _COUNT.unpack(value[:4])
        deltas = loads(value[4:])
    except Exception:
        return None
    if not isinstance(deltas, list) or len(deltas) != count or not all(type(d) is int and d >= 0 for d in deltas):
        return None
    return deltas if _COUNT.pack(count) + dumps(deltas, 2) == value else None


def _encoded_places(deltas: list[int]) -> bytes:
    return varint(len(deltas)) + b"".join(map(varint, deltas))


def decode(data: Any) -> W3TermInfo:
    """The `W3TermInfo` of `data` (see the module docstring)."""
    flags = data[0]
    df, at = read_varint(data, 1)
    info = W3TermInfo()
    info._df = df
    info._minlength = info._maxlength = 0
    if flags & STATS:
        info._weight, info._maxweight = _TWO_FLOATS.unpack_from(data, at)
        at += 8
    else:
        info._weight, info._maxweight = float(df), 1.0
    if not flags & INLINED:
        first, at = read_varint(data, at)
        span, at = read_varint(data, at)
        offset, at = read_varint(data, at)
        length, _ = read_varint(data, at)
        info._minid, info._maxid = first, first + span
        info._offset, info._length = offset, length
        return info
    steps = []
    for _ in range(df):
        step, at = read_varint(data, at)
        steps.append(step)
    ids = tuple(accumulate(steps))
    weights = None
    if flags & WEIGHTS:
        weights = struct.unpack_from(f"!{df}d", data, at)
        at += 8 * df
    info._minid, info._maxid = ids[0], ids[-1]
    info._inlined = (ids, weights, _values(data, at, df, flags >> _MODE_SHIFT))
    return info


def _values(data: Any, at: int, count: int, mode: int) -> tuple[bytes, ...]:
    if mode == NO_VALUES:
        return (b"",) * count
    out = []
    for _ in range(count):
        size, at = read_varint(data, at)
        if mode == VERBATIM:
            out.append(bytes(data[at : at + size]))
            at += size
            continue
        deltas = []
        for _ in range(size):
            delta, at = read_varint(data, at)
            deltas.append(delta)
        single = _ONE_VALUE.get(deltas[0]) if size == 1 else None
        out.append(single if single is not None else _COUNT.pack(size) + dumps(deltas, 2))
    return tuple(out)


def doc_frequency(data: Any) -> int:
    return read_varint(data, 1)[0]


def weight(data: Any) -> float:
    if data[0] & STATS:
        return float(_TWO_FLOATS.unpack_from(data, read_varint(data, 1)[1])[0])
    return float(read_varint(data, 1)[0])
