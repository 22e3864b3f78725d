"""The Whoosh index: schema, lifecycle (open, rebuild, stamp) and the single writer lock.

Layout per field slug (search.md): `w_<slug>` words with positions, `v_<slug>` whole values lower-cased,
`s_<slug>` a text sort column, `n_<slug>` a number column (numbers, dates as epoch ms). `has` lists the slugs a
document has values for. Ranges and sorts read columns, never Whoosh range queries (measured: far faster).
"""

from __future__ import annotations

import json
import random
import shutil
import threading
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm
from whoosh import analysis, columns, fields, index
from whoosh.codec.base import Segment
from whoosh.searching import Searcher
from whoosh.util import IDCHARS

from emulator.search.executor import Caches, Executor
from emulator.search.tree import (
    WORD_PATTERN,
    All,
    Document,
    FieldValues,
    Hits,
    Node,
    SortKey,
)

_SEGMENT_NAMES = random.SystemRandom()


def _segment_id(_cls: type, size: int = 16) -> str:
    """Whoosh names segments with the global `random`, which Hypothesis (and any seeded caller) re-seeds: two
    segments with one name then overwrite each other's files. Segment names come from the OS instead."""
    return "".join(_SEGMENT_NAMES.choice(IDCHARS) for _ in range(size))


Segment._random_id = classmethod(_segment_id)

SCHEMA_VERSION = 4  # 3: plain-file segments; 4: sort and number columns named one by one
STAMP_FILE = "emulator-stamp.json"
DIRTY = -1  # the stamp's generation while a commit is under way
MERGE_EVERY = 16  # incremental commits between merges of the small segments they leave
INDEX_NAME = "assets"
_MAX_VALUE_LENGTH = 512  # whole-value terms longer than this are cut (huge TextArea values)


def _schema() -> fields.Schema:
    words = analysis.RegexTokenizer(WORD_PATTERN) | analysis.LowercaseFilter()
    schema = fields.Schema(
        uid=fields.ID(unique=True),
        aid=fields.COLUMN(columns.NumericColumn("q")),
        has=fields.KEYWORD(commas=False),
    )
    schema.add("w_*", fields.TEXT(analyzer=words, phrase=True), glob=True)
    schema.add("v_*", fields.KEYWORD(commas=False), glob=True)
    return schema


def _column_field(name: str) -> fields.FieldType:
    if name.startswith("n_"):
        return fields.COLUMN(columns.NumericColumn("d", default=float("nan")))
    return fields.COLUMN(columns.VarBytesColumn())


def _new_columns(schema: fields.Schema, kwargs: dict[str, Any]) -> list[str]:
    """Sort and number columns of a document that the schema does not name yet.

    Column-only fields are declared one by one instead of through a glob: Whoosh's segment merge copies the
    columns of named or indexed fields only and would silently drop column-only glob fields. A writer cannot
    change the schema once it holds documents, so callers declare new columns before adding.
    """
    return [name for name in kwargs if name[:2] in ("s_", "n_") and name not in schema]


def _declare(writer: Any, names: Iterable[str]) -> None:
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
    texts = [text for text in values.texts if text]
    if texts:
        out[f"w_{slug}"] = "\n".join(texts)
        out[f"v_{slug}"] = sorted({text.lower()[:_MAX_VALUE_LENGTH] for text in texts})
    sort_text = values.sort_text if values.sort_text is not None else ", ".join(texts)
    if sort_text:
        out[f"s_{slug}"] = sort_text.lower().encode("utf-8")
    if values.number is not None:
        out[f"n_{slug}"] = float(values.number)
    return bool(texts) or values.number is not None


class SearchIndex:
    """One Whoosh index on disk plus the state that serves searches from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.write_lock = threading.RLock()  # the single writer; also held while swapping searchers
        self._index: Any = None
        self._searcher: Searcher | None = None
        self._version = 0  # bumped by every commit of ours; searchers refresh when it moves
        self._searcher_version = -1
        self._commits = 0
        self.needs_rebuild = False  # set by the write path when the index may hold what the database rolled back
        self._caches: Caches | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def stamp(self) -> dict[str, int] | None:
        """The generation and schema version the index on disk was built for, if any."""
        try:
            data = json.loads((self.path / STAMP_FILE).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def is_current(self, generation: int) -> bool:
        """Whether the index on disk exists and matches the database generation and our schema."""
        stamp = self.stamp()
        return (
            stamp is not None
            and stamp.get("generation") == generation
            and stamp.get("schema") == SCHEMA_VERSION
            and index.exists_in(str(self.path), indexname=INDEX_NAME)
        )

    def open(self) -> None:
        """Open the existing index for searching."""
        self._index = index.open_dir(str(self.path), indexname=INDEX_NAME)
        self._version += 1

    def rebuild(self, docs: Iterable[Document], total: int, generation: int, progress: bool = False) -> None:
        """Build a fresh index beside the current one from `docs`, then swap it in."""
        with self.write_lock:
            fresh = self.path.with_name(self.path.name + ".new")
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir(parents=True)
            built = index.create_in(str(fresh), _schema(), indexname=INDEX_NAME)
            writer = built.writer(limitmb=256, compound=False)
            bar = tqdm(total=total, desc="indexing assets", unit="asset", disable=not progress)
            try:
                for doc in docs:
                    kwargs = whoosh_document(doc)
                    if new := _new_columns(writer.schema, kwargs):  # rare after the first documents
                        writer.commit(merge=False)
                        writer = built.writer(limitmb=256, compound=False)
                        _declare(writer, new)
                    writer.add_document(**kwargs)
                    bar.update()
            except BaseException:
                writer.cancel()
                raise
            finally:
                bar.close()
            writer.commit(optimize=True)
            _write_stamp(fresh, generation)
            self._swap_in(fresh)

    def _swap_in(self, fresh: Path) -> None:
        self.close()
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        fresh.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)
        self.open()

    def write(
        self, upserts: Iterable[Document], deletes: Iterable[int], generation: int, new: Container[int] = ()
    ) -> None:
        """Apply changes in one commit; caller holds `write_lock` and calls `mark_current` once the database
        has committed too. Until then the stamp says DIRTY, so a crash or a failed database commit in between
        leaves a stamp that matches no database generation and the next start rebuilds.

        Documents of `new` assets are added without looking for an old copy: that look-up opens a reader over
        every segment and costs most of a small write.
        """
        documents = [(doc.asset_id, whoosh_document(doc)) for doc in upserts]
        _write_stamp(self.path, DIRTY)  # before the writer exists: failing here holds no lock
        writer = self._index.writer(compound=False)
        try:
            _declare(writer, [name for _, kwargs in documents for name in _new_columns(writer.schema, kwargs)])
            for asset_id in deletes:
                writer.delete_by_term("uid", str(asset_id))
            for asset_id, kwargs in documents:
                (writer.add_document if asset_id in new else writer.update_document)(**kwargs)
        except BaseException:
            writer.cancel()
            raise
        self._commits += 1
        writer.commit(merge=self._commits % MERGE_EVERY == 0)  # releases Whoosh's lock itself when it fails
        self._version += 1

    def mark_current(self, generation: int) -> None:
        """Stamp the index with the database generation it now matches."""
        _write_stamp(self.path, generation)

    def close(self) -> None:
        """Release the searcher and the index."""
        with self.write_lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            if self._index is not None:
                self._index.close()
            self._index = None

    # -- reading ---------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[tuple[Searcher, int]]:
        """Hold the searcher (Whoosh readers are not safe across threads) with its version."""
        with self.write_lock:
            if self._index is None:
                raise RuntimeError("the search index is not open")
            if self._searcher is None or self._searcher_version != self._version:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = self._index.searcher()
                self._searcher_version = self._version
            yield self._searcher, self._version

    def warm(self) -> None:
        """Open the searcher and load the id column now, so the first search does not pay for it."""
        self.search(All(), [], 0, 1)

    def search(self, node: Node, sort: list[SortKey], offset: int, limit: int) -> Hits:
        """Run one query and return one page of asset ids with the total."""
        with self.reading() as (searcher, version):
            if self._caches is None or self._caches.version != version or self._caches.searcher is not searcher:
                self._caches = Caches(searcher, version)
            hits = Executor(self._caches).run(node, sort, offset, limit)
            return Hits(hits.total, hits.asset_ids, version)

    def doc_count(self) -> int:
        """How many assets the index holds."""
        with self.reading() as (searcher, _version):
            return int(searcher.doc_count())


def _write_stamp(path: Path, generation: int) -> None:
    tmp = path / (STAMP_FILE + ".tmp")
    tmp.write_text(json.dumps({"generation": generation, "schema": SCHEMA_VERSION}))
    tmp.replace(path / STAMP_FILE)
