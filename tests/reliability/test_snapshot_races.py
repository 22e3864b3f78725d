"""A snapshot deleted while it is restored, or deleted twice at once: each call answers as if it came first or
second, never a 507 or a 500. The restore checked that the snapshot existed before it took the writer lock, and a
delete took no lock at all: a delete between the two left the restore reading a directory that was gone ('snapshot
't0' was not restored: No such file or directory', a 507; 2 in 60 racing restores against a server), and a second
delete renamed a directory the first had moved (FileNotFoundError, a 500).

The race is made the same every run: the other call starts in a thread right after this one's existence check, and
this one goes on once the other has finished or is waiting for the writer lock (no sleeps, no timing)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from fastapi import FastAPI

from emulator.core.errors import NotFound
from emulator.runtime import state
from emulator.runtime.emulator import Emulator

SAFETY_S = 60.0  # only so that a broken lock cannot hang the suite; never reached when the code is right
REAL_IS_FILE = Path.is_file


class WatchedLock:
    """The index's writer lock, telling when a thread other than the test's asks for it."""

    def __init__(self, lock: Any) -> None:
        self.lock, self.owner, self.asked = lock, threading.get_ident(), threading.Event()

    def __enter__(self) -> bool:
        if threading.get_ident() != self.owner:
            self.asked.set()
        return bool(self.lock.__enter__())

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.lock.__exit__(kind, exc, tb)


class Race:
    """Runs `other` in a thread right after the test thread's first check that a snapshot exists."""

    def __init__(self, emu: Emulator, monkeypatch: pytest.MonkeyPatch, other: Callable[[], None]) -> None:
        self.other, self.watched = other, WatchedLock(emu.index.write_lock)
        self.answer: int | None = None
        self.thread = threading.Thread(target=self._run)
        self.done = threading.Event()
        monkeypatch.setattr(emu.index, "write_lock", self.watched)

        def is_file(path: Path) -> bool:  # a plain function: Path binds it as a method
            found = REAL_IS_FILE(path)
            if path.name == "snapshot.json" and threading.get_ident() == self.watched.owner:
                self._start_once()
            return found

        monkeypatch.setattr(Path, "is_file", is_file)

    def _run(self) -> None:
        try:
            self.other()
            self.answer = 204
        except NotFound:
            self.answer = 404
        finally:
            self.done.set()

    def _start_once(self) -> None:
        """Start the other call; go on when it has finished or waits for the writer lock this thread may hold."""
        if self.thread.ident is not None:
            return
        self.thread.start()
        for _ in range(int(SAFETY_S * 1000)):
            if self.done.wait(0.001) or self.watched.asked.is_set():
                return

    def other_answer(self) -> int | None:
        self.thread.join(SAFETY_S)
        return self.answer


@pytest.fixture
def emu(emulator_app: FastAPI) -> Iterator[Emulator]:
    emulator: Emulator = emulator_app.state.emulator
    state.save(emulator, "t0")
    yield emulator
    for name in [s.name for s in state.listing(emulator)]:
        state.delete(emulator, name)


def test_a_snapshot_deleted_during_its_restore_is_restored_then_deleted(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    race = Race(emu, monkeypatch, lambda: state.delete(emu, "t0"))

    state.restore(emu, "t0")  # was InsufficientStorage (507): 'No such file or directory'

    assert race.other_answer() == 204
    monkeypatch.undo()
    assert state.listing(emu) == []


def test_a_snapshot_deleted_twice_at_once_is_deleted_once(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    race = Race(emu, monkeypatch, lambda: state.delete(emu, "t0"))

    state.delete(emu, "t0")  # was FileNotFoundError from the rename (a 500)

    assert race.other_answer() == 404
    monkeypatch.undo()
    assert state.listing(emu) == []
