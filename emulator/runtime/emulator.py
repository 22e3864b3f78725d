"""The emulator's running state: database, search index, catalog and clock, opened together.

`create_app` builds one `Emulator` and keeps it on `app.state`; the CLI uses it directly. Everything that belongs
to one data set lives in its `Emulator` (the index with its flush thread included), so several can run in one
process; `close` stops the flush thread. At start an index whose stamp the change log can bridge is opened and
caught up incrementally (`catch_up`); any other is rebuilt from the database: one from another history of the
database (a seed, reset or restore), one a crash left half-copied, one that does not open. A replacement of the
data that a crash interrupted is finished or dropped first (`emulator.runtime.replace`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from emulator.core import changelog
from emulator.core.catalog import Catalog, load_catalog
from emulator.core.clock import Clock, Ids
from emulator.core.documents import build_document
from emulator.core.token_codec import SECRET_META_KEY, TokenInfo, TokenRegistry, instance_secret, stored_tokens
from emulator.core.views import ViewCache, iter_all_views
from emulator.runtime import datadir, replace, seeder
from emulator.runtime.documents import DatabaseDocuments
from emulator.runtime.namespace_dirs import Identity
from emulator.runtime.prestage import Prestaged
from emulator.search.index import SearchIndex
from emulator.seeding.load import load_fixtures
from emulator.seeding.read import read_fixtures
from emulator.settings import Settings
from emulator.store import models as m
from emulator.store.db import (
    HISTORY,
    DataDirError,
    generation,
    get_meta,
    history,
    new_history,
    open_engine,
    session_factory,
    set_meta,
    storage_problem,
)
from emulator.util.lru import CacheLimits
from emulator.util.progress import QUIET, Progress

log = logging.getLogger("aip_emulator")
SAVED_DERIVED = 4  # saved states whose secret, tokens and floor are kept (as `state.SAVED_CATALOGS`)
Derived = tuple[str, tuple[TokenInfo, ...], int, int]  # Cloud token secret, stored tokens, log floor, generation
Opened = tuple[int, str, str, tuple[TokenInfo, ...], int]  # generation, history, secret, stored tokens, log floor


class Emulator:
    """Owns the store, the index and the in-memory catalog of one data directory."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.time_zone)
        self.clock = clock or Clock()
        self.index = SearchIndex(
            settings.index_path,
            settings.flush_interval_ms / 1000,
            settings.flush_batch,
            cache_limits(settings),
            settings.flush_process_from,
        )
        self.pruned_through = 0  # how far the change log was pruned (the database's `changelog_floor`)
        self.loaded_generation = 0  # the database's generation when it was last (re)loaded (`reload`)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        self.prestaged = Prestaged(settings.data_dir)  # the last load's staged database, kept for the next
        self.saved_catalogs: dict[Identity, Catalog] = {}  # by saved state (`namespace_dirs.identity`): `state.reset`
        self.saved_derived: dict[Identity, Derived] = {}  # the same: secret, tokens, floor (`reload`)
        self.views = ViewCache(settings.cache_views)
        self.tokens = TokenRegistry()
        self.ids = Ids(settings.seed)
        self.jwt_secret = settings.jwt_secret or ""
        self.strict = settings.strict  # near-miss hints are 400s (POST /_emulator/strict switches it)
        self.seeding: Progress | None = None  # a `POST /_emulator/seed` under way: health reports how far it is
        self.seeded = False  # `start` seeded the database from the fixtures (a new data directory)
        self.opened: Opened | None = None  # what `open_store` read (nothing written) and the index was usable, or None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, progress: Progress = QUIET) -> None:
        """Open the database (seeding an empty one from the fixtures) and an index that matches it: the one on disk
        caught up from the change log when it belongs to this database and opens whole, else one rebuilt."""
        started = time.perf_counter()
        adopted = self.opened is not None  # a copy of files opened before: its index was found usable with them
        current, history = self.open_store(progress)
        with self.storage_errors():
            replace.recover(self.settings.data_dir, history)
            checked = None if adopted else self.index.unusable(current, self.pruned_through, history)
            why = checked or self._open_index(current)
            if why is not None:
                self.opened = None  # not to be adopted: the next copy checks its own
                if not self.seeded:  # a new data directory has no index yet: nothing to report
                    level = logging.WARNING if self.settings.index_path.exists() else logging.INFO
                    log.log(level, "%s: rebuilding the search index from the database", why)
                self.reindex(progress)
                self.index.warm()
        _ = self.catalog  # loaded now rather than by the first request
        log.info("emulator ready in %.0f ms", (time.perf_counter() - started) * 1000)

    def _open_index(self, current: int) -> str | None:
        """Open the index on disk and catch it up to the database's generation `current` (read by `open_store`: an
        index stamped with it, such as a new namespace's, has nothing to replay); why it could not be (it is closed
        again then), else None."""
        try:
            self.index.open()
            self.catch_up(current)
            self.index.warm()
        except Exception as exc:
            problem = storage_problem(exc, self.settings.data_dir)
            if problem is not None and problem.full:
                raise
            self.index.close()
            return f"the search index cannot be opened ({type(exc).__name__}: {exc})"
        return None

    def open_store(self, progress: Progress = QUIET) -> tuple[int, str]:
        """Open the database, seeding an empty one from the fixtures; return its generation and history. What it
        reads is not read again when `opened` was given (a byte copy of a file already opened: a new namespace,
        whose index is then a copy of one `unusable` found whole with that file, by hard links: not checked again)."""
        datadir.require_fixtures(self.settings.fixtures)
        with self.storage_errors():
            self._engine = open_engine(self.settings.database_path)
            self._sessions = session_factory(self._engine)
            opened = self.opened or self._read_store(progress)
        current, found_history, self.jwt_secret, tokens, self.pruned_through = opened
        self.tokens.replace_all(list(tokens))
        return current, found_history

    def _read_store(self, progress: Progress) -> Opened:
        """Read (seeding an empty database, adding what is missing) what `open_store` needs; kept as `opened` when
        nothing had to be written, so that another copy of the same file can skip it."""
        with self.session() as session:
            if generation(session) == 0:
                self._seed(session, progress)
            else:
                datadir.check_existing(session, self.settings.data_dir, self.settings.fixtures)
            has_secret = bool(self.settings.jwt_secret) or get_meta(session, SECRET_META_KEY) is not None
            has_floor = get_meta(session, changelog.FLOOR) is not None  # `changelog.floor` writes a missing one
            whole = not self.seeded and has_secret and has_floor and bool(history(session))
            if not history(session):  # written before histories were: its index is rebuilt once
                set_meta(session, HISTORY, new_history())
            secret = self.settings.jwt_secret or instance_secret(session, self.ids)
            current = generation(session)
            opened = current, history(session), secret, tuple(stored_tokens(session)), changelog.floor(session, current)
            session.commit()
        self.opened = opened if whole else None
        return opened

    @contextmanager
    def storage_errors(self) -> Iterator[None]:
        """Turn a data directory that is a file, not writable or on a full disk into one `DataDirError`."""
        try:
            yield
        except (OSError, sqlite3.Error, OperationalError) as exc:
            problem = storage_problem(exc, self.settings.data_dir)
            if problem is None:
                raise
            raise DataDirError(self.settings.data_dir, problem) from exc

    def _seed(self, session: Session, progress: Progress) -> None:
        if seeder.worth_a_child(self.settings.fixtures):  # large: this process never holds the fixtures
            session.rollback()  # no read transaction may keep seeing the empty database
            count = seeder.seed_in_child(self.settings.database_path, self.settings.fixtures, str(self.zone), progress)
        else:
            count = load_fixtures(session, read_fixtures(self.settings.fixtures), self.zone, progress)
            datadir.record_seed(session, self.settings.fixtures)
            session.commit()
        self.seeded = True
        log.info("seeded %d assets from %s", count, self.settings.fixtures)

    def reindex(self, progress: Progress = QUIET) -> int:
        """Rebuild the search index from the database; return the number of assets indexed."""
        with self.index.write_lock, self.storage_errors(), self.session() as session:
            catalog = self.catalog
            total = session.scalar(select(func.count()).select_from(m.Asset)) or 0
            docs = (build_document(view, catalog, self.zone) for view in iter_all_views(session, catalog))
            stamped = generation(session)
            source = DatabaseDocuments(str(self.settings.database_path), self.zone.key)
            self.index.rebuild(
                docs, total, stamped, progress, self.settings.index_procs, history=history(session), source=source
            )
        return total

    def catch_up(self, current: int | None = None) -> int:
        """Replay the change log after the index's stamp into its in-memory layer; return how many assets.
        `current`: the database's generation when the caller knows it (nothing to replay when the index holds it)."""
        if current is not None and current == self.index.flushed:
            return 0
        with self.index.write_lock, self.session() as session:
            current = generation(session)
            changed = changelog.changed_since(session, self.index.flushed)
            if changed:
                changes, _views = changelog.documents(session, self.catalog, self.zone, changed)
                self.index.apply(current, changes)
            return len(changed)

    def close(self) -> None:
        """Stop the flush thread, release the index and the database."""
        self.prestaged.discard()
        self.index.close()
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None

    # -- access ----------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session; the caller commits."""
        if self._sessions is None:
            raise RuntimeError("the emulator is not started")
        with self._sessions() as session:
            yield session

    @property
    def catalog(self) -> Catalog:
        """The metadata, loaded on first use and after `invalidate_catalog`."""
        with self._catalog_lock:
            if self._catalog is None:
                with self.session() as session:
                    self._catalog = load_catalog(session)
            return self._catalog

    def adopt_catalog(self, catalog: Catalog) -> None:
        """Use a catalog already loaded from the same metadata (a saved state's, shared or loaded before): catalogs
        hold immutable values and a metadata write replaces the catalog rather than changing it."""
        with self._catalog_lock:
            self._catalog = catalog

    def invalidate_catalog(self, keep_views: bool = False) -> None:
        """Forget the cached metadata and the asset views built with it (after a metadata write); `keep_views`: the
        caller has dropped the stale views itself (`state.reset`)."""
        with self._catalog_lock:
            self._catalog = None
        if not keep_views:
            self.views.clear()

    @contextmanager
    def raw_connection(self) -> Iterator[sqlite3.Connection]:
        """The driver's own connection to the database file (for SQLite's online backup)."""
        if self._engine is None:
            raise RuntimeError("the emulator is not started")
        raw = self._engine.raw_connection()
        try:
            connection = raw.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            yield connection
        finally:
            raw.close()

    def reload(self, keep_views: bool = False, saved: Identity | None = None) -> None:
        """Re-read everything derived from the database after it was replaced (restore, reset, seed). `saved`: the
        saved state's file the database now holds (`state.reset`): what is derived from it is read once and kept,
        like its catalog, once the file holds all of it (nothing here had to be written)."""
        self.invalidate_catalog(keep_views)
        derived = self.saved_derived.get(saved) if saved is not None else None
        if derived is None:
            derived, whole = self._derived()
            if saved is not None and whole:
                while len(self.saved_derived) >= SAVED_DERIVED:
                    del self.saved_derived[next(iter(self.saved_derived))]  # the oldest out
                self.saved_derived[saved] = derived
        self.jwt_secret, tokens, self.pruned_through, self.loaded_generation = derived
        self.tokens.replace_all(list(tokens))

    def _derived(self) -> tuple[Derived, bool]:
        """The secret, the stored tokens, the change log's floor and the generation, read from the database (the
        first two written there when missing); True when nothing was missing."""
        with self.session() as session:
            whole = None not in (get_meta(session, SECRET_META_KEY), get_meta(session, changelog.FLOOR))
            secret = self.settings.jwt_secret or instance_secret(session, self.ids)
            current = generation(session)
            derived = (secret, tuple(stored_tokens(session)), changelog.floor(session, current), current)
            session.commit()
        return derived, whole


def cache_limits(settings: Settings) -> CacheLimits:
    """The search caches' caps from the settings."""
    return CacheLimits(
        postings_entries=settings.cache_postings,
        postings_mb=settings.cache_postings_mb,
        columns_mb=settings.cache_columns_mb,
        ranks_mb=settings.cache_ranks_mb,
        lexicons_mb=settings.cache_lexicons_mb,
        positions_mb=settings.cache_positions_mb,
    )
