"""The emulator's Whoosh codec: W3's columns, a compact terms file (`termtable`, `terminfo`), packed postings.

`CompactCodec` is W3 but for the terms file and the data of posting blocks: its field writer sends each term
through `termwriter.TermWriter` (postings of more than `inline` documents in W3's blocks, their data as arrays,
`packed`; fewer in the term info), its terms reader reads `termtable`'s file and gives `W3TermInfo` objects, and its
postings reader a `W3LeafMatcher` over the packed data, so Whoosh's searcher and segment merges work on it
unchanged. A segment names its codec in the table of contents (with `packed`), so segments written before (W3,
or this codec's first version: W3's pickled blocks) and after stay readable together; every writer the emulator
opens passes this codec (`writer`), the bulk writer (`emulator.search.whoosh_internals.bulk`) and the flush
thread's alike. Those writers (`CompactWriter`) leave the files of segments a commit merged away for the index to
delete once no search reads them (`segments.Segments`); Whoosh's own writers are not changed. At 10k assets the
terms file went from 20.7 MB to about 4.6, the postings file from 7.5 MB to 1.9 (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.index import TOC
from whoosh.reading import TermNotFound
from whoosh.writing import SegmentWriter

from emulator.search.whoosh_internals import terminfo
from emulator.search.whoosh_internals.packed import PackedLeafMatcher
from emulator.search.whoosh_internals.termtable import TableReader, TableWriter
from emulator.search.whoosh_internals.termwriter import TermWriter

INLINE = 16  # terms of at most this many documents: postings in the term info (100k: 5 MB less than 4)


class CompactCodec(W3Codec):  # type: ignore[misc]  # Whoosh is untyped
    """W3 with the compact terms file (see the module docstring); pickled into the table of contents, so a segment's
    codec says how its blocks are written: `packed` (`packed.pack`'s arrays), or not: W3's pickled blocks, as the
    first version of this codec wrote them (its pickled instances have no `packed`: the class's False)."""

    packed = False

    def __init__(self, blocklimit: int = 128, compression: int = 3, inline: int = INLINE, packed: bool = True) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=1)
        self.inline = inline
        self.packed = packed

    def field_writer(self, storage: Any, segment: Any) -> CompactFieldWriter:
        return CompactFieldWriter(self, storage, segment)

    def terms_reader(self, storage: Any, segment: Any) -> CompactTermsReader:
        name = segment.make_filename(self.TERMS_EXT)
        table = TableReader(storage.open_file(name), storage.file_length(name))
        return CompactTermsReader(self, table, segment.open_file(storage, self.POSTS_EXT))

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if not self.packed or terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return PackedLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class CompactWriter(SegmentWriter):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's segment writer, but a commit only writes the new table of contents: Whoosh's deletes the files of
    every segment the commit merged away, which a search may still be reading. The index deletes them once no
    search holds a view that lists them (`segments.Segments.close_unused`; `segments.clean` after a build)."""

    def _commit_toc(self, segments: list[Any]) -> None:
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)


def writer(ix: Any, **kwargs: Any) -> Any:
    """A writer of the index `ix` (a `FileIndex`) whose new segments use `CompactCodec`."""
    return CompactWriter(ix, codec=CompactCodec(), **kwargs)


class CompactFieldWriter(base.FieldWriter):  # type: ignore[misc]
    """Whoosh's field writer protocol over `TermWriter`: a term's postings gathered, then written in one go.
    `write_term` takes a whole term directly (the bulk writer)."""

    def __init__(self, codec: CompactCodec, storage: Any, segment: Any) -> None:
        self.table = TableWriter(segment.create_file(storage, W3Codec.TERMS_EXT))
        self.postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
        self.options = (codec._blocklimit, codec._compression, codec.inline, codec.packed)
        self.terms: TermWriter | None = None
        self._term = b""
        self._docs: list[int] = []
        self._weights: list[float] = []
        self._values: list[bytes] = []
        self.is_closed = False

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        self.table.start_field(fieldname)
        self.terms = TermWriter(self.postfile, self.table, fieldobj.format, self.options)

    def start_term(self, btext: bytes) -> None:
        self._term, self._docs, self._weights, self._values = btext, [], [], []

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int | None) -> None:
        if length:
            raise TypeError("the compact codec keeps no field lengths (the emulator's fields are unscored)")
        self._docs.append(docnum)
        self._weights.append(weight)
        self._values.append(vbytes)

    def finish_term(self) -> None:
        self.write_term(self._term, self._docs, self._weights, self._values)  # bytes: not all are UTF-8 (numbers)

    def write_term(self, term: str | bytes, docs: Any, weights: list[float] | None, values: list[bytes] | None) -> None:
        if self.terms is None:
            raise ValueError("a term before its field")
        self.terms.write(term, docs, weights, values)

    def finish_field(self) -> None:
        self.table.finish_field()
        self.terms = None

    def close(self) -> None:
        self.table.close()
        self.postfile.close()
        self.is_closed = True


class CompactTermsReader(base.TermsReader):  # type: ignore[misc]
    """Whoosh's terms reader protocol over `TableReader`."""

    def __init__(self, codec: CompactCodec, table: TableReader, postfile: Any) -> None:
        self._codec = codec
        self._table = table
        self._postfile = postfile

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return self._table.find(*term) is not None

    def indexed_field_names(self) -> Any:
        return self._table.fields.keys()

    def cursor(self, fieldname: str, fieldobj: Any) -> CompactCursor:
        return CompactCursor(self._table, fieldname, fieldobj)

    def terms(self) -> Iterator[tuple[str, bytes]]:
        return ((name, term) for (name, term), _info in self._items(None, b""))

    def terms_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        return ((name, term) for (name, term), _info in self._items(fieldname, prefix))

    def items(self) -> Iterator[tuple[tuple[str, bytes], W3TermInfo]]:
        return ((key, terminfo.decode(info)) for key, info in self._items(None, b""))

    def items_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[tuple[str, bytes], W3TermInfo]]:
        return ((key, terminfo.decode(info)) for key, info in self._items(fieldname, prefix))

    def _items(self, fieldname: str | None, prefix: bytes) -> Iterator[tuple[tuple[str, bytes], bytes]]:
        """Every term from `prefix` in `fieldname` on, then those of the fields after it (W3's key order: by field
        number, then term); None: from the first field."""
        table = self._table
        if fieldname is not None and fieldname not in table.fields:
            return
        started = fieldname is None
        for name, _entry in table.by_number:
            start = None
            if not started:
                if name != fieldname:
                    continue
                started, start = True, table.seek(name, prefix) if prefix else None
            for _offset, term, info in table.rows(name, start):
                yield (name, term), info

    def _info(self, fieldname: str, tbytes: bytes) -> bytes:
        """The term's info; KeyError when there is none (W3's frequency readers raise that, and Whoosh's reader
        turns it into 0)."""
        found = self._table.find(fieldname, tbytes)
        if found is None:
            raise KeyError((fieldname, tbytes))
        return found

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        try:
            return terminfo.decode(self._info(fieldname, tbytes))
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        return terminfo.weight(self._info(fieldname, tbytes))

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        return terminfo.doc_frequency(self._info(fieldname, tbytes))

    def matcher(self, fieldname: str, tbytes: bytes, format_: Any, scorer: Any = None) -> Any:
        info = self.term_info(fieldname, tbytes)
        return self._codec.postings_reader(self._postfile, info, format_, term=(fieldname, tbytes), scorer=scorer)

    def close(self) -> None:
        self._table.close()
        self._postfile.close()


class CompactCursor(base.FieldCursor):  # type: ignore[misc]
    """One field's terms in order (what Whoosh's automata walk)."""

    def __init__(self, table: TableReader, fieldname: str, fieldobj: Any) -> None:
        self._table, self._fieldname, self._fieldobj = table, fieldname, fieldobj
        self._rows: Iterator[tuple[int, bytes, bytes]] = iter(())
        self._text: Any = None
        self._info = b""
        self.first()

    def first(self) -> Any:
        return self._start(None)

    def find(self, term: Any) -> Any:
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        if self._fieldname not in self._table.fields:
            return self._start(None)
        return self._start(self._table.seek(self._fieldname, term))

    def _start(self, offset: int | None) -> Any:
        known = self._fieldname in self._table.fields
        self._rows = self._table.rows(self._fieldname, offset) if known else iter(())
        return self.next()

    def next(self) -> Any:
        row = next(self._rows, None)
        if row is None:
            self._text, self._info = None, b""
            return None
        self._text, self._info = self._fieldobj.from_bytes(row[1]), row[2]
        return self._text

    def text(self) -> Any:
        return self._text

    def term_info(self) -> W3TermInfo | None:
        return None if self._text is None else terminfo.decode(self._info)

    def is_valid(self) -> bool:
        return self._text is not None
