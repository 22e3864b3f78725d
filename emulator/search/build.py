"""Building a new index from all documents: unmerged segments written by `emulator.search.whoosh_internals.bulk`.

From `CHILD_FROM` documents on the work is split between processes, so that both cores are busy and the build's
memory is given back when it ends: this process reads the documents (the database, in the caller's generator) and
turns them into writer arguments; a child process (`emulator.util.worker`) tokenises them, collects the postings
and writes a segment. Batches of documents go down a pipe; the child answers with the number of terms and its
progress writing them. With `procs` > 1 (`AIP_EMULATOR_INDEX_PROCS`) that many children take the batches in turn,
each writing its own segment into its own folder, so that the writing (which cannot start before the last document
is in) has both cores too; their segments are then joined into one index unmerged (`whoosh_internals.join`), as
searched after flushes (a page across segments starts by bisection: `emulator.search.pages`).
Smaller builds (tests, the default fixtures) stay in this process: starting a child costs about half a second.

The sort and number columns are declared as globs while building and named one by one afterwards (a commit without
documents), as later flushes and merges need them.
"""

from __future__ import annotations

import gc
import pickle
import queue
import shutil
import sys
import threading
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from emulator.search.schema import INDEX_NAME, build_schema, declare, whoosh_document
from emulator.search.tree import Document
from emulator.search.whoosh_internals import naming
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.search.whoosh_internals.join import join
from emulator.util import worker
from emulator.util.progress import Progress

CHILD_FROM = 2000  # documents from which a child process writes the segment
BATCH = 256  # documents per message to the child


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
    """Write `docs` into a new index at `path` (an empty directory): by `procs` children, one segment each, when
    `procs` > 1 or from `child_from` documents on; else in this process."""
    if procs > 1 or total >= child_from:
        _build_in_children(path, docs, total, progress, procs)
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


def _build_in_children(path: Path, docs: Iterable[Document], total: int, progress: Progress, count: int) -> None:
    """`count` children, each writing one segment into its own folder (the first into `path`), then joined."""
    folders = [path] + [path / f"part-{number}" for number in range(1, count)]
    for folder in folders[1:]:
        folder.mkdir()
    children = [worker.start("emulator.search.build", str(folder)) for folder in folders]  # never a fork
    try:
        with suppress(BrokenPipeError):  # a child stopped reading: it failed, and says why below
            _send_documents([child.outbox for child in children], docs, total, progress)
        columns = _follow_writing([child.inbox for child in children], progress)
    finally:
        for child in children:
            child.close()
    join(path, folders[1:], INDEX_NAME)
    for folder in folders[1:]:
        shutil.rmtree(folder)
    built = naming.open_dir(str(path), INDEX_NAME)
    _name_columns(built, columns)
    built.close()


def _send_documents(outboxes: list[worker.Channel], docs: Iterable[Document], total: int, progress: Progress) -> None:
    """Batches of writer arguments to the children in turn, then an empty message to each."""
    batch: list[dict[str, Any]] = []
    sent = 0
    with progress.step("indexing assets", total, "asset") as step:
        for doc in docs:
            batch.append(whoosh_document(doc))
            if len(batch) >= BATCH:
                outboxes[sent % len(outboxes)].send_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
                sent += 1
                step.update(len(batch))
                batch = []
        if batch:
            outboxes[sent % len(outboxes)].send_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
            step.update(len(batch))
    for outbox in outboxes:
        outbox.send_bytes(b"")


def _follow_writing(inboxes: list[worker.Channel], progress: Progress) -> set[str]:
    """One progress step over every child's terms (opened once all have counted theirs); the columns written."""
    messages: queue.SimpleQueue[tuple[Any, ...] | BaseException] = queue.SimpleQueue()
    for inbox in inboxes:
        threading.Thread(target=_relay, args=(inbox, messages), daemon=True).start()
    counts: list[int] = []
    written, finished, columns = 0, 0, set()
    step = None
    try:
        while finished < len(inboxes):
            message = messages.get()
            if isinstance(message, BaseException):
                raise message
            kind, value = message
            if kind == "terms":
                counts.append(value)
                if len(counts) == len(inboxes):
                    step = progress.step("writing the index", sum(counts), "term")
                    step.update(written)
            elif kind == "written":
                written += value
                if step is not None:
                    step.update(value)
            elif kind == "done":
                columns.update(value)
                finished += 1
    finally:
        if step is not None:
            step.close()
    return columns


def _relay(inbox: worker.Channel, messages: queue.SimpleQueue[tuple[Any, ...] | BaseException]) -> None:
    """A child's messages (its failure as the exception to raise) into `messages`, up to its last."""
    try:
        while True:
            message = worker.receive(inbox, BuildFailed, "writing the index")
            messages.put(message)
            if message[0] == "done":
                return
    except BaseException as exc:  # raised in the caller's thread
        messages.put(exc)


def write_segment(path: str, conn: worker.Channel, answers: worker.Channel) -> None:
    """The child's side: writer arguments in, one segment out, its column names back (named by the caller). Its
    own garbage collector is off: the postings are millions of long-lived objects and no cycles."""
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
        built.close()
        answers.send(("done", sorted(bulk.columns)))
    except EOFError:
        return  # the parent gave up: nothing is committed
    except BaseException as exc:
        worker.report_failure(answers, exc)
    finally:
        conn.close()
        answers.close()


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
