"""The search index: Whoosh segments on disk plus the in-memory layer of recent changes (docs/write-path.md).

Writes reach the index through `apply` once the database has committed them: the documents join the in-memory
layer (`emulator.search.recent`) and the call returns. The flush thread (`emulator.search.flusher`) writes the
layer to Whoosh in batches and stamps the index with the database generation it now holds (`flushed`). A search
reads one published `State` (segments view + layer) without the writer's lock (`emulator.search.reading`): each
segment answers its top hits (`emulator.search.executor`), the layer answers through the reference evaluator, and
the answers are merged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from whoosh import index

from emulator.search import directory, reading, reference, regex
from emulator.search.build import DocumentSource
from emulator.search.caches import SearchCaches
from emulator.search.directory import SCHEMA_VERSION
from emulator.search.files import copy_index, manifest, mirror, read_stamp, restamp, same_contents, write_stamp
from emulator.search.flush_worker import FlushWorker, write_batch
from emulator.search.flusher import Flusher
from emulator.search.reading import State
from emulator.search.recent import Entry, Recent
from emulator.search.schema import INDEX_NAME
from emulator.search.tree import All, Document, Hits, Node, SortKey
from emulator.search.whoosh_internals import codec, naming
from emulator.search.whoosh_internals.segments import Segments, View
from emulator.util.lru import CacheLimits, lru_cache_stats
from emulator.util.progress import QUIET, Progress

MERGE_EVERY = 8  # flushes between merges of the small segments they leave (a merge costs ~10 flushes)
log = logging.getLogger("aip_emulator")


class SearchIndex:
    """One Whoosh index on disk, the in-memory layer in front of it, and the thread that flushes one into the other.

    `write_lock` is the application's single writer (database transactions and whole-state changes hold it);
    searches never take it. `commit_lock` spans a writer's database commit and its `apply`, nothing longer.
    `_whoosh` guards Whoosh's writer and the index directory (flushes, rebuilds, copies).
    """

    def __init__(
        self,
        path: Path,
        flush_interval_s: float = 1.0,
        flush_batch: int = 500,
        limits: CacheLimits | None = None,
        process_from: int = 0,
    ) -> None:
        self.path = path
        self.caches = SearchCaches(limits)
        self.write_lock = threading.RLock()
        self.commit_lock = threading.Lock()  # held by a writer from its database commit to `apply` only
        self._whoosh = threading.RLock()
        self._publish = threading.Lock()  # swaps of `_state` and the pins of searches
        self.searching = 0  # searches under way (pinned states), counted under `_publish`
        self._index: Any = None
        self._segments = Segments(self.caches)
        self._state = State(View(), Recent(), 0)
        self._retired: list[View] = []
        self.flushed = 0  # the database generation the segments on disk hold (the stamp)
        self.history = ""  # the database history they belong to (the stamp)
        self._flushes = 0
        self._flusher = Flusher(self.flush, self.pending, self.maintain, flush_interval_s, flush_batch)
        self.worker = FlushWorker(path, process_from)  # batches of `process_from`+ changes: written beside us

    # -- lifecycle -------------------------------------------------------------------------------
    def stamp(self) -> dict[str, Any] | None:
        """What the index on disk says it holds (`emulator.search.files`), if it has a readable stamp."""
        return read_stamp(self.path)

    def unusable(self, generation: int, floor: int, history: str) -> str | None:
        """Why the index on disk cannot be brought to database `generation` of `history` by replaying the change log
        (which holds every change after generation `floor`), or None when it can (`emulator.search.directory`)."""
        return directory.unusable(self.path, generation, floor, history)

    def open(self) -> None:
        """Open the index on disk for searching (the in-memory layer empty) and start the flush thread."""
        with self._whoosh:
            self._index, toc = naming.open_dir_read(str(self.path), INDEX_NAME)
            stamp = self.stamp() or {}
            self.flushed = int(stamp.get("generation", 0))
            self.history = str(stamp.get("history", ""))
            view = self._segments.read(self._index, self._state.view, toc)
            with self._publish:
                self._publish_state(view, Recent(self.flushed))
        self._flusher.start()

    def rebuild(
        self,
        docs: Iterable[Document],
        total: int,
        generation: int,
        progress: Progress = QUIET,
        procs: int = 1,
        *,
        history: str = "",
        source: DocumentSource | None = None,
    ) -> None:
        """Build a fresh index beside the current one from `docs` (with `procs` writer processes when there are
        enough of them to pay for the processes; they read `source` themselves, if given, instead of `docs`), then
        swap it in, stamped with the database `generation` it holds and the `history` it belongs to."""
        self._flusher.stop()  # before taking the Whoosh lock: a flush waiting for it would never end
        with self._whoosh:
            fresh = directory.build_fresh(
                self.path, docs, total, (generation, history), progress=progress, procs=procs, source=source
            )
            self.close()
            directory.swap(self.path, fresh)
            self.open()

    def copy_to(self, target: Path) -> None:
        """Copy the index directory as flushed (segment files are immutable: hard links where possible)."""
        with self._whoosh:
            copy_index(self.path, target)

    def load_from(self, source: Path, stamp: Path | None = None) -> None:
        """Replace the index directory by a copy of `source` and open it; the layer starts empty.

        Readers of segments that `source` shares with the current index (same segment id: same files) are kept
        with their caches, so returning to a snapshot costs only what differs. `stamp`: the stamp to use instead of
        the one in `source` (the copy belongs to another history of the database).
        """
        with self._whoosh:
            if self._index is not None and same_contents(source, self.path):
                self._restamp(source, stamp)
                return
            if self._index is not None:
                self._index.close()
            mirror(source, self.path, stamp)
            self.open()

    def _restamp(self, source: Path, stamp: Path | None) -> None:
        """`load_from` when the directory already holds `source`'s table of contents (nothing was flushed since it
        was last loaded): only the stamp is replaced and the layer emptied; segments, readers and caches stay."""
        restamp(source, self.path, stamp)
        written = self.stamp() or {}
        self.flushed, self.history = int(written.get("generation", 0)), str(written.get("history", ""))
        with self._publish:
            self._publish_state(self._state.view, Recent(self.flushed))

    def close(self) -> None:
        """Stop the flush thread and release the readers and the index (waiting changes stay in the log)."""
        self._flusher.stop()
        with self._whoosh:
            with self._publish:
                self._state, self._retired = State(View(), Recent(), self._state.version + 1), []
            self._segments.close()
            self.worker.close()
            if self._index is not None:
                self._index.close()
            self._index = None

    # -- writing ---------------------------------------------------------------------------------
    def apply(self, generation: int, changes: Mapping[int, Document | None], new: Iterable[int] = ()) -> None:
        """Changes the database committed as `generation`: searchable from now on, flushed later."""
        with self._publish:
            state = self._state
            recent = state.recent.with_changes(generation, changes, new)
            self._state = State(state.view, recent, state.version + 1)
        if len(recent) >= self._flusher.batch:
            self._flusher.wake()

    def pending(self) -> int:
        """How many changes wait to be flushed."""
        return len(self._state.recent)

    def flush(self) -> int:
        """Write the in-memory layer to Whoosh in one commit (by the worker process when the batch is large), then
        publish the new segments and stamp the generation; returns the count. The layer stays searched until then."""
        with self._whoosh:
            recent = self._state.recent
            if not recent.entries or self._index is None:
                return 0
            batch = dict(recent.entries)
            try:
                self._write(batch)
            except BaseException:
                self._reread()  # a commit may have landed: the next clean must not take it for debris
                raise
            view = self._segments.read(self._index, self._state.view)
            with self._publish:
                self._publish_state(view, self._state.recent.without(batch))
            try:
                files = manifest(self.path, view.generation, [part.segid for part in view.parts])
                write_stamp(self.path, recent.generation, SCHEMA_VERSION, self.history, files)
                self.flushed = recent.generation
            except OSError:  # the segments hold the changes; the change log replays them after a restart
                log.warning("could not stamp the index with generation %d", recent.generation)
            self.maintain()
            return len(batch)

    def _write(self, batch: Mapping[int, Entry]) -> None:
        docs = {asset_id: entry.doc for asset_id, entry in batch.items()}
        doubtful = self.worker.doubtful  # a batch may have landed unanswered: no create is sure to be new
        new = set() if doubtful else {asset_id for asset_id, entry in batch.items() if entry.new}
        self._flushes += 1
        merge = self._flushes % MERGE_EVERY == 0
        if self.worker.wanted(len(batch)):
            self.worker.write(docs, new, merge)
        else:
            write_batch(self._writer(), docs, new, merge)
            self.worker.doubtful = False

    def _reread(self) -> None:
        """Publish the table of contents on disk now (after a failed batch), the layer unchanged."""
        try:
            view = self._segments.read(self._index, self._state.view)
        except Exception:
            log.exception("could not read the index's table of contents after a failed flush")
            return
        with self._publish:
            self._publish_state(view, self._state.recent)

    def _writer(self) -> Any:
        """Whoosh's writer. Whoosh takes its lock before it reads the table of contents and never releases it when
        that read fails, so one failed writer would fail every later flush. Only this process writes this index
        (the data directory's server lock; its worker process only while this process waits for it, under
        `_whoosh`) and `_whoosh` serialises its writers, so a held lock is such a stale one: the lock file is
        replaced (a new file, so the old lock no longer counts)."""
        try:
            return codec.writer(self._index, compound=False)
        except index.LockError:
            log.warning("stale Whoosh write lock in %s: replaced", self.path)
            (self.path / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)
            return codec.writer(self._index, compound=False)

    def _publish_state(self, view: View, recent: Recent) -> None:
        """Make `view` and `recent` what new searches read (caller holds `_publish`)."""
        old = self._state.view
        if view is not old:
            self._retired.append(old)
        self._state = State(view, recent, self._state.version + 1)

    def maintain(self) -> None:
        """Close readers and delete files of segments that only retired views, no longer read, still list.

        One hold of the Whoosh lock from choosing `current` to deleting: a reset in between would put another table
        of contents in the directory, and cleaning for the old view would delete it (and the new segments).
        """
        with self._whoosh:
            with self._publish:
                if any(view.users for view in self._retired):
                    return
                self._retired = []
                current = self._state.view
            self._segments.close_unused(self._index, current)

    # -- reading ---------------------------------------------------------------------------------
    def _pin(self) -> State:
        with self._publish:
            state = self._state
            state.view.users += 1
            self.searching += 1
            return state

    def _unpin(self, state: State) -> None:
        with self._publish:
            state.view.users -= 1
            self.searching -= 1

    def quiet(self, documents: int) -> bool:
        """No search under way (none holds a segment's lock) and at most `documents` documents to search."""
        state = self._state
        held = sum(len(part.live) for part in state.view.parts) + len(state.recent.entries)
        return self.searching == 0 and held <= documents

    def warm(self) -> None:
        """Load the id columns now, so the first search does not pay for them."""
        self.search(All(), [], 0, 1)

    def search(self, node: Node, sort: list[SortKey], offset: int, limit: int) -> Hits:
        """One page of asset ids matching `node` in `sort` order, with the total: segments and layer merged."""
        state = self._pin()
        try:
            return reading.search(state, node, sort, offset, limit)
        finally:
            self._unpin(state)

    def cache_stats(self) -> dict[str, dict[str, int]]:
        """What the search caches hold: the segments' shared caches and the reference evaluator's."""
        evaluator = {
            "wholeValues": reference.whole_values,
            "words": reference.words,
            "patterns": regex.compiled,
        }
        return self.caches.stats() | {name: lru_cache_stats(cached) for name, cached in evaluator.items()}

    def doc_count(self) -> int:
        """How many assets a search sees: the segments' live documents not shadowed, plus the layer's."""
        state = self._pin()
        try:
            return reading.doc_count(state)
        finally:
            self._unpin(state)
