"""Engine and session factory for the SQLite file in the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from emulator.store.models import Base, Meta

GENERATION = "generation"


def open_engine(path: Path) -> Engine:
    """Open (creating if needed) the SQLite database at `path` with the pragmas we rely on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    Base.metadata.create_all(engine)
    return engine


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def get_meta(session: Session, key: str) -> str | None:
    """Read one fact from the meta table."""
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    """Write one fact to the meta table (in the caller's transaction)."""
    session.merge(Meta(key=key, value=value))


def generation(session: Session) -> int:
    """The database's write generation: the index is current when it carries the same number."""
    return int(get_meta(session, GENERATION) or 0)
