"""Snapshots of the whole state, reset to the loaded fixtures, and seeding new data (control-api.md).

Database and index travel together and are copied, never re-indexed: SQLite's online backup copies the database
into or out of the open file, and the index directory is copied (hard links: segment files never change) while
the single writer lock is held. A snapshot's index holds what was flushed when it was taken; the change log in its
database holds the rest, which is replayed into the in-memory layer when the snapshot comes back (as after a
restart). Segments the snapshot shares with the running index keep their open readers and caches.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from emulator.core.errors import NotFound, ValidationError
from emulator.core.runtime import Emulator
from emulator.search.progress import QUIET, Progress
from emulator.seeding.export import zip_bytes
from emulator.store import models as m

BASELINE = "_baseline"  # the state `reset` returns to: the loaded fixtures
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DB, _INDEX, _META = "emulator.db", "index", "snapshot.json"


@dataclass(frozen=True)
class Snapshot:
    name: str
    created_at: int


def _root(emu: Emulator) -> Path:
    return emu.settings.data_dir / "snapshots"


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValidationError(
            f"name: '{name}' is not a snapshot name; use 1-64 letters, digits, '.', '_' or '-'", field="name"
        )
    return name


def save(emu: Emulator, name: str) -> Snapshot:
    """Save the current database and index under `name` (replacing a snapshot of that name)."""
    return _save(emu, _checked(name))


def _save(emu: Emulator, name: str) -> Snapshot:
    target = _root(emu) / name
    partial = target.with_name(f".{name}.partial")
    with emu.index.write_lock:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        with emu.raw_connection() as live, sqlite3.connect(partial / _DB) as copy:
            live.backup(copy)
        copy.close()
        emu.index.copy_to(partial / _INDEX)
        snapshot = Snapshot(name, emu.clock.now_ms())
        (partial / _META).write_text(json.dumps({"name": name, "createdAt": snapshot.created_at}))
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return snapshot


def restore(emu: Emulator, name: str) -> None:
    """Bring back the database and index saved under `name`."""
    if not _NAME.match(name):  # not a name a snapshot can have (and maybe not a file name at all)
        raise NotFound(f"Snapshot '{name}' does not exist")
    source = _root(emu) / name
    if not (source / _META).is_file():
        raise NotFound(f"Snapshot '{name}' does not exist")
    _load(emu, source)


def _load(emu: Emulator, source: Path) -> None:
    # `commit_lock` too: a search whose page lost rows meanwhile waits for the index to follow the database
    with emu.index.write_lock, emu.index.commit_lock:
        with sqlite3.connect(source / _DB) as saved, emu.raw_connection() as live:
            saved.backup(live)
        saved.close()
        emu.invalidate_catalog()  # readers outside the lock must not pair the new rows with the old catalog
        emu.index.load_from(source / _INDEX)
        emu.reload()
        emu.catch_up()


def saved_dir(emu: Emulator, name: str) -> Path:
    """The directory of a saved state (`BASELINE` or a snapshot name): its `emulator.db` and `index/`.

    Read it while holding `emu.index.write_lock`: a save replaces the directory.
    """
    if name == BASELINE:
        ensure_baseline(emu)
    source = _root(emu) / name
    if not (name == BASELINE or _NAME.match(name)) or not (source / _META).is_file():
        raise NotFound(f"Snapshot '{name}' does not exist")
    return source


def listing(emu: Emulator) -> list[Snapshot]:
    """The saved snapshots, oldest first (the reset baseline is not listed)."""
    found = []
    for meta in _root(emu).glob(f"*/{_META}"):
        data = json.loads(meta.read_text())
        if data["name"] != BASELINE:
            found.append(Snapshot(data["name"], int(data["createdAt"])))
    return sorted(found, key=lambda s: (s.created_at, s.name))


def delete(emu: Emulator, name: str) -> None:
    """Forget a snapshot."""
    target = _root(emu) / name
    if name == BASELINE or not _NAME.match(name) or not (target / _META).is_file():
        raise NotFound(f"Snapshot '{name}' does not exist")
    shutil.rmtree(target)


def ensure_baseline(emu: Emulator) -> None:
    """Remember the state as loaded, once per data directory, so `reset` can return to it."""
    if not (_root(emu) / BASELINE / _META).is_file():
        _save(emu, BASELINE)


def reset(emu: Emulator) -> None:
    """Return to the loaded fixtures (or to the data last seeded)."""
    ensure_baseline(emu)
    _load(emu, _root(emu) / BASELINE)


def seed(emu: Emulator, fixtures: Path, progress: Progress = QUIET) -> int:
    """Replace all data with a fixture directory's; it becomes what `reset` returns to. Returns the asset count.

    `progress` follows loading and indexing (bars with an ETA in a terminal)."""
    with tempfile.TemporaryDirectory(dir=emu.settings.data_dir) as scratch:
        settings = emu.settings.model_copy(update={"data_dir": Path(scratch), "fixtures": fixtures})
        fresh = Emulator(settings)
        try:
            fresh.start(progress)
            assets = fresh.index.doc_count()
        finally:
            fresh.close()
        with emu.index.write_lock:  # no write may land between the new data and its baseline
            _load(emu, Path(scratch))
            _save(emu, BASELINE)
    return assets


def counts(emu: Emulator) -> tuple[int, int, int]:
    """Assets in the database, assets a search sees (they agree unless a write is under way) and changes waiting
    to be flushed from memory to the Whoosh segments."""
    with emu.index.commit_lock:  # not between a load's new rows and its new index (nor a commit and its apply)
        with emu.session() as session:
            assets = session.scalar(select(func.count()).select_from(m.Asset)) or 0
        return assets, emu.index.doc_count(), emu.index.pending()


def cache_stats(emu: Emulator) -> dict[str, dict[str, int]]:
    """What every cache of this emulator holds (entries, approximate bytes, hits, misses, caps)."""
    return emu.index.cache_stats() | {"assetViews": emu.views.stats()}


def rss_bytes() -> int | None:
    """The process's resident memory now (Linux), else None."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def export_zip(emu: Emulator) -> bytes:
    """The current state as a zipped fixture directory."""
    with emu.session() as session:
        return zip_bytes(session, emu.jwt_secret)
