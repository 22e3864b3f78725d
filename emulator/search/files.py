"""The index directory on disk: copies by hard link (segment files never change once written) and mirroring.

Only segment files are shared: the tables of contents and the stamp are replaced, never rewritten, but they are
small, and the lock file must never be shared (a lock on one copy would lock every other). Snapshots, resets and
namespaces all copy an index this one way.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from emulator.search.schema import INDEX_NAME

STAMP_FILE = "emulator-stamp.json"  # the database generation the segments hold, and the schema version


def mirror(source: Path, target: Path) -> None:
    """Make `target` hold the files of `source`: its table of contents, stamp and segment files.

    Segment files of the same name are the same files (a segment id names one immutable segment) and stay.
    Segment files `source` does not list stay too, for now: a search may still be reading them; the flush thread
    deletes them once no search holds a view that lists them (`SearchIndex.maintain`). Everything else (tables of
    contents, the stamp, the lock file) is removed or replaced.
    """
    if not target.is_dir():
        copy_index(source, target)
        return
    wanted = {entry.name for entry in os.scandir(source)}
    for entry in os.scandir(target):
        if not _immutable(entry.name):
            os.unlink(entry.path)
    for name in wanted - {entry.name for entry in os.scandir(target)}:
        link_or_copy(str(source / name), str(target / name))


def copy_index(source: Path, target: Path) -> None:
    """A copy of the index directory `source` at the new `target`: segment files linked, the small rest copied."""
    target.mkdir(parents=True)
    for entry in os.scandir(source):
        if entry.is_file(follow_symlinks=False):
            into = str(target / entry.name)
            link_or_copy(entry.path, into) if is_segment_file(entry.name) else shutil.copy2(entry.path, into)


def is_segment_file(name: str) -> bool:
    """Whether `name` is a Whoosh segment file (`assets_<segment id>.<ext>`): never rewritten, safe to share."""
    return name.startswith(f"{INDEX_NAME}_") and name != f"{INDEX_NAME}_WRITELOCK"


_immutable = is_segment_file


def link_or_copy(source: str | Path, target: str | Path) -> bool:
    """Hard-link `source` to `target`, or copy it where links are impossible; True when linked."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        return False
    return True


def read_stamp(path: Path) -> dict[str, int] | None:
    """The stamp of the index directory `path`, if it has a readable one."""
    try:
        data = json.loads((path / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_stamp(path: Path, generation: int, schema: int) -> None:
    """Stamp the index directory `path` (replaced, never rewritten in place: copies by hard link stay apart)."""
    tmp = path / (STAMP_FILE + ".tmp")
    tmp.write_text(json.dumps({"generation": generation, "schema": schema}))
    tmp.replace(path / STAMP_FILE)
