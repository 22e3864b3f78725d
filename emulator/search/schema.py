"""The Whoosh side of one document: the schema and how an engine-neutral document becomes Whoosh fields.

Layout per field slug (search.md): `w_<slug>` words with positions, `v_<slug>` whole values lower-cased,
`s_<slug>` a text sort column, `n_<slug>` a number column (numbers, dates as epoch ms). `has` lists the slugs a
document has values for. Ranges and sorts read columns, never Whoosh range queries (measured: far faster).
`emulator.search.reference` reads a document by the very same rules (`texts`, `whole_values`, `sort_bytes`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import whoosh.util as whoosh_util
from whoosh import analysis, columns, fields, formats, index
from whoosh.codec import base as codec_base
from whoosh.codec.base import Segment
from whoosh.filedb import compound, filestore
from whoosh.util import IDCHARS

from emulator.search.bulk import BulkPostings
from emulator.search.progress import Progress
from emulator.search.reference import has_value, sort_bytes, texts, whole_values
from emulator.search.tree import WORD_PATTERN, Document, FieldValues

INDEX_NAME = "assets"
_SEGMENT_NAMES = random.SystemRandom()


def _segment_id(_cls: type, size: int = 16) -> str:
    """Whoosh names segments with the global `random`, which Hypothesis (and any seeded caller) re-seeds: two
    segments with one name then overwrite each other's files. Segment names come from the OS instead."""
    return "".join(_SEGMENT_NAMES.choice(IDCHARS) for _ in range(size))


def _random_name(size: int = 28) -> str:
    """Whoosh's temporary file names, also from the OS: the flush thread must not touch the global `random`
    (another thread may be seeding or drawing from it, as Hypothesis does)."""
    return "".join(_SEGMENT_NAMES.choice(IDCHARS) for _ in range(size))


Segment._random_id = classmethod(_segment_id)
for _module in (whoosh_util, codec_base, filestore, compound):
    _module.random_name = _random_name


def _schema() -> fields.Schema:
    words = analysis.RegexTokenizer(WORD_PATTERN) | analysis.LowercaseFilter()
    schema = fields.Schema(
        uid=fields.ID(unique=True),
        aid=fields.COLUMN(columns.NumericColumn("q")),
        has=_bare(fields.KEYWORD(commas=False)),
    )
    schema.add("w_*", _unscored(fields.TEXT(analyzer=words, phrase=True)), glob=True)
    schema.add("v_*", _bare(fields.KEYWORD(commas=False)), glob=True)
    return schema


def _unscored(field: fields.FieldType) -> fields.FieldType:
    """Nothing is scored (results are sorted): no length column per field and document."""
    field.scorable = False
    return field


def _bare(field: fields.FieldType) -> fields.FieldType:
    """Whole values are only looked up, never counted: postings without frequencies."""
    field.format = formats.Existence(field_boost=field.format.field_boost)
    return field


def _column_field(name: str) -> fields.FieldType:
    if name.startswith("n_"):
        return fields.COLUMN(columns.NumericColumn("d", default=float("nan")))
    return fields.COLUMN(columns.VarBytesColumn())


def new_columns(schema: fields.Schema, kwargs: dict[str, Any]) -> list[str]:
    """Sort and number columns of a document that the schema does not name yet.

    Column-only fields are declared one by one instead of through a glob: Whoosh's segment merge copies the
    columns of named or indexed fields only and would silently drop column-only glob fields. A writer cannot
    change the schema once it holds documents, so callers declare new columns before adding.
    """
    return [name for name in kwargs if name[:2] in ("s_", "n_") and name not in schema]


def declare(writer: Any, names: Iterable[str]) -> None:
    for name in sorted(set(names)):
        writer.add_field(name, _column_field(name))


def whoosh_document(doc: Document) -> dict[str, Any]:
    """Turn an engine-neutral document into the keyword arguments of a Whoosh writer call."""
    out: dict[str, Any] = {"uid": str(doc.asset_id), "aid": doc.asset_id}
    present: list[str] = []
    for slug, values in doc.fields.items():
        if _add_field(out, slug, values):
            present.append(slug)
    out["has"] = present
    return out


def _add_field(out: dict[str, Any], slug: str, values: FieldValues) -> bool:
    """The sub-fields of one slug; `emulator.search.reference` reads a document by the very same rules."""
    present = texts(values)
    if present:
        out[f"w_{slug}"] = "\n".join(present)
        out[f"v_{slug}"] = list(whole_values(values))
    if sort_key := sort_bytes(values):
        out[f"s_{slug}"] = sort_key
    if values.number is not None:
        out[f"n_{slug}"] = float(values.number)
    return has_value(values)


def build_index(path: Path, docs: Iterable[Document], total: int, progress: Progress, procs: int = 1) -> None:
    """Write `docs` into a new index at `path`: one segment per writer process, nothing merged.

    The sort and number columns are declared as globs while building (every writer process reads the schema once,
    at its start) and named one by one afterwards, as merges and flushes need them.
    """
    built = index.create_in(str(path), _build_schema(), indexname=INDEX_NAME)
    options: dict[str, Any] = {"procs": procs, "multisegment": True} if procs > 1 else {}
    writer = built.writer(limitmb=_POOL_MB // max(procs, 1), compound=False, **options)
    seen: set[str] = set()
    bulk = None if procs > 1 else BulkPostings(writer)
    add = (lambda kwargs: writer.add_document(**kwargs)) if bulk is None else bulk.add_document
    try:
        with progress.step("indexing assets", total, "asset") as step:
            for doc in docs:
                kwargs = whoosh_document(doc)
                seen.update(name for name in kwargs if name[:2] in ("s_", "n_"))
                add(kwargs)
                step.update()
    except BaseException:
        writer.cancel()
        raise
    with progress.step("writing the index", bulk.term_count() if bulk else 1, "term" if bulk else "step") as step:
        if bulk is not None:
            bulk.step = step
        writer.commit()
        step.update(0 if bulk else 1)
    _name_columns(built, seen)
    built.close()


_POOL_MB = 256  # Whoosh's in-memory posting pool, shared by the writer processes (beyond it: sorted runs on disk)


def _build_schema() -> fields.Schema:
    schema = _schema()
    schema.add("s_*", _column_field("s_"), glob=True)
    schema.add("n_*", _column_field("n_"), glob=True)
    return schema


def _name_columns(built: Any, names: set[str]) -> None:
    """Replace the build's column globs by the columns it wrote, named one by one (a commit without documents)."""
    writer = built.writer()
    try:
        writer.remove_field("s_*")
        writer.remove_field("n_*")
        declare(writer, names)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
