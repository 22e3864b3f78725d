"""Replacing the whole state (reset, restore, seed) in one step that a crash cannot cut in two. No FastAPI here.

1. stage: the data directory gets what the new state needs while nothing visible changes: `.replace.db` (a copy of
   the source database under a new history) and, for a seed, `.replace-baseline/` (the new reset baseline, whose
   index is the new index) and `.replace-stamp.json` (the new index's stamp, carrying the new history);
   `.replace.json`, naming the history and the index to put in place, comes last.
2. commit: SQLite's online backup copies the staged database into the live one in one transaction. That is the
   moment of the switch: from then on the database carries the new history.
3. finish: the index directory is mirrored from the planned one by links only (the staged stamp last), so a full
   disk cannot stop it half-way; the staged baseline replaces `snapshots/_baseline` (by renames), and the stage is
   removed (its plan first).

A start that finds a stage finishes it when the database carries the staged history (the crash came after the
commit) and removes it otherwise. Either way the index is then checked against the database's history and rebuilt
if it belongs to another one (`SearchIndex.unusable`), so a start never serves new rows through an old index.

Directories that replace one another whole (a snapshot saved again, the baseline of a seed) are swapped by renames
(`swap_dir`): the old one is renamed away first, and a start puts it back if the new one never arrived.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from emulator.runtime.namespace_dirs import saved_meta
from emulator.search import disk
from emulator.search.files import copy_index, mirror, write_restamped
from emulator.search.index import SearchIndex
from emulator.store.db import HISTORY, new_history
from emulator.store.models import Meta

log = logging.getLogger("aip_emulator")
STAGED_DB, STAGED_STAMP, PLAN = ".replace.db", ".replace-stamp.json", ".replace.json"
# Every file of a stage, the plan first (a stage without its plan is never finished): a kill can leave the staged
# database's -wal and -shm (it was open) and a plan or stamp half-written under its temporary name (`disk.write_text`).
_SQLITE_TAILS = ("-journal", "-wal", "-shm")
STAGE_FILES = (
    PLAN,
    PLAN + ".tmp",
    STAGED_STAMP,
    STAGED_STAMP + ".tmp",
    STAGED_DB,
    *(STAGED_DB + t for t in _SQLITE_TAILS),
)
STAGED_BASELINE = ".replace-baseline"
PREPARED_DB = ".replace-kept.db"  # the last staged database, kept for the next load (`emulator.runtime.prestage`)
DB_FILE, _INDEX = "emulator.db", "index"
SAVED_BASELINE = "_baseline"  # the reset baseline's snapshot name (`emulator.runtime.state.BASELINE`)


def stage(
    data_dir: Path,
    source: Path,
    baseline: bool = False,
    created_at: int = 0,
    prepared: Callable[[Path], str | None] | None = None,
) -> Path:
    """Stage the saved state in `source` (its `emulator.db` and `index/`) under a new history; with `baseline`, that
    saved state becomes the reset baseline too (copied into the stage: `source` may be a seed's scratch directory).
    Nothing visible changes; a failure leaves nothing behind. Returns the staged database. `prepared`: puts a copy
    of the source's database made ahead at the path it is given and returns its history, or returns None."""
    discard(data_dir)
    try:
        history = prepared(data_dir / STAGED_DB) if prepared is not None else None
        if history is None:
            history = new_history()
            copy_database(source / DB_FILE, data_dir / STAGED_DB, history)
        disk.checkpoint("replace:database-staged")
        index = source / _INDEX
        if baseline:
            save_dir(source, data_dir / STAGED_BASELINE, created_at)
            index = data_dir / STAGED_BASELINE / _INDEX
        write_restamped(index, data_dir / STAGED_STAMP, history)
        disk.checkpoint("replace:staged")
        plan = {"history": history, "index": os.path.relpath(index, data_dir)}
        disk.write_text(data_dir / PLAN, json.dumps(plan))
    except BaseException:
        discard(data_dir)
        raise
    return data_dir / STAGED_DB


def discard(data_dir: Path) -> None:
    """Remove a stage, the plan first (a stage without its plan is never finished)."""
    for name in STAGE_FILES:
        (data_dir / name).unlink(missing_ok=True)
    disk.remove_tree(data_dir / STAGED_BASELINE)


def copy_database(source: Path, target: Path, history: str | None = None) -> None:
    """A copy of the SQLite database `source` at `target` (its online backup), under `history` when given (a staged
    copy: written without syncs, it is copied into the live database before anything relies on it)."""
    with closing(sqlite3.connect(source)) as saved, closing(sqlite3.connect(target)) as copy:
        if history is not None:
            copy.execute("PRAGMA synchronous = OFF")
        saved.backup(copy)
        if history is not None:
            _write_history(copy, history)


def set_history(staged: Path, history: str) -> None:
    """Give a staged copy another history (written without syncs, as `copy_database` writes it)."""
    with closing(sqlite3.connect(staged)) as copy:
        copy.execute("PRAGMA synchronous = OFF")
        _write_history(copy, history)


def _write_history(copy: sqlite3.Connection, history: str) -> None:
    upsert = f"INSERT INTO {Meta.__tablename__} (key, value) VALUES (?, ?)"
    copy.execute(upsert + " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (HISTORY, history))
    copy.commit()


def save_dir(source: Path, target: Path, created_at: int, name: str = SAVED_BASELINE) -> None:
    """A saved state at the new directory `target` from the one in `source` (database, index, `snapshot.json`)."""
    target.mkdir(parents=True)
    copy_database(source / DB_FILE, target / DB_FILE)
    copy_index(source / _INDEX, target / _INDEX)
    disk.write_text(target / "snapshot.json", saved_meta(name, created_at), sync=True)


def commit(staged: Path, live: sqlite3.Connection) -> None:
    """Switch the live database to the staged one: one transaction (a failure leaves the old data)."""
    with closing(sqlite3.connect(staged)) as source:
        source.backup(live)
        disk.checkpoint("replace:switched")  # the staged copy still open (its -wal and -shm beside it)
    disk.checkpoint("replace:committed")


def finish(data_dir: Path, index: SearchIndex | None) -> None:
    """Bring the index (and for a seed, the baseline) to the committed state and remove the stage. `index`: the
    open index to load it into; None at start, when the index is not open yet."""
    plan = json.loads((data_dir / PLAN).read_text())
    source, stamp = data_dir / plan["index"], data_dir / STAGED_STAMP
    if index is None:
        mirror(source, data_dir / _INDEX, stamp)
    else:
        index.load_from(source, stamp)
    disk.checkpoint("replace:index-replaced")
    finish_without_index(data_dir)


def finish_without_index(data_dir: Path) -> None:
    """The rest of `finish` once the index is in place (or was rebuilt instead): a seed's baseline, the stage."""
    if (data_dir / STAGED_BASELINE).is_dir():
        swap_dir(data_dir / STAGED_BASELINE, data_dir / "snapshots" / SAVED_BASELINE)
    disk.checkpoint("replace:baseline-replaced")
    discard(data_dir)


def staged_history(data_dir: Path) -> str | None:
    """The history a whole stage was made for, or None (no stage, or one a crash cut short)."""
    try:
        return str(json.loads((data_dir / PLAN).read_text())["history"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recover(data_dir: Path, history: str) -> None:
    """At start: finish a replace the database committed to, drop one it did not; put back what a crash took away
    while a saved state was being replaced; remove what an interrupted seed or snapshot left."""
    snapshots = data_dir / "snapshots"
    if snapshots.is_dir():
        recover_swaps(snapshots)
    for scratch in [*data_dir.glob(".seed-*"), data_dir / f"{_INDEX}.new", data_dir / f"{_INDEX}.old"]:
        disk.remove_tree(scratch)  # an interrupted seed, or rebuild (`SearchIndex.rebuild` builds beside the index)
    for prepared in (PREPARED_DB, *(PREPARED_DB + tail for tail in _SQLITE_TAILS)):  # kept copy
        (data_dir / prepared).unlink(missing_ok=True)
    if not any((data_dir / name).exists() for name in (*STAGE_FILES, STAGED_BASELINE)):
        return
    if staged_history(data_dir) == history:
        log.warning("finishing the replacement of the data that a crash interrupted (the database had switched)")
        try:
            finish(data_dir, None)
        except FileNotFoundError as exc:  # its source index is gone (deleted meanwhile): the index is rebuilt
            log.warning("could not finish it (%s): the search index will be rebuilt", exc)
            discard(data_dir)
    else:
        log.warning("discarding the staged replacement of the data that a crash interrupted (nothing had switched)")
        discard(data_dir)


def swap_dir(new: Path, target: Path) -> None:
    """Put the directory `new` at `target`, replacing what is there, by renames (see `recover_swaps`)."""
    old = target.with_name(f".{target.name}.replaced")
    disk.remove_tree(old)
    if target.exists():
        target.rename(old)
    disk.checkpoint("swap:old-moved")
    new.rename(target)
    disk.sync_dir(target.parent)
    disk.remove_tree(old)


def recover_swaps(root: Path) -> None:
    """Undo what interrupted swaps and saves left under `root`: an old directory whose replacement never arrived
    goes back; one that was replaced, half-made new ones (`.name.partial`) and half-deleted ones are removed."""
    for stale in root.glob(".*"):
        if stale.suffix == ".replaced":
            target = root / stale.name[1 : -len(".replaced")]
            if target.exists():
                disk.remove_tree(stale)
            else:
                stale.rename(target)
        elif stale.suffix in (".partial", ".deleted"):
            disk.remove_tree(stale)
