"""Building a new index from all documents: unmerged segments written by `emulator.search.whoosh_internals.bulk`.

From `CHILD_FROM` documents on the work is split between processes, so that both cores are busy and the build's
memory is given back when it ends. A child process (`emulator.util.worker`) tokenises documents, collects the
postings and writes a segment. With `procs` > 1 (`AIP_EMULATOR_INDEX_PROCS`, at most one per batch of documents)
that many children each write their own segment into their own folder; their segments are then joined into one
index unmerged (`whoosh_internals.join`), as searched after flushes (a page across segments starts by bisection:
`emulator.search.pages`). Given a `DocumentSource`, each child reads and builds its own share of the documents
(from the database: the serving process only follows their progress); else this process turns the documents into
writer arguments and sends them down the pipes in batches, to the children in turn. Each child answers with its
progress reading, the number of its terms and its progress writing them.
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
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from emulator.search.schema import INDEX_NAME, build_schema, declare, whoosh_document
from emulator.search.tree import Document
from emulator.search.whoosh_internals import codec, naming
from emulator.search.whoosh_internals.bulk import BulkPostings
from emulator.search.whoosh_internals.join import join
from emulator.util import worker
from emulator.util.progress import Progress, Step

CHILD_FROM = 2000  # documents from which a child process writes the segment
BATCH = 256  # documents per message to the child (and per progress message from it)


class BuildFailed(RuntimeError):
    """The child process writing the segment failed; the message carries its traceback."""


class DocumentSource(Protocol):
    """Documents a writer process can read for itself (picklable: it is sent to the children)."""

    def documents(self, part: int, parts: int) -> Iterator[Document]:
        """Share `part` of `parts` of all documents (the shares together: every document once)."""
        ...


def build_index(
    path: Path,
    docs: Iterable[Document],
    total: int,
    progress: Progress,
    *,
    procs: int = 1,
    child_from: int = CHILD_FROM,
    source: DocumentSource | None = None,
) -> None:
    """Write `docs` into a new index at `path` (an empty directory): by `procs` children, one segment each, when
    `procs` > 1 or from `child_from` documents on; else in this process. With a `source`, the children read their
    documents from it and `docs` is not read."""
    if procs > 1 or total >= child_from:
        count = max(1, min(procs, -(-total // BATCH)))  # no child without a batch of its own
        _build_in_children(path, docs, total, progress, count, source=source)
    else:
        _build_here(path, docs, total, progress)


def _build_here(path: Path, docs: Iterable[Document], total: int, progress: Progress) -> None:
    built = naming.create_in(str(path), build_schema(), INDEX_NAME)
    writer = codec.writer(built, compound=False)
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


def _build_in_children(
    path: Path, docs: Iterable[Document], total: int, progress: Progress, count: int, *, source: DocumentSource | None
) -> None:
    """`count` children, each writing one segment into its own folder (the first into `path`), then joined. The
    other folders are gone afterwards, whether the build succeeded or not."""
    folders = [path] + [path / f"part-{number}" for number in range(1, count)]
    try:
        for folder in folders[1:]:
            folder.mkdir()
        columns = _run_children(folders, docs, total, progress, source)
        join(path, folders[1:], INDEX_NAME)
    finally:
        for folder in folders[1:]:
            shutil.rmtree(folder, ignore_errors=True)
    built = naming.open_dir(str(path), INDEX_NAME)
    _name_columns(built, columns)
    built.close()


def _run_children(
    folders: list[Path], docs: Iterable[Document], total: int, progress: Progress, source: DocumentSource | None
) -> set[str]:
    """One child per folder, told where its documents come from; the columns they wrote."""
    children = [worker.start("emulator.search.build", str(folder)) for folder in folders]  # never a fork
    try:
        with progress.step("indexing assets", total, "asset") as step:
            with suppress(BrokenPipeError):  # a child stopped reading: it failed, and says why below
                for part, child in enumerate(children):
                    child.outbox.send((source, part, len(children)))
                if source is None:
                    _send_documents([child.outbox for child in children], docs, step)
            return _follow(children, step, progress)
    finally:
        for child in children:
            child.close()


def _send_documents(outboxes: list[worker.Channel], docs: Iterable[Document], step: Step) -> None:
    """Batches of writer arguments to the children in turn, then an empty message to each."""
    batch: list[dict[str, Any]] = []
    sent = 0
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


def _follow(children: list[worker.Worker], reading: Step, progress: Progress) -> set[str]:
    """The children's progress: documents read (a source's), then one step over every child's terms (opened once
    all have counted theirs, closing `reading`); the columns written."""
    messages: queue.SimpleQueue[tuple[Any, ...] | BaseException] = queue.SimpleQueue()
    for child in children:
        threading.Thread(target=_relay, args=(child.inbox, messages), daemon=True).start()
    counts: list[int] = []
    written, finished, columns = 0, 0, set()
    step = None
    try:
        while finished < len(children):
            message = messages.get()
            if isinstance(message, BaseException):
                raise message
            kind, value = message
            if kind == "read":
                reading.update(value)
            elif kind == "terms":
                counts.append(value)
                if len(counts) == len(children):
                    reading.close()
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
    """The child's side: its documents (from the source the first message names, else writer arguments in
    batches), one segment out, its column names back (named by the caller). Its own garbage collector is off: the
    postings are millions of long-lived objects and no cycles."""
    gc.disable()
    try:
        built = naming.create_in(path, build_schema(), INDEX_NAME)
        writer = codec.writer(built, compound=False)
        try:
            columns = _write(writer, conn, answers)
        except BaseException:
            writer.cancel()  # its temporary files go
            raise
        built.close()
        answers.send(("done", columns))
    except (EOFError, BrokenPipeError):
        return  # the parent gave up (another child failed): nothing is committed
    except BaseException as exc:
        with suppress(BrokenPipeError):
            worker.report_failure(answers, exc)
    finally:
        conn.close()
        answers.close()


def _write(writer: Any, conn: worker.Channel, answers: worker.Channel) -> list[str]:
    """Add the child's documents and commit its segment; the columns written."""
    bulk = BulkPostings(writer)
    source, part, parts = conn.recv()
    if source is None:
        while message := conn.recv_bytes():
            for kwargs in pickle.loads(message):
                bulk.add_document(kwargs)
    else:
        _read_share(bulk, source.documents(part, parts), answers)
    answers.send(("terms", bulk.term_count()))
    bulk.on_field = lambda count: answers.send(("written", count))
    writer.commit()
    return sorted(bulk.columns)


def _read_share(bulk: BulkPostings, docs: Iterator[Document], answers: worker.Channel) -> None:
    """The child's share of a source's documents added, told to the parent a batch at a time."""
    count = 0
    for doc in docs:
        bulk.add_document(whoosh_document(doc))
        count += 1
        if count == BATCH:
            answers.send(("read", count))
            count = 0
    answers.send(("read", count))


def _name_columns(built: Any, names: set[str]) -> None:
    """Replace the build's column globs by the columns it wrote, named one by one (a commit without documents)."""
    writer = codec.writer(built)
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
