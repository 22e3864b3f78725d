"""The one write path: every change to assets or metadata runs in `transaction`, so database and index agree.

Under the index's single writer lock the caller changes rows; then the generation is bumped, the changed assets
are read back into index documents and logged under that generation (`emulator.core.changelog`), and the database
commits. Only then do the documents go to the index's in-memory layer (`SearchIndex.apply`), where the very next
search sees them; the write does not wait for Whoosh (the flush thread writes them later, docs/write-path.md).
A failure before or in the database commit leaves both as they were: nothing reached the index. A write that
meets a full, read-only or vanished disk answers 507.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from emulator.core import changelog
from emulator.core.catalog import Catalog
from emulator.core.errors import InsufficientStorage
from emulator.core.views import AssetView
from emulator.store.db import GENERATION, DataDirError, increment_meta, storage_problem

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator


@dataclass
class WriteContext:
    """One write transaction: its session, the catalog, and the assets whose index documents must change."""

    session: Session
    catalog: Catalog
    touched: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    created: set[int] = field(default_factory=set)
    views: dict[int, AssetView] = field(default_factory=dict)  # the changed assets as committed
    written: dict[int, AssetView] = field(default_factory=dict)  # views the write built from the rows it wrote


@contextmanager
def transaction(emu: Emulator) -> Iterator[WriteContext]:
    """Run one write: the caller changes rows in `ctx.session` and names the assets it touched."""
    with emu.index.write_lock, emu.session() as session, _storage_answers(emu):
        ctx = WriteContext(session, emu.catalog)
        yield ctx
        session.flush()
        new_generation = increment_meta(session, GENERATION)
        changed = ctx.touched | ctx.deleted
        changes, views = changelog.documents(session, ctx.catalog, emu.zone, changed - ctx.deleted, ctx.written)
        changes.update(dict.fromkeys(ctx.deleted))
        changelog.record(session, new_generation, changed)
        flushed = emu.index.flushed
        if flushed > emu.pruned_through:  # the index on disk holds these: the log can forget them
            changelog.prune(session, flushed)
        with emu.index.commit_lock:  # a search that missed a row waits for its index change here
            session.commit()  # raises: the session rolls back and nothing reached the index
            emu.index.apply(new_generation, changes, ctx.created)
            emu.views.forget(changed)
            emu.views.remember(views)  # as committed: the next search of them reads nothing
        emu.pruned_through = max(emu.pruned_through, flushed)
        ctx.views = {view.id: view for view in views}


@contextmanager
def _storage_answers(emu: Emulator) -> Iterator[None]:
    """A write that hits a full, read-only or vanished disk answers 507 naming it (the transaction has been undone
    by then)."""
    try:
        yield
    except Exception as exc:
        problem = storage_problem(exc, emu.settings.data_dir)
        if problem is None:
            raise
        message = f"the write was not stored: {problem.reason} under {emu.settings.data_dir}; {problem.remedy}"
        raise InsufficientStorage(message) from exc


@contextmanager
def storage_answers(emu: Emulator, failed: str) -> Iterator[None]:
    """A full, read-only or vanished data directory answers 507 naming it and the remedy; the caller has removed
    what it half-made by then."""
    try:
        yield
    except InsufficientStorage:
        raise
    except Exception as exc:
        problem = exc.problem if isinstance(exc, DataDirError) else storage_problem(exc, emu.settings.data_dir)
        if problem is None:
            raise
        raise InsufficientStorage(
            f"{failed}: {problem.reason} under {emu.settings.data_dir}; {problem.remedy}"
        ) from exc
