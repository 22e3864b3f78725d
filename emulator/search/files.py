"""The index directory on disk: copies by hard link (segment files never change once written) and mirroring."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from emulator.search.schema import INDEX_NAME


def mirror(source: Path, target: Path) -> None:
    """Make `target` hold the files of `source`: its table of contents, stamp and segment files.

    Segment files of the same name are the same files (a segment id names one immutable segment) and stay.
    Segment files `source` does not list stay too, for now: a search may still be reading them; the flush thread
    deletes them once no search holds a view that lists them (`SearchIndex.maintain`). Everything else (tables of
    contents, the stamp, the lock file) is removed or replaced.
    """
    if not target.is_dir():
        shutil.copytree(source, target, copy_function=link_or_copy)
        return
    wanted = {entry.name for entry in os.scandir(source)}
    for entry in os.scandir(target):
        if not _immutable(entry.name):
            os.unlink(entry.path)
    for name in wanted - {entry.name for entry in os.scandir(target)}:
        link_or_copy(str(source / name), str(target / name))


def _immutable(name: str) -> bool:
    return name.startswith(f"{INDEX_NAME}_") and name != f"{INDEX_NAME}_WRITELOCK"


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
