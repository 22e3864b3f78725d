"""The emulator's codec read through Whoosh's reader, on term sets drawn at its edges: empty and very long terms,
high code points, long shared prefixes, terms one byte apart, numeric-encoded terms; document counts at the
inlining limit (16, 17) and at block edges (128, 129); positions at 4095 and 4096 and several per posting. Segments
written by the bulk writer and by Whoosh's writer through the codec read like a W3 segment of the same documents:
the same statistics and postings for every term, neighbours of present terms absent, prefix and range walks and
cursors what a sorted list of the terms gives. (`test_termtable.py` checks the terms file alone, `test_bulk.py`
the segments of real documents byte for byte.)"""

from __future__ import annotations

import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, index
from whoosh.reading import TermNotFound

from emulator.search.schema import build_schema
from emulator.search.whoosh_internals import codec
from emulator.search.whoosh_internals.bulk import BulkPostings
from tests.helpers import LONG
from tests.search.test_bulk import _postings

PREFIX = "p" * 60  # terms sharing a long prefix (longer than the sparse index's key read)
_LAST = ("", "a", "b", "\x7f", "\x80", "é", "\u07ff", "\u0800", "\uffff", "\U0001f600", "\U0010ffff")
_term = st.one_of(
    st.just(""),
    st.text(max_size=6),
    st.text(alphabet="ab\U0010ffff", min_size=150, max_size=300),
    st.builds(lambda middle, last: PREFIX + middle + last, st.text(alphabet="pq", max_size=2), st.sampled_from(_LAST)),
)
_COUNTS = (1, 2, 16, 17, 128, 129, 130)  # inlined up to 16; W3 blocks of 128
Kwargs = list[dict[str, Any]]
Writer = Callable[[Any, Kwargs], None]


@st.composite
def _documents(draw: st.DrawFn) -> Kwargs:
    """Writer arguments of documents: each drawn term in a drawn number of them (whole values of `v_t`, words of
    `w_t`), a few documents with a word at position 4095 or 4096 and words several times over."""
    terms = draw(st.lists(_term, min_size=1, max_size=8, unique=True))
    counts = [draw(st.sampled_from(_COUNTS)) for _ in terms]
    total = max(counts)
    rng = draw(st.randoms(use_true_random=False))
    values: list[list[str]] = [[] for _ in range(total)]
    for term, count in zip(terms, counts, strict=True):
        for doc in rng.sample(range(total), count):
            values[doc].append(term)
    long_places = draw(st.lists(st.sampled_from([4094, 4095, 4096, 4097]), max_size=2))
    out: Kwargs = []
    for number, held in enumerate(values):
        text = " ".join(held)
        if number < len(long_places):
            text = f"{'f ' * long_places[number]}target {text} target r r"  # f: 4094+ positions in one posting
        out.append({"uid": str(number), "aid": number, "has": ["t"], "w_t": text, "v_t": held})
    return out


def _whoosh(writer: Any, docs: Kwargs) -> None:
    for kwargs in docs:
        writer.add_document(**kwargs)


def _bulk(writer: Any, docs: Kwargs) -> None:
    add = BulkPostings(writer).add_document
    for kwargs in docs:
        add(kwargs)


def _segment(path: Path, schema: Any, docs: Kwargs, write: Writer, compact: bool = True) -> None:
    path.mkdir()
    built = index.create_in(str(path), schema, indexname="assets")
    writer = codec.writer(built, compound=False) if compact else built.writer(compound=False)
    write(writer, docs)
    writer.commit()
    built.close()


@contextmanager
def _reader(path: Path) -> Iterator[Any]:
    built = index.open_dir(str(path), indexname="assets")
    try:
        with built.reader() as reader:
            yield reader
    finally:
        built.close()


def _neighbours(term: bytes) -> list[bytes]:
    """Keys one step from `term`: a byte more or less, the last byte or code point the next one."""
    out = [term + b"\x00", term + b"\xff", term[:-1]]
    if term and term[-1] < 255:
        out.append(term[:-1] + bytes([term[-1] + 1]))
    text = term.decode("utf-8", "replace")
    if text and ord(text[-1]) < 0x10FFFF and not 0xD7FF <= ord(text[-1]) < 0xE000:
        out.append((text[:-1] + chr(ord(text[-1]) + 1)).encode("utf-8"))
    return out


def _walks(reader: Any, expected: Any, field: str, present: list[bytes]) -> None:
    """`reader` (a compact segment's) against `expected` (a W3 segment's) and the sorted list `present`."""
    assert list(reader.lexicon(field)) == present
    known = set(present)
    chosen = present[:: len(present) // 20 + 1] + present[-1:]  # a field of many terms: about twenty of them
    probes = sorted({key for term in chosen for key in (*_neighbours(term), term[: len(term) // 2], term)})
    for probe in probes:
        assert ((field, probe) in reader) is (probe in known)
        assert reader.doc_frequency(field, probe) == expected.doc_frequency(field, probe)
        assert reader.frequency(field, probe) == expected.frequency(field, probe)
        if probe not in known:
            assert reader.doc_frequency(field, probe) == 0
            with pytest.raises(TermNotFound):
                reader.term_info(field, probe)
        assert list(reader.expand_prefix(field, probe)) == [term for term in present if term.startswith(probe)]
        more = len(present) - bisect_left(present, probe) + 2  # this field's terms from `probe`, two of the next
        walked = list(islice(reader.terms_from(field, probe), more))
        assert walked == list(islice(expected.terms_from(field, probe), more))
        assert [text for name, text in walked if name == field] == [term for term in present if term >= probe]
        cursor, other = reader.cursor(field), expected.cursor(field)
        assert repr(_cursor_walk(cursor, probe)) == repr(_cursor_walk(other, probe))  # repr: a float NaN term


def _cursor_walk(cursor: Any, probe: bytes) -> list[tuple[Any, int | None]]:
    """The texts and document frequencies a cursor gives from `probe` on, for a few steps."""
    out = [cursor.find(probe)]
    out += [cursor.next() for _ in range(3)]
    info = cursor.term_info()
    return [*((text, None) for text in out), (cursor.text(), None if info is None else info.doc_frequency())]


def _assert_read_alike(tmp: Path, schema: Callable[[], Any], docs: Kwargs, writers: list[Writer]) -> None:
    _segment(tmp / "w3", schema(), docs, _whoosh, compact=False)
    expected_postings = _postings(tmp / "w3")
    for number, write in enumerate(writers):
        path = tmp / f"compact{number}"
        _segment(path, schema(), docs, write)
        assert _postings(path) == expected_postings
        with _reader(path) as reader, _reader(tmp / "w3") as expected:
            for field in expected.indexed_field_names():
                _walks(reader, expected, field, list(expected.lexicon(field)))


@settings(max_examples=200 if LONG else 10, deadline=None)
@given(docs=_documents())
def test_terms_at_the_codecs_edges_read_as_from_a_w3_segment(docs: Kwargs) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _assert_read_alike(Path(folder), build_schema, docs, [_bulk, _whoosh])


def _numeric_schema() -> fields.Schema:
    return fields.Schema(
        uid=fields.ID(unique=True), i=fields.NUMERIC(int, bits=64, signed=True), x=fields.NUMERIC(float)
    )


@settings(max_examples=100 if LONG else 10, deadline=None)
@given(
    numbers=st.lists(
        st.tuples(st.integers(-(2**62), 2**62), st.floats(allow_nan=False, allow_infinity=False)),
        min_size=1,
        max_size=40,
    )
)
def test_numeric_terms_of_any_bytes_read_as_from_a_w3_segment(numbers: list[tuple[int, float]]) -> None:
    """Whoosh's numeric fields index each value as several terms of packed bytes (not UTF-8): the codec keeps
    terms as bytes."""
    docs = [{"uid": str(n), "i": whole, "x": real} for n, (whole, real) in enumerate(numbers)]
    with tempfile.TemporaryDirectory() as folder:
        _assert_read_alike(Path(folder), _numeric_schema, docs, [_whoosh])
