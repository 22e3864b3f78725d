"""The one write path: every change to assets or metadata runs in `transaction`, so database and index agree.

Under the index's single writer lock the rows are flushed, the generation is bumped and the index is committed
(its stamp DIRTY); then the database commits and only then the stamp takes the new generation. A failure before the
database commit leaves both as they were. If the database commit itself fails, the rows roll back and the index is
rebuilt from them, at once or, when that fails too, before the next write (a restart also rebuilds: the stamp is
still DIRTY). A write that meets a full disk answers 507.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from emulator.core.catalog import Catalog
from emulator.core.documents import build_document
from emulator.core.errors import InsufficientStorage
from emulator.core.runtime import Emulator
from emulator.core.views import load_views
from emulator.store.db import GENERATION, generation, set_meta, storage_problem

log = logging.getLogger("aip_emulator")


@dataclass
class WriteContext:
    """One write transaction: its session, the catalog, and the assets whose index documents must change."""

    session: Session
    catalog: Catalog
    touched: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    created: set[int] = field(default_factory=set)


@contextmanager
def transaction(emu: Emulator) -> Iterator[WriteContext]:
    """Run one write: the caller changes rows in `ctx.session` and names the assets it touched."""
    with emu.index.write_lock, emu.session() as session, _full_disk_answers(emu):
        if emu.index.needs_rebuild:  # an earlier failure left the index ahead of the database
            emu.reindex()
            emu.index.needs_rebuild = False
        ctx = WriteContext(session, emu.catalog)
        yield ctx
        session.flush()
        new_generation = generation(session) + 1
        set_meta(session, GENERATION, str(new_generation))
        session.flush()
        changed = sorted(ctx.touched - ctx.deleted)
        docs = [build_document(v, ctx.catalog, emu.zone) for v in load_views(session, ctx.catalog, changed)]
        emu.index.write(docs, sorted(ctx.deleted), new_generation, ctx.created)  # raises: the session rolls back
        try:
            session.commit()
        except BaseException:
            session.rollback()
            _catch_up(emu)
            raise
        _stamp(emu, new_generation)


def _catch_up(emu: Emulator) -> None:
    """After a failed database commit the index is ahead of it: rebuild now, or before the next write."""
    try:
        emu.reindex()
    except Exception:
        log.exception("rebuilding the index after a failed database commit failed; retrying before the next write")
        emu.index.needs_rebuild = True  # the stamp stays DIRTY, so a restart rebuilds too


def _stamp(emu: Emulator, new_generation: int) -> None:
    try:
        emu.index.mark_current(new_generation)
    except OSError:  # both are committed; the DIRTY stamp only costs a rebuild at the next start
        log.warning(
            "could not stamp the index with generation %d; it will be rebuilt at the next start", new_generation
        )


@contextmanager
def _full_disk_answers(emu: Emulator) -> Iterator[None]:
    """A write that hits a full disk answers 507 naming the disk (the transaction has been undone by then)."""
    try:
        yield
    except Exception as exc:
        problem = storage_problem(exc, emu.settings.data_dir)
        if problem is None or not problem.full:
            raise
        message = f"the write was not stored: {problem.reason} under {emu.settings.data_dir}; {problem.remedy}"
        raise InsufficientStorage(message) from exc
