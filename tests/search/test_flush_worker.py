"""Flushes written by the index worker process: the same index as a flush in this process, and what a worker that
dies (killed between batches, mid-batch, or after its commit but before its answer) leaves: every change still
searched, the next flush in a new worker, no document twice; a search pinned across the worker's merge; and a worker
does not outlive its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.search import disk, reading
from emulator.search.files import is_segment_file
from emulator.search.flush_worker import FlushFailed
from emulator.search.index import MERGE_EVERY, SearchIndex
from emulator.search.schema import INDEX_NAME
from emulator.search.tree import All, Document, FieldValues, Match, Pattern, Range, SortKey, SortKind

pytestmark = pytest.mark.slow  # starts worker processes


def _doc(asset_id: int, number: float, name: str) -> Document:
    return Document(asset_id, {"n": FieldValues(number=number), "name": FieldValues(texts=(name,))})


def _index(path: Path, process_from: int) -> SearchIndex:
    built = SearchIndex(path, flush_interval_s=3600, flush_batch=10**6, process_from=process_from)
    built.rebuild([_doc(i, float(i), f"seed{i}") for i in range(1, 6)], total=5, generation=1)
    return built


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    built = _index(tmp_path / "index", process_from=1)
    yield built
    built.close()
    disk.arm(None)


# generation -> (changes, created); run in order, a flush after each
ROUNDS: list[tuple[dict[int, Document | None], set[int]]] = [
    ({6: _doc(6, 60.0, "six"), 7: _doc(7, 70.0, "seven"), 2: _doc(2, 22.0, "two")}, {6, 7}),
    ({6: _doc(6, 66.0, "sixsix"), 3: None, 8: _doc(8, 8.0, "eight")}, {8}),
    ({7: None, 1: _doc(1, 11.0, "one")}, set()),
]


def _answers(index: SearchIndex) -> tuple[object, ...]:
    by_n = index.search(All(), [SortKey("n", SortKind.NUMBER)], 0, 100)
    return (
        by_n.total,
        by_n.asset_ids,
        index.search(Range("n", 10, 65), [], 0, 100).asset_ids,
        sorted(index.search(Match("name", Pattern.exact("six")), [], 0, 100).asset_ids),
        index.doc_count(),
    )


def _apply(index: SearchIndex, rounds: int, flush: bool = True, start: int = 0) -> None:
    for generation, (changes, created) in enumerate(ROUNDS[start:rounds], start=2 + start):
        index.apply(generation, changes, created)
        if flush:
            index.flush()


EXPECTED: tuple[object, ...] = (6, [4, 5, 8, 1, 2, 6], [1, 2], [], 6)  # after every round: 3 and 7 deleted, 6 renamed


def test_a_flush_in_the_worker_process_writes_the_same_index_as_one_in_this_process(
    index: SearchIndex, tmp_path: Path
) -> None:
    here = _index(tmp_path / "here", process_from=0)
    try:
        _apply(here, 3)
        _apply(index, 3)
        assert here.worker.pid is None
        pid = index.worker.pid
        assert pid is not None
        assert pid != os.getpid()
        assert _answers(index) == _answers(here) == EXPECTED
        assert index.pending() == 0
        assert index.flushed == (index.stamp() or {})["generation"] == 4
    finally:
        here.close()
    index.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped by close


def test_a_worker_killed_between_batches_is_replaced_at_the_next_flush(index: SearchIndex) -> None:
    _apply(index, 1)
    first = index.worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    while not _ended(first):
        time.sleep(0.01)

    _apply(index, 3, start=1)

    assert index.worker.pid not in (None, first)
    assert _answers(index) == EXPECTED


@pytest.mark.parametrize("step", ["flush-worker:writing", "flush-worker:committed"])
def test_a_worker_dying_mid_batch_leaves_every_change_searched_and_the_next_flush_writes_each_once(
    index: SearchIndex, step: str
) -> None:
    disk.arm(step)  # handed to the first worker started, which dies there
    _apply(index, 3, flush=False)

    with pytest.raises(FlushFailed):
        index.flush()

    assert index.pending() == 6  # the layer keeps the batch and still shadows the segments
    assert _answers(index) == EXPECTED
    index.flush()  # a new worker, not armed
    assert index.pending() == 0
    assert _answers(index) == EXPECTED


def test_after_a_commit_left_unanswered_a_create_is_not_added_twice(index: SearchIndex) -> None:
    disk.arm("flush-worker:committed")
    index.apply(2, *ROUNDS[0])

    with pytest.raises(FlushFailed):
        index.flush()  # the segment with 6 and 7 is committed; the answer never came

    assert _answers(index)[-1] == 7  # 5 seeds + 2 created, each counted once
    index.flush()  # 6 and 7 were created in this batch: written again, they replace their committed copies
    assert index.doc_count() == 7
    assert index.search(Match("name", Pattern.exact("seven")), [], 0, 10).asset_ids == [7]


def test_a_search_pinned_across_the_workers_merge_reads_its_view_and_its_files_go_once_it_is_done(
    index: SearchIndex,
) -> None:
    """The worker's commits leave merged-away segments' files (`codec.CompactWriter`); this process deletes them
    once no search holds a view that lists them (`SearchIndex.maintain`)."""

    def flush(asset_id: int) -> None:
        index.apply(asset_id, {asset_id: _doc(asset_id, float(asset_id), f"new{asset_id}")}, {asset_id})
        index.flush()

    for asset_id in range(2, MERGE_EVERY + 1):  # one-document segments, the next flush merges them
        flush(asset_id + 100)
    pinned = index._pin()  # a search under way on a view of those segments
    for asset_id in range(MERGE_EVERY + 1, MERGE_EVERY + 3):
        flush(asset_id + 100)
    merged = index._state.view.generation
    try:  # its sort column not read before: the segment files are opened now
        seen = reading.search(pinned, All(), [SortKey("n", SortKind.NUMBER, descending=True)], 0, 100)
    finally:
        index._unpin(pinned)
    index.maintain()

    assert seen.asset_ids == [*range(100 + MERGE_EVERY, 101, -1), 5, 4, 3, 2, 1]
    listed = {part.segid for part in index._state.view.parts}
    assert {part.segid for part in pinned.view.parts} - listed  # segments it read were merged away meanwhile
    names = os.listdir(index.path)
    assert {name.split(".")[0] for name in names if is_segment_file(name)} == listed  # nothing merged away is left
    assert [name for name in names if name.endswith(".toc")] == [f"_{INDEX_NAME}_{merged}.toc"]


CHILD = """
import os, signal, sys
from pathlib import Path
from emulator.search.index import MERGE_EVERY, SearchIndex
from emulator.search.tree import Document, FieldValues
index = SearchIndex(Path(sys.argv[1]), flush_interval_s=3600, flush_batch=10**6, process_from=1)
index.rebuild([], total=0, generation=1)
index.apply(2, {1: Document(1, {"name": FieldValues(texts=("x",))})}, [1])
index.flush()
print(index.worker.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_worker_ends_when_its_server_is_killed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "index")], capture_output=True, text=True, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    orphan = int(done.stdout)
    deadline = time.monotonic() + 10
    while _alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(orphan)


def _ended(child: int) -> bool:
    """Whether this process's child can be reaped (without reaping it): a killed process whose threads are still
    ending shows as a zombie in /proc before its parent can wait for it, and a pipe to it still takes a message."""
    return os.waitid(os.P_PID, child, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")  # a zombie has ended
