"""The Whoosh segments a search reads, opened once each and shared by every search.

A `View` is one table of contents: its segments, each with the `SegmentCaches` opened for it and the set of its
live (not deleted) document numbers. Readers are opened over a copy of each segment without its deletion set, so
one reader and its caches serve every later view of that segment however many of its documents get deleted;
only `live` changes. A new view costs a reader for each new segment and a live set for each segment whose
deletions changed, nothing for the rest.

Searches pin the view they read; readers of segments that left the table of contents, and the files behind them,
are released (by the flush thread) only once no search holds a view that still lists them: the emulator's writers
leave those files in place at commit (`codec.CompactWriter`), and the segment readers open column files lazily.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from emulator.search.caches import DocSet, SearchCaches, SegmentCaches


@dataclass(frozen=True)
class Part:
    """One segment as one view sees it."""

    segid: str
    caches: SegmentCaches
    live: DocSet
    deleted: frozenset[int]


@dataclass(eq=False)
class View:
    """The segments of one table of contents."""

    parts: tuple[Part, ...] = ()
    generation: int = -1  # Whoosh's own TOC generation
    segments: list[Any] = field(default_factory=list)
    users: int = 0  # searches reading this view now (guarded by the index's publish lock)

    def doc_count(self) -> int:
        return sum(len(part.live) for part in self.parts)


class Segments:
    """Opens each segment's reader once and closes it when no view lists the segment any more.

    Only the index's Whoosh lock holder calls these (opening, flushing, reaping), never a search.
    """

    def __init__(self, shared: SearchCaches | None = None) -> None:
        self.shared = shared or SearchCaches()
        self._caches: dict[str, SegmentCaches] = {}  # by segment id

    def read(self, ix: Any, before: View, toc: Any = None) -> View:
        """A view of the index's latest table of contents (`toc`: that one, just read), reusing what `before` had."""
        toc = ix._read_toc() if toc is None else toc
        known = {part.segid: part for part in before.parts}
        parts = []
        for segment in toc.segments:
            segid = segment.segment_id()
            deleted = frozenset(segment.deleted_docs())
            old = known.get(segid)
            if old is not None and old.deleted == deleted:
                parts.append(old)
                continue
            caches = self._caches.get(segid) or SegmentCaches(_reader(ix, toc.schema, segment), self.shared)
            self._caches[segid] = caches
            parts.append(Part(segid, caches, caches.every - deleted if deleted else caches.every, deleted))
        return View(tuple(parts), toc.generation, list(toc.segments))

    def close_unused(self, ix: Any, current: View) -> None:
        """Close the readers of segments `current` does not list and delete their files."""
        wanted = {part.segid for part in current.parts}
        for segid in [segid for segid in self._caches if segid not in wanted]:
            self._caches.pop(segid).close()
        if ix is not None and current.generation >= 0:
            whoosh_index.clean_files(ix.storage, ix.indexname, current.generation, current.segments)

    def close(self) -> None:
        """Close every reader (no search may be running)."""
        for caches in self._caches.values():
            caches.close()
        self._caches = {}


def contents(ix: Any) -> tuple[int, list[str]]:
    """The latest table of contents: its generation and the ids of the segments it lists."""
    toc = ix._read_toc()
    return toc.generation, [segment.segment_id() for segment in toc.segments]


def clean(ix: Any) -> None:
    """Delete what the latest table of contents does not list (no reader may be open on it)."""
    toc = ix._read_toc()
    whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)


def _reader(ix: Any, schema: Any, segment: Any) -> SegmentReader:
    whole = copy.copy(segment)
    whole._deleted = None  # the reader sees every document; `Part.live` says which count
    return SegmentReader(ix.storage, schema, whole)
