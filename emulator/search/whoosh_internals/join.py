"""Segments written as separate indexes joined into one index, unmerged: their files moved beside its own and all
its segments listed in one new table of contents (Whoosh's `TOC`).

A build split between two writer processes has each write its own index in its own folder (a Whoosh index takes
one writer at a time); the joined index is searched as it is, one segment per writer, as after any flush. Segment
files (the stored sort orders too) start with their segment id, unique by its randomness (`naming`).
"""

from __future__ import annotations

import os
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC


def join(target: Path, others: list[Path], indexname: str) -> None:
    """Move the segments of the indexes in `others` into the index in `target` (all of one schema)."""
    storage = FileStorage(str(target))
    toc = TOC.read(storage, indexname)
    segments = list(toc.segments)
    for other in others:
        for segment in TOC.read(FileStorage(str(other)), indexname).segments:
            _move_files(other, target, segment.segment_id() + ".")
            segments.append(segment)
    TOC(toc.schema, segments, toc.generation + 1).write(storage, indexname)


def _move_files(source: Path, target: Path, prefix: str) -> None:
    for entry in os.scandir(source):
        if entry.name.startswith(prefix):
            os.replace(entry.path, target / entry.name)
