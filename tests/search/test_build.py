"""A build split between this process and a child writes the same segment as one in this process."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from emulator.core.documents import build_document
from emulator.core.views import iter_all_views
from emulator.runtime.documents import DatabaseDocuments
from emulator.runtime.emulator import Emulator
from emulator.search.build import BATCH, CHILD_FROM, BuildFailed, _follow, build_index
from emulator.search.schema import INDEX_NAME
from emulator.search.tree import Document, FieldValues
from emulator.settings import Settings, default_fixtures
from emulator.util import worker
from emulator.util.progress import Progress


def _workers() -> list[int]:
    """Index worker processes of this process still running (not yet reaped ones included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"emulator.search.build" in command:
            found.append(int(entry.name))
    return found


def _docs(count: int) -> list[Document]:
    words = ("alpha beta", "beta gamma delta", "İstanbul straße", "x1.5 y__z")
    return [
        Document(
            i,
            {
                "name": FieldValues(texts=(f"asset {i}", words[i % len(words)]), sort_text=f"asset {i:05d}"),
                "n": FieldValues(number=float(i % 97)),
                "tag": FieldValues(texts=(words[i % 3],)),
            },
        )
        for i in range(1, count + 1)
    ]


def _files(path: Path) -> dict[str, str]:
    built = index.open_dir(str(path), indexname=INDEX_NAME)
    (segment,) = built._segments()
    schema = sorted(built.schema.names())
    built.close()
    files = [p for p in path.iterdir() if segment.segid in p.name]  # the stored sort orders too
    digests = {p.name.replace(segment.segid, "S"): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    return digests | {"schema": ",".join(schema)}


def test_the_child_writes_the_segment_this_process_would(tmp_path: Path) -> None:
    docs = _docs(700)
    (tmp_path / "here").mkdir()
    (tmp_path / "child").mkdir()
    build_index(tmp_path / "here", docs, len(docs), Progress())
    progress = Progress()
    build_index(tmp_path / "child", docs, len(docs), progress, child_from=0)

    assert _files(tmp_path / "child") == _files(tmp_path / "here")
    assert progress.finished == ["indexing assets"]
    report = progress.report()
    assert report["step"] == "writing the index"
    assert report["done"] == report["total"] > 700


def test_a_build_over_the_threshold_uses_only_the_childs_stdin_and_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no `pass_fds`: the child is spoken to through its standard streams, and writes the same index."""
    docs = _docs(CHILD_FROM)
    started: list[dict[str, Any]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(kwargs)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    (tmp_path / "here").mkdir()
    (tmp_path / "child").mkdir()
    build_index(tmp_path / "here", docs, len(docs), Progress(), child_from=len(docs) + 1)
    assert not started
    build_index(tmp_path / "child", docs, len(docs), Progress())

    assert [sorted(kwargs) for kwargs in started] == [["env", "stdin", "stdout"]]
    assert _files(tmp_path / "child") == _files(tmp_path / "here")


@pytest.mark.parametrize("procs", [1, 2])
def test_a_failing_document_source_stops_the_children(tmp_path: Path, procs: int) -> None:
    def failing() -> Iterator[Document]:
        yield from _docs(1000)
        raise RuntimeError("the database went away")

    (tmp_path / "index").mkdir()
    with pytest.raises(RuntimeError, match="went away"):
        build_index(tmp_path / "index", failing(), 2000, Progress(), child_from=0, procs=procs)
    assert not _workers()
    assert index.open_dir(str(tmp_path / "index"), indexname=INDEX_NAME).doc_count() == 0  # nothing committed


def test_a_storage_error_in_the_child_is_raised_here_as_that_error(tmp_path: Path) -> None:
    """A directory that is a file, a full disk: the caller's storage-error handling names the data dir."""
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with pytest.raises(OSError, match="file") as raised:
        build_index(not_a_directory, _docs(10), 10, Progress(), child_from=0)
    assert raised.value.errno is not None
    assert not isinstance(raised.value, BrokenPipeError)
    assert not _workers()


def test_any_other_failure_of_the_child_comes_with_its_traceback(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    child = worker.start("emulator.search.build", str(tmp_path / "index"))
    try:
        child.outbox.send((None, 0, 1))  # no source: writer arguments follow
        child.outbox.send_bytes(pickle.dumps([{"uid": "1", "v_f": "one string, not a list of terms"}]))
        child.outbox.send_bytes(b"")
        progress = Progress()
        with pytest.raises(BuildFailed, match=r"(?s)Traceback.*TypeError: bulk writing takes a list of terms"):
            _follow([child], progress.step("indexing assets", 1, "asset"), progress)
    finally:
        child.close()
    assert not _workers()


def test_a_script_without_a_main_guard_is_not_run_again_by_the_worker(tmp_path: Path) -> None:
    """The worker is a fresh interpreter running one module: the caller's script is not imported again."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from emulator.search.build import build_index\n"
        "from emulator.util.progress import Progress\n"
        "from emulator.search.tree import Document, FieldValues\n"
        "print('script started', flush=True)\n"
        "docs = [Document(i, {'name': FieldValues(texts=(f'asset {i}',))}) for i in range(1, 50)]\n"
        f"path = Path({str(tmp_path / 'index')!r}); path.mkdir()\n"
        "build_index(path, docs, len(docs), Progress(), child_from=0)\n"
        "print('built', flush=True)\n"
    )

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True)

    assert done.stdout.splitlines() == ["script started", "built"]


def _terms(path: Path) -> tuple[int, list[str], dict[tuple[str, bytes], int]]:
    built = index.open_dir(str(path), indexname=INDEX_NAME)
    with built.reader() as reader:
        terms = {term: reader.doc_frequency(*term) for term in reader.all_terms()}
        found = built.doc_count(), sorted(built.schema.names()), terms
    built.close()
    return found


def test_two_children_write_a_segment_each_holding_between_them_what_one_writes(tmp_path: Path) -> None:
    docs = _docs(1500)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    build_index(tmp_path / "one", docs, len(docs), Progress(), child_from=0)
    progress = Progress()
    build_index(tmp_path / "two", docs, len(docs), progress, child_from=0, procs=2)

    assert _terms(tmp_path / "two") == _terms(tmp_path / "one")
    built = index.open_dir(str(tmp_path / "two"), indexname=INDEX_NAME)
    segments = built._segments()
    built.close()
    assert sorted(segment.doc_count() for segment in segments) == [732, 768]  # batches of 256 in turn
    assert [p.name for p in (tmp_path / "two").iterdir() if p.is_dir()] == []
    for segment in segments:  # the stored sort orders moved with their segment
        assert any(p.name.startswith(segment.segment_id() + ".ord") for p in (tmp_path / "two").iterdir())
    assert progress.finished == ["indexing assets"]
    report = progress.report()
    assert report["step"] == "writing the index"
    assert report["done"] == report["total"] > 1500


class _Source:
    """Documents the children read for themselves (by batches of `BATCH` in turn, as the database's are);
    `failing`: the second child's share fails half-way."""

    def __init__(self, count: int, failing: bool = False) -> None:
        self.count, self.failing = count, failing

    def documents(self, part: int, parts: int) -> Iterator[Document]:
        docs = _docs(self.count)
        for start in range(part * BATCH, len(docs), BATCH * parts):
            if self.failing and part == 1:
                raise RuntimeError("the database went away")
            yield from docs[start : start + BATCH]


@pytest.mark.slow  # writer child processes importing the emulator
def test_children_reading_their_own_documents_hold_between_them_what_one_writes(tmp_path: Path) -> None:
    docs = _docs(1500)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    build_index(tmp_path / "one", docs, len(docs), Progress(), child_from=0)
    progress = Progress()
    build_index(tmp_path / "two", iter(()), len(docs), progress, procs=2, source=_Source(len(docs)))

    assert _terms(tmp_path / "two") == _terms(tmp_path / "one")
    assert progress.finished == ["indexing assets"]
    report = progress.report()
    assert report["step"] == "writing the index"
    assert report["done"] == report["total"] > 1500


@pytest.mark.slow  # writer child processes importing the emulator
def test_a_child_failing_to_read_its_documents_stops_the_build_and_leaves_no_part_folder(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    with pytest.raises(BuildFailed, match=r"(?s)Traceback.*RuntimeError: the database went away"):
        build_index(tmp_path / "index", iter(()), 1500, Progress(), procs=2, source=_Source(1500, failing=True))
    assert not _workers()
    assert [p.name for p in (tmp_path / "index").iterdir() if p.is_dir()] == []  # no part-1, no writer's temporary


def test_no_more_children_than_batches_of_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[str, ...]] = []
    real_start = worker.start

    def start(module: str, *args: str) -> worker.Worker:
        started.append(args)
        return real_start(module, *args)

    monkeypatch.setattr(worker, "start", start)
    (tmp_path / "index").mkdir()
    build_index(tmp_path / "index", _docs(BATCH + 1), BATCH + 1, Progress(), procs=8)
    assert len(started) == 2
    assert index.open_dir(str(tmp_path / "index"), indexname=INDEX_NAME).doc_count() == BATCH + 1


def test_the_databases_documents_in_shares_are_every_document_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", fixtures=default_fixtures())
    emulator = Emulator(settings)
    emulator.open_store()
    try:
        with emulator.session() as session:
            catalog = emulator.catalog
            expected = [build_document(view, catalog, emulator.zone) for view in iter_all_views(session, catalog)]
    finally:
        emulator.close()
    source = DatabaseDocuments(str(settings.database_path), emulator.zone.key, batch=7)
    shares = [list(source.documents(part, 3)) for part in range(3)]

    assert all(len(share) > 7 for share in shares)
    assert sorted((doc for share in shares for doc in share), key=lambda doc: doc.asset_id) == expected
