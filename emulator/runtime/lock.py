"""One server per data directory: `server.lock` is held while a server runs and names its pid and URL (the lock:
`emulator.util.oslock`, flock on POSIX, msvcrt's on Windows).

The operating system drops the lock when the process dies, even by kill -9, so a lock file left behind by a
crashed server never blocks the next one; readers check the lock, not only the file.

A stopping server removes the file while it still holds the lock. A starting one that opened the file just before
then locks a removed file, so after locking it checks that the path still names the file it holds, and opens it
again if not: two servers never both hold one data directory. `running_server` takes the lock for an instant to
see whether anyone holds it, so a start that finds the lock held looks again for a moment (`PROBE_GRACE_S`)
before it gives up.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from emulator.util import oslock

LOCK_FILE = "server.lock"
PROBE_GRACE_S = 0.5  # how long a start retries a held lock: a probe holds it for microseconds, a server for good
_RETRY_S = 0.01


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


def _is_current(handle: IO[str], path: Path) -> bool:
    """Whether `path` still names the file open in `handle` (a stopping server removes it before letting go)."""
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(handle.fileno())
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def running_server(data_dir: Path) -> Holder | None:
    """The server holding `data_dir` right now, or None (no lock file, or its process is gone)."""
    path = data_dir / LOCK_FILE
    while True:
        try:
            handle = path.open()
        except FileNotFoundError:
            return None
        with handle:
            if not oslock.try_lock(handle):
                return _read(path)
            current = _is_current(handle, path)
            oslock.unlock(handle)
        if current:
            return None
        # the file was removed meanwhile (a server stopped, maybe another started): look at the new one


class ServerLock:
    """The lock of one data directory, held from `acquire` until `release` (or the process ends)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock (creating the data directory), or raise `DataDirInUse` (or `DataDirError` for a file)."""
        deadline = time.monotonic() + PROBE_GRACE_S
        while True:
            handle = self._open()
            if oslock.try_lock(handle):
                if _is_current(handle, self.path):
                    break
                handle.close()  # a removed file (its server stopped as this one opened it): open the new one
                continue
            handle.close()
            if time.monotonic() >= deadline:  # held for longer than a `running_server` probe holds it
                raise DataDirInUse(self.path.parent, _read(self.path)) from None
            time.sleep(_RETRY_S)
        self._handle = handle
        self.publish(None)

    def _open(self) -> IO[str]:
        data_dir = self.path.parent
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            return self.path.open("a+")
        except OSError as exc:
            # Loaded here, on a failure: `running_server` (a `token` command's look for a server) loads no database.
            from emulator.store.db import DataDirError, storage_problem  # noqa: PLC0415

            problem = storage_problem(exc, data_dir)
            if problem is None:
                raise
            raise DataDirError(data_dir, problem) from exc

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
