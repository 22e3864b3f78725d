"""Packed posting blocks (`emulator.search.whoosh_internals.packed`): W3's block tuple back from its arrays, and
what phrases read of a block (gaps, single places, the values where a posting has several) alike from packed blocks
and W3's pickled ones."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields, formats, index
from whoosh.codec.whoosh3 import W3LeafMatcher

from emulator.search.whoosh_internals import codec
from emulator.search.whoosh_internals.packed import PLACES, block_places, pack, unpack

_POSITIONS = formats.Positions()
_places = st.lists(st.integers(0, 5000), min_size=1, max_size=4, unique=True).map(sorted)
_values = st.one_of(
    st.none(),
    st.lists(st.binary(min_size=1, max_size=3), min_size=1, max_size=1).map(lambda v: v[0]),  # fixed size, joined
    st.just("positions"),
)


@given(
    gaps=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=130),
    weights=st.one_of(st.none(), st.floats(0.5, 100.0, width=32), st.just("each")),
    values=_values,
    data=st.data(),
)
def test_a_packed_block_gives_back_w3s_tuple(gaps: list[int], weights: Any, values: Any, data: Any) -> None:
    count = len(gaps)
    if weights == "each":
        weights = tuple(array("f", data.draw(st.lists(st.floats(0.5, 9.0, width=32), min_size=count, max_size=count))))
    if values == "positions":
        values = tuple(bytes(_POSITIONS.encode(data.draw(_places))) for _ in gaps)
    elif isinstance(values, bytes):
        values = values * count
    (got_gaps, got_weights, got_values), places = unpack(pack(gaps, weights, values), count)
    assert (list(got_gaps), got_weights) == (gaps, weights)
    if places is None:
        assert got_values == values
    else:
        assert got_values is None
        assert [bytes(_POSITIONS.encode([place])) for place in places] == list(values)


def test_single_early_positions_are_kept_as_an_array() -> None:
    values = tuple(bytes(_POSITIONS.encode([place])) for place in (0, 7, 300, 4095))
    packed = pack((3, 1, 1, 1), None, values)
    assert packed[0] >> 4 == PLACES
    assert len(packed) == 2 + 4 + 2 * 4  # kinds, gaps as bytes, places as 16-bit numbers
    assert unpack(packed, 4)[1] == array("H", (0, 7, 300, 4095))


def _segment(path: Path, first: Any, texts: list[str]) -> Any:
    path.mkdir()
    words = fields.TEXT(phrase=True)
    words.scorable = False  # as the emulator's fields: no lengths
    built = index.create_in(str(path), fields.Schema(t=words))
    writer = built.writer(codec=first)
    for text in texts:
        writer.add_document(t=text)
    writer.commit()
    return built


def _blocks(built: Any, word: str) -> list[tuple[list[int], list[int | None], Any]]:
    out = []
    with built.reader() as reader:
        matcher = reader.postings("t", word)
        assert isinstance(matcher, W3LeafMatcher)
        while matcher.is_active():
            gaps, places, values = block_places(matcher)
            out.append((list(gaps), list(places), values))
            matcher._next_block()
    return out


def test_phrases_read_the_same_blocks_from_packed_and_pickled_segments(tmp_path: Path) -> None:
    texts = [f"alpha beta alpha{' alpha' * (i % 3)}" if i in (0, 50, 100) else f"x{i % 7} alpha" for i in range(300)]
    first = codec.CompactCodec(inline=0)
    del first.packed  # as the first version of the codec is unpickled: W3's pickled blocks
    old, new = _segment(tmp_path / "old", first, texts), _segment(tmp_path / "new", codec.CompactCodec(), texts)
    for word in ("alpha", "x3"):
        assert _blocks(old, word) == _blocks(new, word)
    blocks = _blocks(new, "alpha")
    assert len(blocks) == 3
    assert blocks[1][2] is None  # every posting one position: no values built
    assert blocks[0][1][0] is None  # "alpha beta alpha": two positions
    assert blocks[0][2] is not None
    assert _POSITIONS.decode_positions(blocks[0][2][0]) == [0, 2]
    with new.reader() as reader:
        ids = list(reader.postings("t", "alpha").all_ids())
        values = [value for _doc, value in reader.postings("t", "alpha").all_items()]
    with old.reader() as reader:
        assert ids == list(reader.postings("t", "alpha").all_ids())
        assert values == [value for _doc, value in reader.postings("t", "alpha").all_items()]
