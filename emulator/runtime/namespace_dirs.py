"""A namespace on disk: `<data dir>/namespaces/<name>/` holds a data directory of its own plus `namespace.json`.

A new one is made from a saved state of the default namespace (its reset baseline or a snapshot): the database is
copied (SQLite writes it in place), the index's segment files and the saved database behind the new namespace's own
reset baseline are hard links to the source's, which nobody rewrites. Nothing is re-indexed.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from emulator.search import disk
from emulator.search.files import copy_index, link_or_copy
from emulator.store import models as m

META = "namespace.json"
_DB, _INDEX, _SNAPSHOTS, _BASELINE, _SNAPSHOT_META = "emulator.db", "index", "snapshots", "_baseline", "snapshot.json"


def wall_ms() -> int:
    """Real time in epoch ms (a namespace's own clock may be frozen; idleness is judged by the wall clock)."""
    return time.time_ns() // 1_000_000


@dataclass
class Meta:
    """What `namespace.json` keeps."""

    name: str
    created_at: int
    last_used_at: int
    source: str  # "baseline" or "snapshot:<name>"


def read_meta(directory: Path) -> Meta:
    data = json.loads((directory / META).read_text())
    return Meta(data["name"], int(data["createdAt"]), int(data["lastUsedAt"]), str(data.get("from", "baseline")))


def write_meta(directory: Path, meta: Meta) -> None:
    disk.write_text(directory / META, _meta_json(meta))


def _meta_json(meta: Meta) -> str:
    body = {"name": meta.name, "createdAt": meta.created_at, "lastUsedAt": meta.last_used_at, "from": meta.source}
    return json.dumps(body)


def is_namespace(directory: Path) -> bool:
    return (directory / META).is_file()


def make(source: Path, target: Path, meta: Meta) -> None:
    """Create the namespace directory `target` from the saved state in `source` (its `emulator.db` and `index/`).

    Built beside the target and renamed into place, so a crash leaves either nothing or a whole namespace. Two
    syncs (a power cut): `namespace.json`'s data before the rename (written first, synced while the rest is
    copied), the parent's entry after it; the partial directory's own entries are not synced (docs/durability.md,
    "Namespaces and a power cut").
    """
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        synced = disk.write_new(partial / META, _meta_json(meta))  # `partial` is the temporary name: no rename
        try:
            _copy(source, partial, meta)
        finally:
            synced()
        disk.checkpoint("namespace:written")
        partial.rename(target)
        disk.checkpoint("namespace:renamed")
        disk.sync_dir(target.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _copy(source: Path, partial: Path, meta: Meta) -> None:
    """The namespace's database and index, and its own baseline (a link to the saved database, a copy of the index)."""
    disk.copy_file(source / _DB, partial / _DB)
    disk.checkpoint("namespace:database-copied")
    baseline = partial / _SNAPSHOTS / _BASELINE
    copy_index(source / _INDEX, partial / _INDEX, baseline / _INDEX)  # its own, then its baseline's
    link_or_copy(source / _DB, baseline / _DB)
    disk.write_text(baseline / _SNAPSHOT_META, saved_meta(_BASELINE, meta.created_at))


Identity = tuple[int, int, int, int, str]  # which saved state a directory holds: see `identity`


def saved_meta(name: str, created_at: int) -> str:
    """The `snapshot.json` of a saved state: its name, when, and a save id no other save has."""
    return json.dumps({"name": name, "createdAt": created_at, "saveId": secrets.token_hex(8)})


def identity(saved: Path) -> Identity:
    """Which saved state `saved` holds: its database file (device, inode, modification time, size) and the save id
    written with it. A file system that reuses an inode within its timestamp's resolution cannot make two saves
    look the same."""
    info = (saved / _DB).stat()
    try:
        save_id = str(json.loads((saved / _SNAPSHOT_META).read_text()).get("saveId", ""))
    except (OSError, ValueError, AttributeError):
        save_id = ""  # saved before save ids: the file's identity alone
    return info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size, save_id


def remove(directory: Path) -> None:
    """Delete a namespace's data from disk: renamed away first, so a half-deleted one is never opened again."""
    doomed = directory.with_name(f".{directory.name}.deleted")
    shutil.rmtree(doomed, ignore_errors=True)
    directory.rename(doomed)
    shutil.rmtree(doomed)


def stored_assets(directory: Path) -> int:
    """How many assets a namespace that is not open holds (read from its database file)."""
    with sqlite3.connect(directory / _DB) as connection:
        row = connection.execute(f"SELECT count(*) FROM {m.Asset.__tablename__}").fetchone()
    connection.close()
    return int(row[0])


def leftovers(root: Path) -> None:
    """Remove what an interrupted create or delete left behind (`.name.partial`, `.name.deleted`), and a directory
    without `namespace.json`: what a power cut can leave of a creation on a file system that made the rename
    durable before the partial directory's own entries (`make` does not sync those)."""
    for stale in root.iterdir():
        hidden = stale.name.startswith(".") and stale.suffix in (".partial", ".deleted")
        if stale.is_dir() and (hidden or not (stale.name.startswith(".") or is_namespace(stale))):
            shutil.rmtree(stale, ignore_errors=True)
