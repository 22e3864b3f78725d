"""An index directory's lifecycle as a whole: whether the one on disk can be caught up, a fresh one built and
stamped beside it, and swapped in for it (`emulator.search.index.SearchIndex` holds its lock around each)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from emulator.search.build import DocumentSource, build_index
from emulator.search.files import damage, manifest, read_stamp, write_stamp
from emulator.search.schema import INDEX_NAME
from emulator.search.tree import Document
from emulator.search.whoosh_internals import naming
from emulator.search.whoosh_internals.segments import clean, contents
from emulator.util.progress import Progress

SCHEMA_VERSION = 6  # 3: plain files; 4: columns named one by one; 5: unscored, no freqs; 6: no v_content
PARALLEL_FROM = 5000  # documents from which a rebuild uses `procs` writer processes, one segment each


def unusable(path: Path, generation: int, floor: int, history: str) -> str | None:
    """Why the index at `path` cannot be brought to database `generation` of `history` by replaying the change log
    (which holds every change after generation `floor`), or None when it can."""
    stamp = read_stamp(path)
    if stamp is None:
        return "there is no complete search index"
    if stamp.get("schema") != SCHEMA_VERSION:
        return f"the search index has schema {stamp.get('schema')}, this version writes {SCHEMA_VERSION}"
    if stamp.get("history") != history:
        return "the search index belongs to another history of the database (a seed, reset or restore)"
    stamped = int(stamp.get("generation", -1))
    if not floor <= stamped <= generation:
        return f"the search index holds generation {stamped}; the change log covers {floor} to {generation}"
    damaged = damage(path, stamp)
    return None if damaged is None else f"the search index is damaged: {damaged}"  # else opening it may still fail


def build_fresh(
    path: Path,
    docs: Iterable[Document],
    total: int,
    stamp: tuple[int, str],
    *,
    progress: Progress,
    procs: int,
    source: DocumentSource | None,
) -> Path:
    """Build an index of `docs` in `<path>.new` (with `procs` writer processes from PARALLEL_FROM documents on),
    its debris cleaned, stamped with `stamp` (the database generation it holds, the history it belongs to) and
    its files; returns the folder, for `swap`."""
    fresh = path.with_name(path.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    build_index(fresh, docs, total, progress, procs=procs if total >= PARALLEL_FROM else 1, source=source)
    built = naming.open_dir(str(fresh), INDEX_NAME)
    clean(built)  # what the table of contents no longer lists
    listed, segment_ids = contents(built)
    built.close()
    generation, history = stamp
    write_stamp(fresh, generation, SCHEMA_VERSION, history, manifest(fresh, listed, segment_ids))
    return fresh


def swap(path: Path, fresh: Path) -> None:
    """Put the (closed) index folder `fresh` in place of `path`, through `<path>.old`."""
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old, ignore_errors=True)
