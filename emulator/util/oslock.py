"""A lock on an open file that the operating system drops when the process ends (also by kill -9): `flock` on
POSIX, `msvcrt.locking` on Windows, behind the same three functions.

Two open files of the same path exclude each other, also within one process. On Windows a lock covers one byte far
past the end of the file (`msvcrt` locks byte ranges, and nobody else can read a locked range), so what the file
says, such as the pid and URL in `server.lock`, stays readable while it is held.
"""

from __future__ import annotations

import importlib
import os
import time
from types import ModuleType
from typing import IO, Any

_WINDOWS_BYTE = 1 << 30  # where the Windows lock sits: past the end of any lock file
_WAIT = 0.05  # seconds between tries of a blocking lock on Windows


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_FCNTL = _module("fcntl")
_MSVCRT = None if _FCNTL is not None else _module("msvcrt")


def try_lock(handle: IO[Any]) -> bool:
    """Take the lock of `handle` unless another open file holds it: True when taken."""
    try:
        _change(handle, "try")
    except (BlockingIOError, PermissionError):  # flock says EWOULDBLOCK, msvcrt EACCES
        return False
    return True


def lock(handle: IO[Any]) -> None:
    """Take the lock of `handle`, waiting for another holder to let go."""
    if _MSVCRT is None:
        _change(handle, "wait")
        return
    while not try_lock(handle):  # msvcrt's own waiting gives up after 10 s
        time.sleep(_WAIT)


def unlock(handle: IO[Any]) -> None:
    """Give up the lock of `handle` (closing the file does too)."""
    _change(handle, "unlock")


def _change(handle: IO[Any], how: str) -> None:
    if _FCNTL is not None:
        modes = {"try": _FCNTL.LOCK_EX | _FCNTL.LOCK_NB, "wait": _FCNTL.LOCK_EX, "unlock": _FCNTL.LOCK_UN}
        _FCNTL.flock(handle, modes[how])
    elif _MSVCRT is not None:
        _windows(handle, {"try": _MSVCRT.LK_NBLCK, "unlock": _MSVCRT.LK_UNLCK}[how])
    else:
        raise OSError("this system has neither fcntl nor msvcrt: aip-emulator cannot lock its data directory")


def _windows(handle: IO[Any], mode: int) -> None:
    """`msvcrt.locking` on the byte at `_WINDOWS_BYTE`, the file's position put back afterwards."""
    assert _MSVCRT is not None
    handle.flush()
    descriptor = handle.fileno()
    position = os.lseek(descriptor, 0, os.SEEK_CUR)
    os.lseek(descriptor, _WINDOWS_BYTE, os.SEEK_SET)
    try:
        _MSVCRT.locking(descriptor, mode, 1)
    finally:
        os.lseek(descriptor, position, os.SEEK_SET)
