"""Replacing the whole state (reset, restore, seed) in one step that a crash cannot cut in two. No FastAPI here.

1. stage: `<data dir>/.replace/` gets everything the new state needs while nothing visible changes: `emulator.db` (a
   copy of the source database under a new history), `index/` (a copy of the source index, its stamp carrying that
   history) and, for a seed, `baseline/` (the new reset baseline); `replace.json`, naming the history, comes last.
2. commit: SQLite's online backup copies the staged database into the live one in one transaction. That is the
   moment of the switch: from then on the database carries the new history.
3. finish: the index directory is mirrored from the staged one (stamp last), the staged baseline replaces
   `snapshots/_baseline` (by renames), and `.replace/` is removed.

A start that finds `.replace/` finishes it when the database carries the staged history (the crash came after the
commit) and removes it otherwise. Either way the index is then checked against the database's history and rebuilt
if it belongs to another one (`SearchIndex.unusable`), so a start never serves new rows through an old index.

Directories that replace one another whole (a snapshot saved again, the baseline of a seed) are swapped by renames
(`swap_dir`): the old one is renamed away first, and a start puts it back if the new one never arrived.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

from emulator.search import disk
from emulator.search.files import copy_index, mirror, restamp
from emulator.search.index import SearchIndex
from emulator.store.db import HISTORY, new_history
from emulator.store.models import Meta

log = logging.getLogger("aip_emulator")
STAGE = ".replace"
_DB, _INDEX, _BASELINE, _DONE = "emulator.db", "index", "baseline", "replace.json"
SAVED_BASELINE = "_baseline"  # the reset baseline's snapshot name (`emulator.core.state.BASELINE`)


def stage(data_dir: Path, source: Path, baseline: Path | None = None, created_at: int = 0) -> Path:
    """Stage the saved state in `source` (its `emulator.db` and `index/`) under a new history; with `baseline`,
    that saved state becomes the reset baseline too. Nothing visible changes; a failure leaves nothing behind."""
    staged = data_dir / STAGE
    disk.remove_tree(staged)
    try:
        staged.mkdir(parents=True)
        history = new_history()
        copy_database(source / _DB, staged / _DB, history)
        disk.checkpoint("replace:database-staged")
        copy_index(source / _INDEX, staged / _INDEX)
        restamp(staged / _INDEX, history)
        if baseline is not None:
            save_dir(baseline, staged / _BASELINE, created_at)
        disk.checkpoint("replace:index-staged")
        disk.write_text(staged / _DONE, json.dumps({"history": history}))
    except BaseException:
        disk.remove_tree(staged)
        raise
    return staged


def copy_database(source: Path, target: Path, history: str | None = None) -> None:
    """A copy of the SQLite database `source` at `target` (its online backup), under `history` when given."""
    with closing(sqlite3.connect(source)) as saved, closing(sqlite3.connect(target)) as copy:
        saved.backup(copy)
        if history is not None:
            upsert = f"INSERT INTO {Meta.__tablename__} (key, value) VALUES (?, ?)"
            copy.execute(upsert + " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (HISTORY, history))
            copy.commit()


def save_dir(source: Path, target: Path, created_at: int, name: str = SAVED_BASELINE) -> None:
    """A saved state at the new directory `target` from the one in `source` (database, index, `snapshot.json`)."""
    target.mkdir(parents=True)
    copy_database(source / _DB, target / _DB)
    copy_index(source / _INDEX, target / _INDEX)
    disk.write_text(target / "snapshot.json", json.dumps({"name": name, "createdAt": created_at}))


def commit(staged: Path, live: sqlite3.Connection) -> None:
    """Switch the live database to the staged one: one transaction (a failure leaves the old data)."""
    with closing(sqlite3.connect(staged / _DB)) as source:
        source.backup(live)
    disk.checkpoint("replace:committed")


def finish(data_dir: Path, index: SearchIndex | None) -> None:
    """Bring the index (and for a seed, the baseline) to the committed state and remove the stage. `index`: the
    open index to load it into; None at start, when the index is not open yet."""
    staged = data_dir / STAGE
    if index is None:
        mirror(staged / _INDEX, data_dir / _INDEX)
    else:
        index.load_from(staged / _INDEX)
    disk.checkpoint("replace:index-replaced")
    if (staged / _BASELINE).is_dir():
        swap_dir(staged / _BASELINE, data_dir / "snapshots" / SAVED_BASELINE)
    disk.checkpoint("replace:baseline-replaced")
    disk.remove_tree(staged)


def staged_history(data_dir: Path) -> str | None:
    """The history a whole stage was made for, or None (no stage, or one a crash cut short)."""
    try:
        return str(json.loads((data_dir / STAGE / _DONE).read_text())["history"])
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
    if not (data_dir / STAGE).exists():
        return
    if staged_history(data_dir) == history:
        log.warning("finishing the replacement of the data that a crash interrupted (the database had switched)")
        finish(data_dir, None)
    else:
        log.warning("discarding the staged replacement of the data that a crash interrupted (nothing had switched)")
        disk.remove_tree(data_dir / STAGE)


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
