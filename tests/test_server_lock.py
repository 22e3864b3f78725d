"""`server.lock`: one server per data directory, also when a start races a stop or a `running_server` probe."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

import pytest

from emulator.runtime import lock
from emulator.runtime.lock import DataDirInUse, ServerLock, running_server
from emulator.util import oslock

REAL_TRY_LOCK = oslock.try_lock


def _first_try_after(monkeypatch: pytest.MonkeyPatch, before: Any) -> None:
    """Run `before()` once, just before the first `try_lock` of the code under test (after it opened the file)."""
    pending = [before]

    def try_lock(handle: IO[Any]) -> bool:
        if pending:
            pending.pop()()
        return REAL_TRY_LOCK(handle)

    monkeypatch.setattr(oslock, "try_lock", try_lock)


def test_a_start_that_opened_the_file_of_a_stopping_server_does_not_share_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopping, third = ServerLock(tmp_path), ServerLock(tmp_path)
    stopping.acquire()

    def stop_and_start_another() -> None:  # the starting one has opened the file of the stopping one
        stopping.release()
        third.acquire()  # a new file at the path, locked

    _first_try_after(monkeypatch, stop_and_start_another)
    monkeypatch.setattr(lock, "PROBE_GRACE_S", 0.0)

    with pytest.raises(DataDirInUse, match=f"pid {os.getpid()}"):
        ServerLock(tmp_path).acquire()  # it held the removed file and went on as a second server
    assert running_server(tmp_path) is not None
    third.release()


def test_a_start_while_running_server_probes_the_lock_waits_for_the_probe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / lock.LOCK_FILE).write_text("")  # as a start has just made it
    probe = (tmp_path / lock.LOCK_FILE).open()

    def probe_holds_it_for_an_instant() -> None:
        assert REAL_TRY_LOCK(probe)
        lets_go = SimpleNamespace(monotonic=time.monotonic, sleep=lambda _s: oslock.unlock(probe))
        monkeypatch.setattr(lock, "time", lets_go)  # the probe lets go while the start waits

    _first_try_after(monkeypatch, probe_holds_it_for_an_instant)
    starting = ServerLock(tmp_path)

    starting.acquire()  # was: DataDirInUse (pid None), for a data directory nobody served

    monkeypatch.undo()
    assert running_server(tmp_path) == lock.Holder(pid=os.getpid(), url=None)
    starting.release()
    probe.close()
    assert running_server(tmp_path) is None
    assert not (tmp_path / lock.LOCK_FILE).exists()


def test_a_second_server_is_refused_after_the_probe_grace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = ServerLock(tmp_path)
    holder.acquire()
    holder.publish("http://127.0.0.1:18500")
    monkeypatch.setattr(lock, "PROBE_GRACE_S", 0.0)

    with pytest.raises(DataDirInUse) as refused:
        ServerLock(tmp_path).acquire()

    assert str(refused.value) == (
        f"data directory {tmp_path} is in use by another aip-emulator (pid {os.getpid()} at http://127.0.0.1:18500); "
        "stop that one or pass another --data-dir"
    )
    holder.release()
