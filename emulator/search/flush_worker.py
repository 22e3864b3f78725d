"""Writing a flush batch to Whoosh, in this process or in the long-lived index worker process beside it.

A flush turns the in-memory layer's documents into a Whoosh segment: tokenising, postings, columns, a commit and
every few flushes a merge, all pure Python. In the serving process that work holds the interpreter lock against
the requests; from `process_from` changes on (`AIP_EMULATOR_FLUSH_PROCESS_FROM`), `FlushWorker` hands the batch to
a child (`emulator.util.worker`: a fresh interpreter, pickled messages over its stdin and stdout) that writes and
commits the segment while this process goes on serving. Smaller batches (a test's few writes) are written here:
a child costs about half a second to start. Either way `write_batch` is the one writing code.

The child is only a pair of hands: the caller holds the index's Whoosh lock around each batch (nothing else
touches the directory meanwhile), reads the committed table of contents itself, stamps the index and keeps the
layer searched until the new segment is published. A child that fails or dies mid-batch ends: Whoosh's lock is a
lock on a file, released with the process; its half-written files are listed by no table of contents and deleted
at the next clean. A commit that may have landed unanswered makes the next batch replace every document (no
`add_document` for a create: the segments may already hold it). The child watches its parent and ends within
`WATCH_S` of its death, so that a `kill -9` of the server leaves no writer behind to race the next server.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from collections.abc import Collection, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from emulator.search import disk
from emulator.search.schema import INDEX_NAME, declare, new_columns, whoosh_document
from emulator.search.tree import Document
from emulator.search.whoosh_internals import codec, naming
from emulator.util import worker

WATCH_S = 0.02  # how often the child checks that its parent is alive
LOCK_WAIT_S = 60.0  # the child waits this long for Whoosh's lock (held only by a writer that is still alive)
CRASH_STEPS = "flush-worker:"  # crash points of the child (`AIP_EMULATOR_CRASH_AT`), armed in the first child only


class FlushFailed(RuntimeError):
    """The worker process failed a batch, or ended without answering."""


def write_batch(writer: Any, docs: Mapping[int, Document | None], new: Collection[int], merge: bool) -> None:
    """Write `docs` (None: deleted) with Whoosh's `writer` and commit (merging small segments with `merge`).
    `new`: assets the segments hold no copy of (added without the look-up of an older one)."""
    kwargs = {asset_id: whoosh_document(doc) for asset_id, doc in docs.items() if doc is not None}
    try:
        declare(writer, [name for one in kwargs.values() for name in new_columns(writer.schema, one)])
        for asset_id, doc in docs.items():
            if doc is None:
                writer.delete_by_term("uid", str(asset_id))
            else:
                (writer.add_document if asset_id in new else writer.update_document)(**kwargs[asset_id])
        disk.checkpoint("flush-worker:writing")
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=merge)  # releases Whoosh's lock itself when it fails


class FlushWorker:
    """The index worker process of one index directory: started on the first batch it is given, restarted after a
    failure, ended by `close`. The caller serialises `write` and `close` (the index's Whoosh lock)."""

    def __init__(self, path: Path, process_from: int) -> None:
        self.path, self.process_from = path, process_from
        self._worker: worker.Worker | None = None
        self.doubtful = False  # a batch may have been committed unanswered: replace every document of the next

    def wanted(self, size: int) -> bool:
        """Whether a batch of `size` changes goes to the worker process."""
        return 0 < self.process_from <= size

    @property
    def pid(self) -> int | None:
        return None if self._worker is None else self._worker.process.pid

    def write(self, docs: Mapping[int, Document | None], new: Collection[int], merge: bool) -> None:
        """Have the worker process write and commit the batch; FlushFailed (or its OSError) if it did not answer
        that it committed, after which the worker is gone (the next batch starts another). A worker found gone
        before it took the batch (killed between batches) is replaced at once."""
        message = pickle.dumps((dict(docs), set(new), merge), pickle.HIGHEST_PROTOCOL)
        try:
            try:
                self._running().outbox.send_bytes(message)
            except BrokenPipeError:  # it ended before this batch: nothing of it was written
                self._stop()
                self._running().outbox.send_bytes(message)
            assert self._worker is not None
            worker.receive(self._worker.inbox, FlushFailed, "writing recent changes to the index")
        except BaseException:
            self.doubtful = True
            self._stop()
            raise
        self.doubtful = False

    def _running(self) -> worker.Worker:
        if self._worker is None or self._worker.process.poll() is not None:
            self._stop()
            self._worker = worker.start(__name__, str(self.path), disk.take(CRASH_STEPS) or "")
        return self._worker

    def close(self) -> None:
        """End the worker process (it finishes no batch: none is under way when the caller holds the lock)."""
        self._stop()

    def _stop(self) -> None:
        running, self._worker = self._worker, None
        if running is not None:
            running.close(timeout=10.0)


def serve(path: str, inbox: worker.Channel, outbox: worker.Channel) -> None:
    """The child's side: batches in, each written and committed, `("done",)` back; ends at the first failure (a
    failed writer may hold Whoosh's lock: the process's end releases it) or when the parent closes the pipe."""
    try:
        while True:
            try:
                docs, new, merge = pickle.loads(inbox.recv_bytes())
            except EOFError:
                return
            try:
                index = naming.open_dir(path, INDEX_NAME)
                try:
                    write_batch(codec.writer(index, compound=False, timeout=LOCK_WAIT_S), docs, new, merge)
                finally:
                    index.close()
            except BaseException as exc:
                worker.report_failure(outbox, exc)
                return
            disk.checkpoint("flush-worker:committed")
            outbox.send(("done",))
    finally:
        with suppress(OSError):
            outbox.close()


def _watch_parent() -> None:
    """End this process (at once, as `kill -9` would) when its parent is gone: no writer may outlive its server."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_S)
        os._exit(1)

    threading.Thread(target=watch, name="aip-parent-watch", daemon=True).start()


if __name__ == "__main__":  # the worker: python -m emulator.search.flush_worker <index path> <crash step or "">
    _watch_parent()
    _inbox, _outbox, _args = worker.connections(sys.argv[1:])
    disk.arm(_args[1] or None)
    serve(_args[0], _inbox, _outbox)
