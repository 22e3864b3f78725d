"""Snapshots of the whole state, reset to the loaded fixtures, and seeding new data (control-api.md).

Database and index travel together and are copied, never re-indexed: SQLite's online backup copies the database
into or out of the open file, and the index directory is copied (hard links: segment files never change) while
the single writer lock is held. Replacing the data (restore, reset, seed) is staged first and switched by the
database's commit (`emulator.runtime.replace`), so a crash leaves the old state or the new one; a snapshot is built
beside its name and renamed into place. A full or unwritable disk answers 507 and leaves nothing half-made.
A snapshot's index holds what was flushed when it was taken; the change log in its database holds the rest, which
is replayed into the in-memory layer when the snapshot comes back (as after a restart). Segments the snapshot shares
with the running index keep their open readers and caches.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from emulator.core.errors import NotFound, ValidationError
from emulator.core.transaction import storage_answers
from emulator.runtime import namespace_dirs as dirs
from emulator.runtime import replace
from emulator.runtime.emulator import Emulator
from emulator.search import disk
from emulator.seeding.export import zip_bytes
from emulator.seeding.read import FixtureError
from emulator.store import models as m
from emulator.util.progress import QUIET, Progress

log = logging.getLogger("aip_emulator")

BASELINE = replace.SAVED_BASELINE  # the state `reset` returns to: the loaded fixtures
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DB, _INDEX, _META = "emulator.db", "index", "snapshot.json"
SAVED_CATALOGS = 4  # catalogs kept by saved state (the baseline and the last snapshots restored)


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
    with emu.index.write_lock, storage_answers(emu, f"snapshot '{name}' was not saved"):
        disk.remove_tree(partial)
        try:
            partial.mkdir(parents=True)
            with emu.raw_connection() as live, closing(sqlite3.connect(partial / _DB)) as copy:
                live.backup(copy)
            disk.checkpoint("snapshot:database-copied")
            _flush(emu)
            emu.index.copy_to(partial / _INDEX)
            snapshot = Snapshot(name, emu.clock.now_ms())
            disk.write_text(partial / _META, dirs.saved_meta(name, snapshot.created_at), sync=True)
            disk.checkpoint("snapshot:written")
            replace.swap_dir(partial, target)
        except BaseException:
            disk.remove_tree(partial)
            raise
    return snapshot


def _flush(emu: Emulator) -> None:
    """Flush the layer before the index is copied, so that the saved index holds every change its database does
    and loading it back replays nothing (a reset to it costs no change-log replay). The database copy is already
    taken, and no write can come between (the writer lock is held); a flush that fails leaves the replay to do."""
    try:
        emu.index.flush()
    except Exception:
        log.warning("could not flush the index before saving it: its change log replays the rest", exc_info=True)


def restore(emu: Emulator, name: str) -> None:
    """Bring back the database and index saved under `name`."""
    if not _NAME.match(name):  # not a name a snapshot can have (and maybe not a file name at all)
        raise NotFound(f"Snapshot '{name}' does not exist")
    source = _root(emu) / name
    with emu.index.write_lock:  # saves and deletes hold it too: the snapshot checked is the one loaded
        if not (source / _META).is_file():
            raise NotFound(f"Snapshot '{name}' does not exist")
        _load(emu, source, f"snapshot '{name}' was not restored")


def _load(emu: Emulator, source: Path, failed: str, baseline: bool = False) -> None:
    """Replace the data by the saved state in `source` (`emulator.runtime.replace`); with `baseline`, it becomes the
    reset baseline too."""
    with emu.index.write_lock, storage_answers(emu, failed):
        saved = None if baseline else dirs.identity(source)  # a seed's source is a scratch directory
        prepared = partial(emu.prestaged.take, saved)  # the last load's staged copy, if it was of this state
        staged = replace.stage(emu.settings.data_dir, source, baseline, emu.clock.now_ms(), prepared)
        # `commit_lock` too: a search whose page lost rows meanwhile waits for the index to follow the database
        with emu.index.commit_lock:
            try:
                with emu.raw_connection() as live:
                    replace.commit(staged, live)
            except BaseException:
                replace.discard(emu.settings.data_dir)
                raise
            emu.prestaged.keep(staged, saved)  # no longer needed by the stage: kept for the next load of `saved`
            # The catalog first: a search from now on reads the new metadata, so the views it keeps are new ones;
            # then the views still valid stay (a search that began before loses what it read: the epoch moved).
            emu.invalidate_catalog(keep_views=True)  # readers outside the lock must not pair new rows, old catalog
            emu.views.back_to(saved if saved in emu.saved_catalogs else None)
            _finish(emu)
            emu.reload(keep_views=True, saved=saved)
            _warm_catalog(emu, saved)
            emu.catch_up(emu.loaded_generation)
            emu.views.mark(saved)


def _warm_catalog(emu: Emulator, saved: dirs.Identity | None) -> None:
    """The catalog of a saved state's file is loaded once, here: a reset (or restore) of the same file reuses it, so
    the first write after a reset costs what a steady one does. A later metadata write replaces the live catalog,
    never the one kept here (catalogs are immutable values); a new save is a new file."""
    if saved is None:
        return
    known = emu.saved_catalogs.get(saved)
    if known is not None:
        emu.adopt_catalog(known)
        return
    while len(emu.saved_catalogs) >= SAVED_CATALOGS:
        del emu.saved_catalogs[next(iter(emu.saved_catalogs))]  # the oldest out
    emu.saved_catalogs[saved] = emu.catalog  # loaded from the new data now


def _finish(emu: Emulator) -> None:
    """The database has switched: bring the index along, or rebuild it from the database if that fails."""
    try:
        replace.finish(emu.settings.data_dir, emu.index)
    except Exception:
        log.exception("the new data is in the database, its index could not be put in place: rebuilding it")
        emu.reload()
        emu.reindex()  # raises too when the disk is still full: the next start finishes the replacement
        replace.finish_without_index(emu.settings.data_dir)


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
        try:
            data = json.loads(meta.read_text())
        except FileNotFoundError:  # deleted (or replaced by a save) since the directory was listed
            continue
        if data["name"] != BASELINE:
            found.append(Snapshot(data["name"], int(data["createdAt"])))
    return sorted(found, key=lambda s: (s.created_at, s.name))


def delete(emu: Emulator, name: str) -> None:
    """Forget a snapshot."""
    target = _root(emu) / name
    if name == BASELINE or not _NAME.match(name):
        raise NotFound(f"Snapshot '{name}' does not exist")
    doomed = target.with_name(f".{name}.deleted")  # renamed away first: a half-deleted snapshot is never restored
    # The writer lock, as saves and restores hold it: a concurrent delete, save or restore of the same name found
    # the directory gone between the check and the rename (a 500, or a restore's 507 'No such file or directory').
    with emu.index.write_lock:
        if not (target / _META).is_file():
            raise NotFound(f"Snapshot '{name}' does not exist")
        disk.remove_tree(doomed)
        target.rename(doomed)
        disk.remove_tree(doomed)


def ensure_baseline(emu: Emulator) -> None:
    """Remember the state as loaded, once per data directory, so `reset` can return to it."""
    if not (_root(emu) / BASELINE / _META).is_file():
        _save(emu, BASELINE)


def reset(emu: Emulator) -> None:
    """Return to the loaded fixtures (or to the data last seeded)."""
    with storage_answers(emu, "the data was not reset"):
        ensure_baseline(emu)
    _load(emu, _root(emu) / BASELINE, "the data was not reset")


def seed(emu: Emulator, fixtures: Path, progress: Progress = QUIET) -> int:
    """Replace all data with a fixture directory's; it becomes what `reset` returns to. Returns the asset count.

    `progress` follows loading and indexing (bars with an ETA in a terminal)."""
    failed = "nothing was seeded"
    if not _is_dir(fixtures):  # before the scratch directory; the server's flag does not apply here
        raise FixtureError(f"{fixtures}: fixture directory not found; name a fixture directory on the server's machine")
    with storage_answers(emu, failed), scratch_dir(emu.settings.data_dir) as scratch:
        settings = emu.settings.model_copy(update={"data_dir": scratch, "fixtures": fixtures})
        fresh = Emulator(settings)
        try:
            fresh.start(progress)
            assets = fresh.index.doc_count()
        finally:
            fresh.close()
        disk.checkpoint("seed:built")
        _load(emu, scratch, failed, baseline=True)
    return assets


def _is_dir(path: Path) -> bool:
    """Whether `path` is a directory; False for a path the system refuses (too long a name: ENAMETOOLONG)."""
    try:
        return path.is_dir()
    except OSError:
        return False


@contextmanager
def scratch_dir(data_dir: Path) -> Iterator[Path]:
    """A directory for a seed's new data inside the data directory (hard links reach it), removed afterwards; one a
    crash left behind is removed at the next start (`replace.recover`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".seed-", dir=data_dir))
    try:
        yield scratch
    finally:
        disk.remove_tree(scratch)


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
