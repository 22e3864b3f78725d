"""The Whoosh side of one document: the schema and how an engine-neutral document becomes Whoosh fields.

Layout per field slug (search.md): `w_<slug>` words with positions, `v_<slug>` whole values lower-cased,
`s_<slug>` a text sort column, `n_<slug>` a number column (numbers, dates as epoch ms). `has` lists the slugs a
document has values for. Ranges and sorts read columns, never Whoosh range queries (measured: far faster).
`emulator.search.reference` reads a document by the very same rules (`texts`, `whole_values`, `sort_bytes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh import analysis, columns, fields, formats

from emulator.search.reference import has_value, sort_bytes, texts, whole_values
from emulator.search.tree import CATCH_ALL, WORD_PATTERN, Document, FieldValues

INDEX_NAME = "assets"


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
        if slug != CATCH_ALL:  # its whole values are every other field's (`Executor.value_fields`)
            out[f"v_{slug}"] = list(whole_values.__wrapped__(values))  # uncached: each document's values once
    if sort_key := sort_bytes(values, present):
        out[f"s_{slug}"] = sort_key
    if values.number is not None:
        out[f"n_{slug}"] = float(values.number)
    return has_value(values, present)


def build_schema() -> fields.Schema:
    """The schema while building: sort and number columns as globs (named one by one afterwards)."""
    schema = _schema()
    schema.add("s_*", _column_field("s_"), glob=True)
    schema.add("n_*", _column_field("n_"), glob=True)
    return schema
