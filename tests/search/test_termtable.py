"""The compact terms file and term infos of the emulator's codec: every term found again with its very info, absent
ones not, rows in order, seeks to the first term at or after any key; term infos decode to what they encode."""

from __future__ import annotations

import io
from bisect import bisect_left
from pathlib import Path
from pickle import dumps

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.structfile import StructFile
from whoosh.reading import CorruptIndexError
from whoosh.system import pack_uint

from emulator.search.whoosh_internals import terminfo
from emulator.search.whoosh_internals.termtable import TableReader, TableWriter


def _positions(places: list[int]) -> bytes:
    """Whoosh's `Positions.encode`: the count, then the pickled deltas."""
    deltas = [b - a for a, b in zip([0, *places], places, strict=False)]
    return bytes(pack_uint(len(deltas))) + dumps(deltas, 2)


_docs = st.lists(st.integers(0, 2**32 - 2), min_size=1, max_size=6, unique=True).map(sorted)
_places = st.lists(st.integers(0, 70_000), min_size=1, max_size=5, unique=True).map(sorted)


@given(
    docs=_docs,
    weighted=st.booleans(),
    kind=st.sampled_from(["none", "positions", "verbatim", "mixed"]),
    data=st.data(),
)
def test_an_inlined_term_info_decodes_to_its_postings(
    docs: list[int], weighted: bool, kind: str, data: st.DataObject
) -> None:
    count = len(docs)
    weights = data.draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=count, max_size=count))
    values: list[bytes] | None = None
    if kind == "positions":
        values = [_positions(data.draw(_places)) for _ in docs]
    elif kind in ("verbatim", "mixed"):
        values = [data.draw(st.binary(max_size=300)) for _ in docs]
        if kind == "mixed":
            values[0] = _positions([3])
    info = terminfo.decode(terminfo.encode_inlined(docs, weights if weighted else None, values))
    kept = tuple(values) if values is not None and any(values) else (b"",) * count
    assert info._inlined == (tuple(docs), tuple(weights) if weighted else None, kept)
    assert (info._df, info._minid, info._maxid, info._minlength, info._maxlength) == (count, docs[0], docs[-1], 0, 0)
    expected = (sum(weights), max(weights)) if weighted else (float(count), 1.0)
    assert (info._weight, info._maxweight) == expected  # exact: small sums of halves
    encoded = terminfo.encode_inlined(docs, weights if weighted else None, values)
    assert (terminfo.doc_frequency(encoded), terminfo.weight(encoded)) == (count, expected[0])


@pytest.mark.parametrize(
    ("df", "weight", "heaviest"), [(1, 1.0, 1.0), (500, 500.0, 1.0), (7, 9.5, 3.0), (3, 3.0, 2.0), (2**31, 0.0, 0.0)]
)
def test_a_block_term_info_decodes_to_its_statistics_and_extent(df: int, weight: float, heaviest: float) -> None:
    encoded = terminfo.encode_block(df, weight, heaviest, (5, 2**32 - 2), (2**40 + 3, 70_000))
    info = terminfo.decode(encoded)
    assert not info.is_inlined()
    assert (info._df, info._weight, info._maxweight, info._minid, info._maxid) == (df, weight, heaviest, 5, 2**32 - 2)
    assert info.extent() == (2**40 + 3, 70_000)
    assert (terminfo.doc_frequency(encoded), terminfo.weight(encoded)) == (df, weight)


def test_a_block_term_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        terminfo.encode_block(2, 2.0, 1.0, (9, 3), (0, 10))


def test_varints_round_trip() -> None:
    for number in (0, 1, 127, 128, 16_383, 16_384, 2**32, 2**63):
        assert terminfo.read_varint(terminfo.varint(number) + b"rest", 0) == (number, len(terminfo.varint(number)))


_keys = st.binary(max_size=40) | st.binary(min_size=120, max_size=400)  # one- and two-byte lengths
_table = st.dictionaries(
    st.sampled_from(["has", "uid", "v_a", "w_b", "w_é"]),
    st.dictionaries(_keys, st.binary(max_size=200), min_size=1, max_size=60),
    min_size=1,
)


def _written(path: Path, fields: dict[str, dict[bytes, bytes]]) -> int:
    writer = TableWriter(StructFile(open(path, "wb")))  # noqa: SIM115 - the writer closes it
    for name in sorted(fields):
        writer.start_field(name)
        for term in sorted(fields[name]):
            writer.add(term, fields[name][term])
        writer.finish_field()
    return writer.close()


def _check(reader: TableReader, fields: dict[str, dict[bytes, bytes]], probes: list[bytes]) -> None:
    for name, terms in fields.items():
        ordered = sorted(terms)
        rows = list(reader.rows(name))
        assert [(key, info) for _at, key, info in rows] == [(term, terms[term]) for term in ordered]
        for term, info in terms.items():
            assert reader.find(name, term) == info
            assert reader.find(name, term + b"\x00") == terms.get(term + b"\x00")
        for probe in [*probes, *ordered]:
            at = bisect_left(ordered, probe)
            assert reader.seek(name, probe) == (rows[at][0] if at < len(rows) else reader.fields[name][2])
        for other_terms in fields.values():
            for term in other_terms:
                assert reader.find(name, term) == terms.get(term)  # a term of another field is not this one's
    assert reader.find("nofield", b"") is None


@settings(max_examples=60, deadline=None)
@given(fields=_table, probes=st.lists(st.binary(max_size=6), max_size=10))
def test_every_term_is_found_again_and_absent_ones_are_not(
    tmp_path_factory: pytest.TempPathFactory, fields: dict[str, dict[bytes, bytes]], probes: list[bytes]
) -> None:
    path = tmp_path_factory.mktemp("table") / "terms.trm"
    length = _written(path, fields)
    assert length == path.stat().st_size
    with open(path, "rb") as file:  # a real file: read with pread
        reader = TableReader(StructFile(file), length)
        _check(reader, fields, probes)
    in_memory = TableReader(StructFile(io.BytesIO(path.read_bytes())), length)  # no descriptor: Whoosh's `get`
    _check(in_memory, fields, probes[:2])


def test_rows_longer_than_a_read_and_many_terms(tmp_path: Path) -> None:
    fields = {
        "w_a": {f"t{number:06}".encode(): bytes(number % 50) for number in range(20_000)},
        "w_b": {b"big": b"x" * 200_000, b"bigger": b"y" * 70_000, b"small": b"z"},
    }
    path = tmp_path / "terms.trm"
    length = _written(path, fields)
    with open(path, "rb") as file:
        _check(TableReader(StructFile(file), length), fields, [b"t01", b"t1", b"", b"\xff"])


def test_terms_out_of_order_or_a_field_twice_are_refused(tmp_path: Path) -> None:
    writer = TableWriter(StructFile(open(tmp_path / "t.trm", "wb")))  # noqa: SIM115 - closed below
    writer.start_field("w_a")
    writer.add(b"b", b"")
    with pytest.raises(ValueError, match="increase"):
        writer.add(b"a", b"")
    writer.finish_field()
    with pytest.raises(ValueError, match="twice"):
        writer.start_field("w_a")
    writer.close()


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.trm"
    path.write_bytes(b"HSH3" + bytes(100))
    with open(path, "rb") as file, pytest.raises(ValueError, match="not an emulator terms file"):
        TableReader(StructFile(file), 104)


def test_a_row_whose_length_was_damaged_is_an_error_not_an_endless_read(tmp_path: Path) -> None:
    fields = {"w_a": {b"t%d" % number: b"info" for number in range(5)}}
    path = tmp_path / "terms.trm"
    length = _written(path, fields)
    data = bytearray(path.read_bytes())
    assert data[12:16] == b"\x02\x04t1"  # the second row: its term's length, its info's, the term
    data[12:14] = b"\x85\x7f"  # the term's length now a two-byte varint far past the field's end
    path.write_bytes(bytes(data))
    with open(path, "rb") as file:
        reader = TableReader(StructFile(file), length)
        with pytest.raises(CorruptIndexError, match="damaged terms file"):
            list(reader.rows("w_a"))
        with pytest.raises(CorruptIndexError, match="damaged terms file"):
            reader.seek("w_a", b"t3")


def test_without_pread_a_file_is_read_by_seek_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fields = {"w_a": {b"alpha": b"1", b"beta": b"22"}, "v_b": {b"x": b""}}
    path = tmp_path / "terms.trm"
    length = _written(path, fields)
    monkeypatch.delattr("os.pread")  # Windows has none
    with open(path, "rb") as file:
        reader = TableReader(StructFile(file), length)
        assert reader._fd is None
        _check(reader, fields, [b"b", b""])
