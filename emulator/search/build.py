"""Building a new index from all documents: one segment, nothing merged, written by
`emulator.search.whoosh_internals.bulk`.

From `CHILD_FROM` documents on the work is split between two processes, so that both cores are busy and the build's
memory is given back when it ends: this process reads the documents (the database, in the caller's generator) and
turns them into writer arguments; a child process (`emulator.util.worker`) tokenises them, collects the postings
and writes the segment. Batches of documents go down a pipe; the child answers with the number of terms and its
progress writing them. (Reading is the larger half: at 10k, about 4 s against 4 s of tokenising and collecting,
then 6 s of writing.)
Smaller builds (tests, the default fixtures) stay in this process: starting a child costs about half a second.

The sort and number columns are declared as globs while building and named one by one afterwards (a commit without
documents), as later flushes and merges need them.
"""

from __future__ import annotations

import gc
import pickle
import sys
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from emulator.search.schema import INDEX_NAME, build_schema, declare, whoosh_document
from emulator.search.tree import Document
from emulator.search.whoosh_internals import naming
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.util import worker
from emulator.util.progress import Progress

CHILD_FROM = 2000  # documents from which a child process writes the segment
BATCH = 256  # documents per message to the child
_POOL_MB = 256  # Whoosh's posting pool for the multi-process writer (`procs` > 1)


class BuildFailed(RuntimeError):
    """The child process writing the segment failed; the message carries its traceback."""


def build_index(
    path: Path,
    docs: Iterable[Document],
    total: int,
    progress: Progress,
    *,
    procs: int = 1,
    child_from: int = CHILD_FROM,
) -> None:
    """Write `docs` into a new index at `path` (an empty directory)."""
    if procs > 1:
        _build_with_whoosh_processes(path, docs, total, progress, procs)
    elif total >= child_from:
        _build_in_child(path, docs, total, progress)
    else:
        _build_here(path, docs, total, progress)


def _build_here(path: Path, docs: Iterable[Document], total: int, progress: Progress) -> None:
    built = naming.create_in(str(path), build_schema(), INDEX_NAME)
    writer = built.writer(compound=False)
    bulk = BulkPostings(writer)
    try:
        with progress.step("indexing assets", total, "asset") as step:
            for doc in docs:
                bulk.add_document(whoosh_document(doc))
                step.update()
    except BaseException:
        writer.cancel()
        raise
    with progress.step("writing the index", bulk.term_count(), "term") as step:
        bulk.on_field = step.update
        writer.commit()
    _name_columns(built, bulk.columns)
    built.close()


def _build_in_child(path: Path, docs: Iterable[Document], total: int, progress: Progress) -> None:
    child = worker.start("emulator.search.build", str(path))  # never a fork of a process that runs threads
    try:
        with suppress(BrokenPipeError):  # the child stopped reading: it failed, and says why below
            _send_documents(child.outbox, docs, total, progress)
        _follow_writing(child.inbox, progress)
    finally:
        child.close()


def _send_documents(conn: worker.Channel, docs: Iterable[Document], total: int, progress: Progress) -> None:
    batch: list[dict[str, Any]] = []
    with progress.step("indexing assets", total, "asset") as step:
        for doc in docs:
            batch.append(whoosh_document(doc))
            if len(batch) >= BATCH:
                conn.send_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
                step.update(len(batch))
                batch = []
        if batch:
            conn.send_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
            step.update(len(batch))
    conn.send_bytes(b"")


def _follow_writing(conn: worker.Channel, progress: Progress) -> None:
    step = None
    try:
        while True:
            kind, value = worker.receive(conn, BuildFailed, "writing the index")
            if kind == "terms":
                step = progress.step("writing the index", value, "term")
            elif kind == "written" and step is not None:
                step.update(value)
            elif kind == "done":
                return
    finally:
        if step is not None:
            step.close()


def write_segment(path: str, conn: worker.Channel, answers: worker.Channel) -> None:
    """The child's side: writer arguments in, one segment out (its own garbage collector off: the postings are
    millions of long-lived objects and no cycles)."""
    gc.disable()
    try:
        built = naming.create_in(path, build_schema(), INDEX_NAME)
        writer = built.writer(compound=False)
        bulk = BulkPostings(writer)
        while message := conn.recv_bytes():
            for kwargs in pickle.loads(message):
                bulk.add_document(kwargs)
        answers.send(("terms", bulk.term_count()))
        bulk.on_field = lambda count: answers.send(("written", count))
        writer.commit()
        _name_columns(built, bulk.columns)
        built.close()
        answers.send(("done", None))
    except EOFError:
        return  # the parent gave up: nothing is committed
    except BaseException as exc:
        worker.report_failure(answers, exc)
    finally:
        conn.close()
        answers.close()


def _build_with_whoosh_processes(
    path: Path, docs: Iterable[Document], total: int, progress: Progress, procs: int
) -> None:
    """Whoosh's own multi-process writer: one segment per process (`AIP_EMULATOR_INDEX_PROCS`)."""
    built = naming.create_in(str(path), build_schema(), INDEX_NAME)
    writer = built.writer(limitmb=_POOL_MB // procs, compound=False, procs=procs, multisegment=True)
    seen: set[str] = set()
    try:
        with progress.step("indexing assets", total, "asset") as step:
            for doc in docs:
                kwargs = whoosh_document(doc)
                seen.update(name for name in kwargs if name[:2] in ("s_", "n_"))
                writer.add_document(**kwargs)
                step.update()
    except BaseException:
        writer.cancel()
        raise
    with progress.step("writing the index segments", 1, "step") as step:
        writer.commit()
        step.update()
    _name_columns(built, seen)
    built.close()


def _name_columns(built: Any, names: set[str]) -> None:
    """Replace the build's column globs by the columns it wrote, named one by one (a commit without documents)."""
    writer = built.writer()
    try:
        writer.remove_field("s_*")
        writer.remove_field("n_*")
        declare(writer, [name for name in names if name[:2] in ("s_", "n_")])
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)


if __name__ == "__main__":  # the worker: python -m emulator.search.build <index path>
    _inbox, _outbox, _args = worker.connections(sys.argv[1:])
    write_segment(_args[0], _inbox, _outbox)
