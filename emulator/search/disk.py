"""The file operations of a whole-state change (reset, restore, seed, snapshots, namespaces), in one place.

Two things hang off this seam. Ordering: a file that marks something whole (an index stamp, a snapshot's
`snapshot.json`, a namespace's `namespace.json`) is written to a temporary name and renamed after what it lists,
so a crash never shows it half-written or early; the saved states a user asked for are synced too (a power cut).
And testing: `checkpoint(step)` kills the process (SIGKILL, as `kill -9` would) at a named step when `arm` was
given that step (`AIP_EMULATOR_CRASH_AT=step` or `step@n` for its n-th pass), and the tests that fill the disk
replace `link`, `copy_file` or `write_text` here.

It lives in `search/` because that is the floor both the index and the core stand on; it knows nothing of either.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("aip_emulator")
# A link or copy that fails so is a storage problem to report, not a reason to try another way.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}
_NO_COPY_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM}  # copied another way
_CHUNK = 1 << 30  # bytes asked of one copy_file_range call
OPENS_DIRECTORIES = sys.platform != "win32"  # whether os.open takes a directory (for its fsync)
_armed: dict[str, int] = {}  # step -> passes left before the kill
_lock = threading.Lock()


def arm(spec: str | None) -> None:
    """Kill the process at `spec` (`step` or `step@n`); None disarms. Testing only (`AIP_EMULATOR_CRASH_AT`)."""
    with _lock:
        _armed.clear()
        if spec:
            step, _at, count = spec.partition("@")
            _armed[step] = int(count or 1)


def take(prefix: str) -> str | None:
    """The armed spec (`step@n`) of a step starting with `prefix`, disarmed here: for a child process to arm."""
    with _lock:
        for step, left in list(_armed.items()):
            if step.startswith(prefix):
                del _armed[step]
                return f"{step}@{left}"
    return None


def checkpoint(step: str) -> None:
    """A named moment of a whole-state change: the process dies here when armed for it."""
    if not _armed:
        return
    with _lock:
        left = _armed.get(step)
        if left is None:
            return
        _armed[step] = left - 1
        if left > 1:
            return
    log.warning("crash point %s reached: killing the process (AIP_EMULATOR_CRASH_AT)", step)
    logging.shutdown()
    os.kill(os.getpid(), signal.SIGKILL)


def link(source: str | Path, target: str | Path) -> None:
    """Hard-link `source` at `target` (one directory entry: there or not, never half there)."""
    os.link(source, target)


def copy_file(source: str | Path, target: str | Path) -> None:
    """Copy `source`'s bytes to `target` through a temporary name, so `target` is whole or absent. Only the bytes:
    nothing reads a copy's times or mode (a new namespace's database: about a fifth less than `shutil.copy2`)."""
    partial = f"{target}.copying"
    try:
        _copy_bytes(source, partial)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _copy_bytes(source: str | Path, target: str | Path) -> None:
    """The kernel's `copy_file_range` where there is one (Linux: no trip through user space, a reflink on file
    systems that share blocks), else `shutil.copyfile`; a kernel that refuses it for these files, or copies nothing of
    a file that has bytes, falls back too."""
    if not hasattr(os, "copy_file_range"):
        shutil.copyfile(source, target)
        return
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            copied = os.copy_file_range(src.fileno(), dst.fileno(), _CHUNK)
        except OSError as exc:
            if exc.errno not in _NO_COPY_RANGE:
                raise
            shutil.copyfileobj(src, dst)  # nothing copied yet: from the start
            return
        if not copied and os.fstat(src.fileno()).st_size:  # some file systems (FUSE, procfs) copy nothing so
            shutil.copyfileobj(src, dst)
            return
        while copied:  # to the end of the file (0: nothing left)
            copied = os.copy_file_range(src.fileno(), dst.fileno(), _CHUNK)


def write_text(path: Path, text: str, *, sync: bool = False) -> None:
    """Write `path` whole: a temporary file renamed over it (a crash leaves the old file or the new one). `sync`: the
    file and its directory are synced too, for a power cut (saved states the user asked for)."""
    partial = path.with_name(path.name + ".tmp")
    try:
        with partial.open("w") as out:
            out.write(text)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        checkpoint(f"written:{path.name}")  # the new text under its temporary name only
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if sync:
        sync_dir(path.parent)


def write_new(path: Path, text: str) -> Callable[[], None]:
    """Write the new file `path` in a directory nobody reads yet (one being built under a temporary name and renamed
    whole): no temporary name of its own. Its data is synced in a thread of its own meanwhile (a sync waits for the
    disk, not for this process: the caller goes on building); the function returned waits for that sync and raises
    its error. Call it in every case, failures included, before the file's directory is renamed or removed."""
    out = open(path, "x")  # noqa: SIM115 (closed by the sync): only a file made here is removed on failure
    try:
        out.write(text)
        out.flush()
    except BaseException:
        out.close()
        path.unlink(missing_ok=True)
        raise
    failed: list[BaseException] = []

    def sync() -> None:
        try:
            os.fsync(out.fileno())
        except BaseException as exc:  # handed to the caller by `synced`
            failed.append(exc)
        finally:
            out.close()

    thread = threading.Thread(target=sync, name="aip-sync", daemon=True)
    thread.start()

    def synced() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return synced


def sync_dir(path: Path) -> None:
    """Make the directory's entries (links, renames) durable. Not on Windows: a directory cannot be opened as a file
    there, and NTFS journals its entries itself."""
    if not OPENS_DIRECTORIES:
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_tree(path: Path) -> None:
    """Delete a directory tree if it is there (what a failed or interrupted step left)."""
    shutil.rmtree(path, ignore_errors=True)
