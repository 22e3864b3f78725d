"""Loaded at start-up by a Python whose PYTHONPATH begins with this directory: the emulator's code finds no `fcntl`
there, as on Windows (an `import fcntl` in its modules fails, and so does `importlib.import_module("fcntl")`), and
`importlib.import_module("msvcrt")`, as `emulator.util.oslock` asks for it, gives a stand-in that checks how it is
called and locks with flock. An `import msvcrt` statement still fails: the standard library would take the machine
for Windows. `signal.SIGHUP` is gone, as on Windows.

The stand-in keeps `msvcrt.locking`'s contract as `emulator.util.oslock` uses it: one byte at the file's current
position, LK_NBLCK failing with PermissionError (EACCES) while another open file holds it, LK_UNLCK releasing it.
"""

from __future__ import annotations

import errno
import fcntl as _fcntl
import importlib.abc
import importlib.machinery
import os
import signal
import sys
import types
from collections.abc import Sequence

LOCK_BYTE = 1 << 30  # where emulator.util.oslock puts its Windows lock
LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2


class _NoFcntlForTheEmulator(importlib.abc.MetaPathFinder):
    """`import fcntl` fails in the emulator's modules. Third-party code keeps it: Whoosh picks its own index lock
    by `os.name` (msvcrt on Windows, fcntl elsewhere), so on this machine it needs fcntl."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "fcntl" and _importer().startswith("emulator"):
            raise ModuleNotFoundError("No module named 'fcntl' (hidden: tests/without_fcntl)", name=fullname)
        return None


def _importer() -> str:
    """The module whose code is importing (the first caller outside importlib)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(("importlib", "sitecustomize")):
        frame = frame.f_back
    return str(frame.f_globals.get("__name__", ""))


def _import_module(name: str, package: str | None = None) -> types.ModuleType:
    """`importlib.import_module` as `emulator.util.oslock` uses it: no fcntl, and a stand-in for msvcrt."""
    if name == "fcntl":
        raise ModuleNotFoundError("No module named 'fcntl' (hidden: tests/without_fcntl)", name=name)
    return _msvcrt if name == "msvcrt" else _real_import_module(name, package)


def locking(fd: int, mode: int, nbytes: int) -> None:
    where = os.lseek(fd, 0, os.SEEK_CUR)
    if (where, nbytes) != (LOCK_BYTE, 1):
        raise AssertionError(f"msvcrt.locking at {where} for {nbytes} bytes, not at {LOCK_BYTE} for 1")
    if mode == LK_UNLCK:
        _fcntl.flock(fd, _fcntl.LOCK_UN)
        return
    if mode != LK_NBLCK:
        raise AssertionError(f"msvcrt.locking mode {mode}: only LK_NBLCK and LK_UNLCK are expected")
    try:
        _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
    except BlockingIOError:
        raise PermissionError(errno.EACCES, "Permission denied") from None


_msvcrt = types.ModuleType("msvcrt", "a stand-in for Windows' msvcrt: file locks only")
for _name, _value in {"LK_UNLCK": LK_UNLCK, "LK_LOCK": LK_LOCK, "LK_NBLCK": LK_NBLCK, "locking": locking}.items():
    setattr(_msvcrt, _name, _value)
_real_import_module = importlib.import_module
importlib.import_module = _import_module
del sys.modules["fcntl"]
del signal.SIGHUP  # nor has Windows a hang-up signal
sys.meta_path.insert(0, _NoFcntlForTheEmulator())
