"""Copying a data directory's state cheaply: what never changes on disk is shared, the rest is copied.

Whoosh never rewrites a segment file once written (deletions live in the table of contents, merges write new
segments and unlink the old ones), so segment files can be hard links shared by the live index, its snapshots and
every namespace made from them. The table of contents, the lock file and our stamp are small and copied. The SQLite
database is written in place and always copied.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

from emulator.search.index import INDEX_NAME

# `assets_<segment id>.<ext>`: a segment file (the lock file `assets_WRITELOCK` has no extension).
_SEGMENT_FILE = re.compile(rf"^{INDEX_NAME}_[0-9a-z]+\.")
_CROSS_DEVICE = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP}


def is_segment_file(name: str) -> bool:
    """Whether `name` is a Whoosh segment file (never rewritten, safe to share)."""
    return _SEGMENT_FILE.match(name) is not None


def share_file(source: Path | str, target: Path | str) -> bool:
    """Hard-link `source` to `target` (a copy where links are impossible); True when linked."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in _CROSS_DEVICE:
            raise
        shutil.copyfile(source, target)
        return False
    return True


def share_index(source: Path, target: Path) -> None:
    """A copy of the index directory `source` at `target`: segment files linked, the small rest copied."""
    target.mkdir(parents=True)
    into = str(target)
    for entry in os.scandir(source):
        if not entry.is_file(follow_symlinks=False):
            continue
        destination = os.path.join(into, entry.name)
        if is_segment_file(entry.name):
            share_file(entry.path, destination)
        else:
            shutil.copyfile(entry.path, destination)


def disk_usage(root: Path, seen: set[int] | None = None) -> tuple[int, int]:
    """Bytes under `root`: (owned: files with no other link, shared: files linked from elsewhere too)."""
    owned = shared = 0
    seen = set() if seen is None else seen
    for path in root.rglob("*"):
        info = path.lstat()
        if not path.is_file() or info.st_ino in seen:
            continue
        seen.add(info.st_ino)
        if info.st_nlink > 1:
            shared += info.st_size
        else:
            owned += info.st_size
    return owned, shared
