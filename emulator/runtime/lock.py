"""One server per data directory: `server.lock` is held while a server runs and names its pid and URL (the lock:
`emulator.util.oslock`, flock on POSIX, msvcrt's on Windows).

The operating system drops the lock when the process dies, even by kill -9, so a lock file left behind by a
crashed server never blocks the next one; readers check the lock, not only the file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from emulator.store.db import DataDirError, storage_problem
from emulator.util import oslock

LOCK_FILE = "server.lock"


@dataclass(frozen=True)
class Holder:
    """The server that holds a data directory."""

    pid: int | None
    url: str | None


class DataDirInUse(Exception):
    """A second server on the same data directory: the message names the directory and the pid that holds it."""

    def __init__(self, data_dir: Path, holder: Holder) -> None:
        where = f" at {holder.url}" if holder.url else ""
        super().__init__(
            f"data directory {data_dir} is in use by another aip-emulator (pid {holder.pid}{where}); "
            "stop that one or pass another --data-dir"
        )


def _read(path: Path) -> Holder:
    try:
        found = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        found = {}
    return Holder(pid=found.get("pid"), url=found.get("url"))


def _is_held(handle: IO[str]) -> bool:
    if not oslock.try_lock(handle):
        return True
    oslock.unlock(handle)
    return False


def running_server(data_dir: Path) -> Holder | None:
    """The server holding `data_dir` right now, or None (no lock file, or its process is gone)."""
    path = data_dir / LOCK_FILE
    try:
        with path.open() as handle:
            return _read(path) if _is_held(handle) else None
    except FileNotFoundError:
        return None


class ServerLock:
    """The lock of one data directory, held from `acquire` until `release` (or the process ends)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock (creating the data directory), or raise `DataDirInUse` (or `DataDirError` for a file)."""
        data_dir = self.path.parent
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+")
        except OSError as exc:
            problem = storage_problem(exc, data_dir)
            if problem is None:
                raise
            raise DataDirError(data_dir, problem) from exc
        if not oslock.try_lock(handle):
            handle.close()
            raise DataDirInUse(self.path.parent, _read(self.path)) from None
        self._handle = handle
        self.publish(None)

    def publish(self, url: str | None) -> None:
        """Record this process and the URL it serves on."""
        assert self._handle is not None, "acquire the lock first"
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(json.dumps({"pid": os.getpid(), "url": url}))
        self._handle.flush()

    def release(self) -> None:
        """Give the lock up and remove the file."""
        if self._handle is None:
            return
        removed = _remove(self.path)
        oslock.unlock(self._handle)
        self._handle.close()
        self._handle = None
        if not removed:
            _remove(self.path)  # Windows: once closed; a new holder's open file stays (it cannot be removed)


def _remove(path: Path) -> bool:
    """Remove `path`; False where the system refuses to remove an open file (Windows)."""
    try:
        path.unlink(missing_ok=True)
    except PermissionError:
        return False
    return True
