"""Engine and session factory for the SQLite file in the data directory."""

from __future__ import annotations

import errno
import functools
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import cast as cast_type

from sqlalchemy import Engine, Index, Integer, Table, Text, bindparam, cast, create_engine, event, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateIndex

from emulator.store.models import Base, Meta

log = logging.getLogger("aip_emulator")
GENERATION = "generation"
HISTORY = "history"  # which data set the generations count in: new with every seed, reset and restore
_FIRST: list[Engine] = []  # the process's first engine: its dialect and compiled statements serve every later one


ENGINE_ARGS: dict[str, Any] = {"connect_args": {"check_same_thread": False}}  # every engine's: see below


def open_engine(path: Path) -> Engine:
    """Open (creating if needed) the SQLite database at `path` with the pragmas we rely on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", **ENGINE_ARGS)
    _share_compiled_statements(engine)
    event.listen(engine, "connect", _set_pragmas)
    tables, indexes = _schema_names(engine)  # one query instead of one per table: opening a namespace is frequent
    if not set(Base.metadata.tables) <= tables:
        Base.metadata.create_all(engine)
    else:
        _add_missing_indexes(engine, indexes)
    return engine


def _schema_names(engine: Engine) -> tuple[set[str], set[str]]:
    """The names of the file's tables and of its indexes."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')")
        found = [(kind, name) for kind, name in rows]
    return {n for k, n in found if k == "table"}, {n for k, n in found if k == "index"}


@functools.cache
def _declared_indexes() -> tuple[Index, ...]:
    """Every index the models declare (listed once: every namespace opened checks them)."""
    return tuple(index for table in Base.metadata.tables.values() for index in table.indexes)


def _add_missing_indexes(engine: Engine, present: set[str]) -> None:
    """Indexes a newer version declares, added to a file written by an older one (a saved state, a snapshot): an
    index changes how fast a query answers, never what it answers, so such a file needs nothing else, and one that
    cannot be added now (a full disk, a locked file) is only logged: the queries answer the same without it."""
    missing = [index for index in _declared_indexes() if index.name not in present]
    for index in missing:
        try:
            with engine.begin() as connection:
                connection.execute(CreateIndex(index, if_not_exists=True))
        except OperationalError as exc:
            log.warning("index %s not added to %s (%s): searches answer the same, slower", index.name, engine.url, exc)


def _share_compiled_statements(engine: Engine) -> None:
    """Every engine here is made by `open_engine` with the same arguments (`ENGINE_ARGS`, the same driver), so they
    can share one dialect and so one cache of compiled statements (SQLAlchemy keys it by dialect). Without it each
    new engine, such as a namespace being opened, compiles every statement again: about a third of opening one.

    This reaches into SQLAlchemy's private `_compiled_cache`: pyproject bounds SQLAlchemy below the next minor
    release and tests/store/test_db.py checks that two engines share it and that a statement compiled on one is a
    cache hit on the other. Another driver, or a release without the attribute, is simply not shared."""
    if not _FIRST:
        _FIRST.append(engine)
        return
    first = _FIRST[0]
    same_driver = engine.url.drivername == first.url.drivername
    if same_driver and hasattr(first, "_compiled_cache") and hasattr(engine, "_compiled_cache"):
        engine.dialect = first.dialect
        engine._compiled_cache = first._compiled_cache


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


_META = cast_type(Table, Meta.__table__)
_GET = select(_META.c.value).where(_META.c.key == bindparam("key"))


def get_meta(session: Session, key: str) -> str | None:
    """Read one fact from the meta table: a statement built once, run on the session's connection (Core: no ORM
    execute path; opening a namespace reads about ten)."""
    value = session.connection().execute(_GET, {"key": key}).scalar()
    return None if value is None else str(value)


_SET = sqlite_insert(_META).values(key=bindparam("key"), value=bindparam("value"))
_SET = _SET.on_conflict_do_update(index_elements=[_META.c.key], set_={"value": _SET.excluded.value})
_ADD_ONE = sqlite_insert(_META).values(key=bindparam("key"), value="1")
_INCREMENT = _ADD_ONE.on_conflict_do_update(
    index_elements=[_META.c.key], set_={"value": cast(cast(_META.c.value, Integer) + 1, Text)}
).returning(_META.c.value)


def set_meta(session: Session, key: str, value: str) -> None:
    """Write one fact to the meta table (in the caller's transaction): one upsert statement, built once (a Core
    statement: no ORM bulk path, no cache key built per call)."""
    session.execute(_SET, {"key": key, "value": value})


def increment_meta(session: Session, key: str) -> int:
    """Add one to a counter in the meta table (absent: 0) and return the new value, in one statement."""
    return int(session.connection().execute(_INCREMENT, {"key": key}).scalar_one())  # Core: no ORM execute path


def generation(session: Session) -> int:
    """The database's write generation: the index is current when it carries the same number."""
    return int(get_meta(session, GENERATION) or 0)


def history(session: Session) -> str:
    """The database's history: an index stamped with another one belongs to other data, whatever its generation."""
    return get_meta(session, HISTORY) or ""


def new_history() -> str:
    """A history no other database has had. Random on purpose, even with a fixed `--seed`: two seeds of the same
    data must still count as two histories, or an index of one could be caught up as if it were the other."""
    return uuid.uuid4().hex


FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_SQLITE_FULL = ("database or disk is full", "disk I/O error")  # a write past a file-size limit: I/O error
_SQLITE_READ_ONLY = ("readonly database", "unable to open database file")


@dataclass(frozen=True)
class StorageProblem:
    """Why the data directory cannot be written, what to do about it, and whether the disk is full."""

    reason: str
    remedy: str
    full: bool = False


def storage_problem(exc: BaseException, data_dir: Path | None = None) -> StorageProblem | None:
    """Classify a failure of the database or index files; None when it is not about the storage.

    A plain OSError that names no known storage errno counts only when its file lies in `data_dir`.
    """
    if isinstance(exc, OperationalError) and isinstance(exc.orig, sqlite3.Error):
        exc = exc.orig
    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc)
        if any(text in message for text in _SQLITE_FULL):
            return _full(f"SQLite: {message}")
        if any(text in message for text in _SQLITE_READ_ONLY):
            return _read_only(f"SQLite: {message}")
        return None
    if not isinstance(exc, OSError):
        return None
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return StorageProblem(
            f"it (or a parent) is a file, not a directory ({exc.strerror})",
            "remove that file or point --data-dir (AIP_EMULATOR_DATA_DIR) at a directory",
        )
    if exc.errno in FULL_ERRNOS:
        return _full(f"{exc.strerror or exc}")
    if exc.errno in READ_ONLY_ERRNOS:
        return _read_only(f"{exc.strerror or exc}")
    filename = exc.filename if isinstance(exc.filename, str) else None
    if data_dir is not None and filename is not None and Path(filename).is_relative_to(data_dir):
        return StorageProblem(str(exc.strerror or exc), "check the directory or choose another --data-dir")
    return None


def _full(detail: str) -> StorageProblem:
    reason = f"the disk is full or failing ({detail})"
    return StorageProblem(reason, "free some space or choose another --data-dir", full=True)


def _read_only(detail: str) -> StorageProblem:
    return StorageProblem(f"it is not writable ({detail})", "make it writable or choose another --data-dir")


class DataDirError(Exception):
    """The data directory cannot be used: a one-line message for the command line."""

    def __init__(self, data_dir: Path, problem: StorageProblem) -> None:
        super().__init__(f"cannot use data directory {data_dir}: {problem.reason}; {problem.remedy}")
        self.problem = problem
