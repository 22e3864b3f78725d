"""The change log: which assets each write generation changed, so the index catches up without a rebuild.

Every write transaction records its asset ids under its new generation, in the same database commit as the rows.
The index stamp on disk says which generation the Whoosh segments hold (`SearchIndex.flushed`); whatever the log
holds after it is replayed at start, after a restore and after a reset: those assets are read from the database
and handed to the in-memory layer, which the flush thread then writes to Whoosh. Rows up to the flushed generation
are pruned by later writes; `changelog_floor` remembers how far, so an index older than the floor is rebuilt.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from emulator.core.catalog import Catalog
from emulator.core.documents import build_document
from emulator.core.views import AssetView, load_views
from emulator.search.tree import Document
from emulator.store import models as m
from emulator.store.db import get_meta, set_meta

FLOOR = "changelog_floor"
_CHANGES = cast(Table, m.IndexChange.__table__)
_RECORD = insert(_CHANGES)  # built once: a statement keeps its cache key (every write runs these)
_PRUNE = delete(_CHANGES).where(_CHANGES.c.generation <= bindparam("flushed"))


def record(session: Session, generation: int, asset_ids: Collection[int]) -> None:
    """Log that `generation` changed these assets (in the caller's transaction)."""
    if asset_ids:
        rows = [{"generation": generation, "asset_id": asset_id} for asset_id in asset_ids]
        session.connection().execute(_RECORD, rows)  # Core, on the transaction's connection: no ORM path


def prune(session: Session, flushed: int) -> None:
    """Forget the changes the index on disk already holds (in the caller's transaction)."""
    session.execute(_PRUNE, {"flushed": flushed})
    set_meta(session, FLOOR, str(flushed))


def floor(session: Session, current: int) -> int:
    """The generation up to which the log has been pruned: an index stamped older cannot catch up.

    A database that never had a floor (just seeded, or older than the log) logged nothing up to `current`: the
    floor is set there, in the caller's transaction.
    """
    found = get_meta(session, FLOOR)
    if found is None:
        set_meta(session, FLOOR, str(current))
        return current
    return int(found)


def changed_since(session: Session, generation: int) -> list[int]:
    """The assets changed after `generation`."""
    query = select(m.IndexChange.asset_id).where(m.IndexChange.generation > generation).distinct()
    return sorted(session.scalars(query))


def documents(
    session: Session,
    catalog: Catalog,
    zone: ZoneInfo,
    asset_ids: Collection[int],
    written: Mapping[int, AssetView] | None = None,
) -> tuple[dict[int, Document | None], list[AssetView]]:
    """The index documents of these assets as the database holds them now (None: no longer there); the views in
    `written` (built by the write from the rows it wrote) are not read again."""
    known = written or {}
    views = [known[i] for i in asset_ids if i in known]
    views += load_views(session, catalog, sorted(i for i in asset_ids if i not in known))
    changes: dict[int, Document | None] = dict.fromkeys(asset_ids)
    changes.update({view.id: build_document(view, catalog, zone) for view in views})
    return changes, views
