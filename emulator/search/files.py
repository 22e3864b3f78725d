"""The index directory on disk: its stamp, copies by hard link (segment files never change once written), mirroring.

The stamp (`emulator-stamp.json`) says what the directory holds: the database generation its segments hold, the
schema version, the database history it belongs to (a new one with every seed, reset and restore: an index from
another history is never caught up, it is rebuilt) and its manifest: the table of contents and every file of the
segments it lists, with their sizes. The stamp is written last, whole (`disk.write_text`), so a copy or a mirror
cut short by a crash is recognisable: no stamp, or a stamp whose files are not all there (`damage`).

Copies share their files by hard links: segment files never change once written, and tables of contents and the
stamp are replaced whole (a new file renamed into place), never rewritten. The lock file is never shared (a lock on
one copy would lock every other). Snapshots, resets and namespaces all copy an index this one way: segment files
first, then the tables of contents, then the stamp.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from emulator.search import disk
from emulator.search.schema import INDEX_NAME

STAMP_FILE = "emulator-stamp.json"
TOC_PREFIX = f"_{INDEX_NAME}_"
LOCK_FILE = f"{INDEX_NAME}_WRITELOCK"


def is_segment_file(name: str) -> bool:
    """Whether `name` is a Whoosh segment file (`assets_<segment id>.<ext>`): never rewritten, safe to share."""
    return name.startswith(f"{INDEX_NAME}_") and name != LOCK_FILE and not name.endswith(".copying")


def _order(name: str) -> int:
    """Segment files first, tables of contents next, the stamp last; 3: not copied (lock, temporary files)."""
    if is_segment_file(name):
        return 0
    if name.startswith(TOC_PREFIX) and name.endswith(".toc"):
        return 1
    return 2 if name == STAMP_FILE else 3


def _copied(source: Path) -> list[str]:
    return [name for order, name in sorted((_order(n), n) for n in os.listdir(source)) if order < 3]


def copy_index(source: Path, *targets: Path) -> None:
    """Copies of the index directory `source` at each new `target`, one after the other from one listing: every
    file linked (copied where links fail)."""
    names = _copied(source)
    for target in targets:
        target.mkdir(parents=True)
        _fill(source, target, names)


def mirror(source: Path, target: Path, stamp: Path | None = None) -> None:
    """Make `target` hold the files of `source`: its tables of contents, stamp and segment files.

    The stamp and tables of contents go first, so a crash midway leaves a directory without a stamp (rebuilt at
    start), never one whose stamp lists files that are not there. Segment files of the same name are the same files
    (a segment id names one immutable segment) and stay. Segment files `source` does not list stay too, for now: a
    search may still be reading them; the flush thread deletes them once no search holds a view that lists them
    (`SearchIndex.maintain`). `stamp`: a stamp file to put in place instead of the source's (another history).
    Only links: nothing here needs room for data, so a full disk cannot stop it half-way.
    """
    if not target.is_dir():
        target.mkdir(parents=True)
    present = set(os.listdir(target))
    for name in sorted(present - {n for n in present if is_segment_file(n)}, key=lambda n: n != STAMP_FILE):
        _remove(target / name)
    names = [name for name in _copied(source) if not (is_segment_file(name) and name in present)]
    _fill(source, target, names, stamp)


def _remove(path: Path) -> None:
    """Remove a file that is not a segment's; a directory is the temporary storage of a Whoosh write that a crash
    cut short (`assets.tmp/`, its sorting runs): nothing reads it, and it would stop every later mirror."""
    if path.is_dir():
        disk.remove_tree(path)
    else:
        os.unlink(path)


def same_contents(source: Path, target: Path) -> bool:
    """Whether `target` holds `source`'s table of contents, the very file (a link: the same inode), as its only
    one: its segments are then `source`'s too (segment files never change), and only the stamps may differ."""
    tables = [sorted(_tables(folder)) for folder in (source, target)]
    if len(tables[0]) != 1 or tables[0] != tables[1]:
        return False
    ours, theirs = (os.stat(folder / tables[0][0]) for folder in (source, target))
    return (ours.st_ino, ours.st_dev) == (theirs.st_ino, theirs.st_dev)


def _tables(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if _order(name) == 1]


def restamp(source: Path, target: Path, stamp: Path | None = None) -> None:
    """`mirror` of a `target` that already holds `source`'s files (`same_contents`): the stamp only, removed first
    (a crash in between leaves no stamp: rebuilt at start, as after a mirror cut short)."""
    (target / STAMP_FILE).unlink(missing_ok=True)
    disk.checkpoint("index-copy:half")  # the moment a mirror has linked half its files: here, no stamp
    link_or_copy(stamp if stamp is not None else source / STAMP_FILE, target / STAMP_FILE)


def _fill(source: Path, target: Path, names: list[str], stamp: Path | None = None) -> None:
    """Link `names` from `source` into `target` in their order (the stamp last); every file here is replaced whole
    when it changes, never rewritten, so copies can share them."""
    source_dir, target_dir = os.path.join(source, ""), os.path.join(target, "")  # a namespace links hundreds:
    half = len(names) // 2  # names are joined to them as strings
    for number, name in enumerate(names):
        if number == half:
            disk.checkpoint("index-copy:half")
        from_path = stamp if name == STAMP_FILE and stamp is not None else source_dir + name
        link_or_copy(from_path, target_dir + name)


def link_or_copy(source: str | Path, target: str | Path) -> bool:
    """Hard-link `source` to `target`, or copy it where links are impossible; True when linked."""
    try:
        disk.link(source, target)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or exc.errno in disk.STORAGE_ERRNOS:
            raise
        disk.copy_file(source, target)
        return False
    return True


def read_stamp(path: Path) -> dict[str, Any] | None:
    """The stamp of the index directory `path`, if it has a readable one."""
    try:
        data = json.loads((path / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest(path: Path, toc_generation: int, segment_ids: list[str]) -> dict[str, int]:
    """The files one table of contents needs, with their sizes: itself and every file of its segments (a segment
    id, `assets_<id>`, starts the name of each of its files)."""
    prefixes = tuple(f"{segid}." for segid in segment_ids)
    toc = f"{TOC_PREFIX}{toc_generation}.toc"
    return {e.name: e.stat().st_size for e in os.scandir(path) if e.name == toc or e.name.startswith(prefixes)}


def write_stamp(path: Path, generation: int, schema: int, history: str, files: dict[str, int]) -> None:
    """Stamp the index directory `path` (replaced, never rewritten in place: copies by hard link stay apart)."""
    stamp = {"generation": generation, "schema": schema, "history": history, "files": files}
    disk.write_text(path / STAMP_FILE, json.dumps(stamp))


def write_restamped(index: Path, target: Path, history: str) -> None:
    """Write at `target` the stamp of the index directory `index`, carrying `history` instead of its own."""
    stamp = read_stamp(index)
    if stamp is None:
        raise FileNotFoundError(f"{index / STAMP_FILE}: the saved index has no stamp")
    disk.write_text(target, json.dumps(stamp | {"history": history}))


def damage(path: Path, stamp: dict[str, Any]) -> str | None:
    """What is wrong with the files the stamp lists (missing, or another size), else None."""
    files = stamp.get("files")
    if not isinstance(files, dict):
        return "its stamp lists no files (written by an older version)"
    for name, size in sorted(files.items()):
        try:
            found = (path / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if found != size:
            return f"{name} has {found} bytes, the stamp says {size}"
    return None
