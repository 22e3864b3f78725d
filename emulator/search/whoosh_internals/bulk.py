"""Bulk writing of one new Whoosh segment: what `SegmentWriter.add_document` and `commit` do, without their cost.

Whoosh adds a document field by field through its analyzers and puts every posting, as a tuple, into a pool that
pickles sorted runs to disk and merges them back at commit; its codec then takes the postings one call at a time.
At 10k assets that was about two thirds of the build. `BulkPostings` takes the place of the writer's pool: it
tokenises the few field kinds of `emulator.search.schema` itself (the same rules: `RegexTokenizer` matches, lower-
cased, numbered from 0; whole values and `has` as given), keeps each term's document numbers in an array, and at
commit hands the codec one block of postings at a time. The segment it writes is the one Whoosh would write, file
for file and byte for byte (`tests/search/test_bulk.py` compares them).

It relies on the internals of the pinned whoosh3 (the W3 codec's postings writer): a new version is checked by
that test before anything else.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from pickle import dumps
from typing import Any

from whoosh import fields, formats
from whoosh.system import pack_uint

from emulator.search import orders
from emulator.search.tree import WORD_PATTERN
from emulator.search.whoosh_internals import column_writer
from emulator.search.whoosh_internals.codec import CompactFieldWriter

_NON_CAPTURING = WORD_PATTERN.replace("(", "(?:")  # the same matches; `findall` then gives whole words


class _Terms:
    """One field's postings: term -> document numbers (ascending), with weights and values for positions."""

    def __init__(self, positions: bool) -> None:
        self.positions = positions
        self.docs: dict[str, array[int]] = {}
        self.weights: dict[str, list[float]] = {}
        self.values: dict[str, list[bytes]] = {}


Tokens = list[tuple[str, Any]]  # one document, field by field in name order: words, terms or a column value


class Tokenizer:
    """Turns a document's writer arguments into what `BulkPostings` adds (picklable: the build may send it to
    another process)."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self._kinds: dict[str, tuple[str, Any]] = {}
        self._converters: dict[str, Callable[[Any], Any]] = {}

    def kind(self, name: str) -> tuple[str, Any]:
        """`words` (with the field's format), `id`, `terms` or `column` (with the column type)."""
        found = self._kinds.get(name)
        if found is None:
            field = self.schema[name]  # KeyError: a field the schema does not have
            if isinstance(field, fields.ID) and field.column_type is None:
                found = ("id", None)
            elif field.indexed and isinstance(field.format, formats.Positions):
                found = ("words", field.format)
            elif isinstance(field, fields.KEYWORD) and isinstance(field.format, formats.Existence):
                found = ("terms", None)  # a list of terms, each as given
            elif not field.indexed and field.column_type is not None:
                found = ("column", field.column_type)
            else:
                raise TypeError(f"bulk writing does not know field {name!r} ({field!r})")
            self._kinds[name] = found
        return found

    def tokens(self, kwargs: dict[str, Any]) -> Tokens:
        """Words as (term, weight, encoded positions), terms deduplicated, column values as converted."""
        out: Tokens = []
        kinds = self._kinds
        for name, value in kwargs.items():
            if value is None:
                continue
            kind, extra = kinds.get(name) or self.kind(name)
            if kind == "words":
                out.append((name, _words(value, extra)))
            elif kind == "terms":
                if isinstance(value, str):
                    raise TypeError(f"bulk writing takes a list of terms for {name!r}, not one string")
                out.append((name, list(set(value))))
            elif kind == "id":
                out.append((name, [value]))
            else:
                out.append((name, self._convert(name)(value)))
        return out

    def _convert(self, name: str) -> Callable[[Any], Any]:
        found = self._converters.get(name)
        if found is None:
            found = self._converters[name] = self.schema[name].to_column_value
        return found


_FIND_WORDS = re.compile(_NON_CAPTURING).findall
_ONCE = pack_uint(1)  # Whoosh's encoding of one position: this count, then the pickled list of position deltas
_AT = [dumps([position], 2) for position in range(4096)]


def _words(text: str, fmt: formats.Positions) -> list[tuple[str, float, bytes]]:
    """Each word of `text` (lower-cased once found, as Whoosh's filter does) with its count and its positions as
    `fmt.encode` writes them. Encodings are joined anew for every posting: a posting block pickles its values, and
    pickle would write one shared object once and refer back to it (other bytes than Whoosh's)."""
    words = [word.lower() for word in _FIND_WORDS(text)]
    if len(words) <= len(_AT) and len(set(words)) == len(words):  # each word once: the common case
        return [(word, 1.0, _ONCE + _AT[position]) for position, word in enumerate(words)]
    places: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        places.setdefault(word, []).append(position)
    return [(word, float(len(found)), _encoded(found, fmt)) for word, found in places.items()]


def _encoded(found: list[int], fmt: formats.Positions) -> bytes:
    """`fmt.encode(found)`, the bytes of a single early position taken from the table."""
    return _ONCE + _AT[found[0]] if len(found) == 1 and found[0] < len(_AT) else bytes(fmt.encode(found))


class BulkPostings:
    """Replaces a fresh `SegmentWriter`'s pool and its document path (see the module docstring)."""

    def __init__(self, writer: Any) -> None:
        if not isinstance(writer.fieldwriter, CompactFieldWriter):
            raise TypeError("the bulk writer writes segments of the emulator's codec (`codec.writer`)")
        self.writer = writer
        self.perdoc = writer.perdocwriter
        self.tokenizer = Tokenizer(writer.schema)
        self.fields: dict[str, _Terms] = {}
        self.columns: set[str] = set()  # the names of the columns written
        self._sortable: dict[str, Any] = {}  # column values by document number: written whole, and sort orders
        self._kinds: dict[str, Any] = {}  # the column type of each of them
        self._written: dict[str, int] = {}  # each one's documents up to the last value Whoosh would count
        self.on_field: Callable[[int], None] | None = None  # told how many terms each field had, at commit
        writer.pool = self  # commit asks the pool for its postings and cleans it up
        writer.fieldwriter.add_postings = self._write_postings
        self._close_perdoc = self.perdoc.close
        self.perdoc.close = self._write_columns  # commit closes it first: the columns go in then

    # -- the writer's pool protocol ----------------------------------------------------------------
    def iter_postings(self) -> Iterator[Any]:
        return iter(())  # everything goes through `_write_postings`

    def cleanup(self) -> None:
        self.fields.clear()

    def term_count(self) -> int:
        """How many terms the segment will hold (what commit writes one by one)."""
        return sum(len(table.docs) for table in self.fields.values())

    # -- adding ---------------------------------------------------------------------------------
    def add_document(self, kwargs: dict[str, Any]) -> None:
        """What `writer.add_document(**kwargs)` does, for the field kinds of the schema."""
        self.add_tokens(self.tokenizer.tokens(kwargs))

    def add_tokens(self, tokens: Tokens) -> None:
        """One document as `Tokenizer.tokens` gave it."""
        writer, perdoc = self.writer, self.perdoc
        docnum = writer.docnum
        perdoc.start_doc(docnum)
        for name, payload in tokens:
            kind, extra = self.tokenizer.kind(name)
            if kind == "words":
                self._add_words(name, payload, docnum)
            elif kind == "column":
                self.columns.add(name)
                if not self._keep(name, extra, docnum, payload):
                    perdoc.add_column_value(name, extra, payload)
            else:
                self._add_terms(name, payload, docnum)
        perdoc.finish_doc()
        writer._added = True
        writer.docnum = docnum + 1

    def _keep(self, name: str, column: Any, docnum: int, value: Any) -> bool:
        """Keep a sort, number or id column value to write the column whole at commit (missing values filled in:
        NaN, b'', 0, the columns' defaults); False for any other column, which Whoosh writes value by value."""
        values = self._sortable.get(name)
        if values is None:
            if (name[:2] not in ("s_", "n_") and name != "aid") or not isinstance(column, column_writer.BULK_KINDS):
                return False
            self._kinds[name] = column
            values = self._sortable[name] = [] if name.startswith("s_") else array("d" if name != "aid" else "q")
        _pad(name, values, docnum)
        values.append(value)
        if column_writer.counts(column, value):
            self._written[name] = docnum + 1
        return True

    def _write_columns(self) -> None:
        """Every kept column into the segment, whole, then the per-document writer closed as commit asked."""
        count = self.writer.docnum
        for name, column in self._kinds.items():
            values = self._sortable[name]
            _pad(name, values, count)
            column_writer.write_column(self.perdoc, name, column, values, self._written.get(name, 0))
        self._close_perdoc()

    def write_orders(self) -> None:
        """Store every sort and number column's order beside the segment, both ways (`emulator.search.orders`)."""
        folder = getattr(self.writer.storage, "folder", None)
        ids = self._sortable.pop("aid", None)
        if folder is None or ids is None:
            return
        count, segment_id = self.writer.docnum, self.writer.newsegment.segment_id()
        in_id_order = orders.by_id(ids)
        columns = {}
        for name, values in self._sortable.items():
            if name[:2] in ("s_", "n_"):
                _pad(name, values, count)
                columns[name] = orders.keys_for(name, values)
        orders.write(Path(folder), segment_id, columns, in_id_order)
        self._sortable.clear()

    def _table(self, name: str, positions: bool) -> _Terms:
        table = self.fields.get(name)
        if table is None:
            table = self.fields[name] = _Terms(positions)
        return table

    def _add_terms(self, name: str, terms: list[str], docnum: int) -> None:
        docs = self._table(name, False).docs
        for term in terms:
            found = docs.get(term)
            if found is None:
                docs[term] = array("I", (docnum,))
            else:
                found.append(docnum)

    def _add_words(self, name: str, words: list[tuple[str, float, bytes]], docnum: int) -> None:
        table = self._table(name, True)
        for term, weight, value in words:
            found = table.docs.get(term)
            if found is None:
                table.docs[term] = array("I", (docnum,))
                table.weights[term] = [weight]
                table.values[term] = [value]
            else:
                found.append(docnum)
                table.weights[term].append(weight)
                table.values[term].append(value)

    # -- writing at commit --------------------------------------------------------------------------
    def _write_postings(self, schema: Any, _lengths: Any, _items: Any) -> None:
        """Every field's terms in order (Whoosh's order: fields, then terms, by their UTF-8 bytes, which sort as the
        strings do), each term written by `emulator.search.whoosh_internals.termwriter` in one go."""
        fieldwriter = self.writer.fieldwriter
        for name in sorted(self.fields):
            table = self.fields.pop(name)
            fieldwriter.start_field(name, schema[name])
            write = fieldwriter.write_term
            docs, weights, values = table.docs, table.weights, table.values
            for term in sorted(docs):
                write(term, docs[term], weights.get(term), values.get(term))
            fieldwriter.finish_field()
            if self.on_field is not None:
                self.on_field(len(docs))
        self.write_orders()


def _pad(name: str, values: Any, count: int) -> None:
    """Fill `values` up to `count` documents with the column's missing value."""
    if len(values) < count:
        missing: Any = b"" if name.startswith("s_") else (math.nan if name != "aid" else 0)
        values.extend([missing] * (count - len(values)))
