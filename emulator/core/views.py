"""Assets read from the database into plain views that both dialects render and the index is fed from."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, select
from sqlalchemy.orm import Session

from emulator.core.catalog import (
    Catalog,
    FormInfo,
    OptionInfo,
    Placement,
    SchemeInfo,
)
from emulator.core.system_fields import SYSTEM_FIELDS
from emulator.core.values import AttributeInfo
from emulator.store import models as m
from emulator.util.lru import Lru

_ASSETS = m.Asset.__table__
_VALUES = m.AssetValue.__table__
_ATTACHMENTS = m.Attachment.__table__
MAX_TRACKED = 10_000  # assets written since a load that `ViewCache.back_to` may drop one by one
MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer: a larger id names no row (and would not even bind)


def storable_id(value: int) -> bool:
    """Whether `value` can be a row id at all; ids from paths and bodies are unbounded Python ints."""
    return -MAX_ROW_ID - 1 <= value <= MAX_ROW_ID


@dataclass(frozen=True)
class RefView:
    id: int
    name: str
    form_id: int
    key: str | None = None  # the Cloud dialect shows references as asset keys


@dataclass(frozen=True)
class ItemView:
    """One filled attribute of an asset."""

    id: int
    placement: Placement
    attribute: AttributeInfo
    text: str | None
    options: tuple[OptionInfo, ...]
    refs: tuple[RefView, ...]


@dataclass(frozen=True)
class AttachmentView:
    original_file_name: str
    server_file_name: str
    file_size: str
    created: int
    creator: str


@dataclass(frozen=True)
class AssetView:
    id: int
    name: str
    key: str | None
    form: FormInfo
    scheme: SchemeInfo
    option_id: int
    created: int | None
    creator: str | None
    updated: int | None
    updated_by: str | None
    attachments: tuple[AttachmentView, ...] | None  # None: never set (the DC API shows null)
    items: tuple[ItemView, ...]  # in the form's attribute order
    system: dict[str, Any]  # writable system fields by column name


# A page's statements, built once (building them took about a fifth of loading 15 assets at 100k)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_ASSET_ROWS = select(_ASSETS).where(_ASSETS.c.id.in_(_IDS))
_VALUE_ROWS = select(_VALUES).where(_VALUES.c.asset_id.in_(_IDS)).order_by(_VALUES.c.id)
_ATTACHMENT_ROWS = select(_ATTACHMENTS).where(_ATTACHMENTS.c.asset_id.in_(_IDS)).order_by(_ATTACHMENTS.c.id)


def load_views(session: Session, catalog: Catalog, ids: list[int]) -> list[AssetView]:
    """The assets with these ids, in this order; unknown ids are left out."""
    ids = [asset_id for asset_id in ids if storable_id(asset_id)]
    if not ids:
        return []
    rows = {row.id: row for row in session.execute(_ASSET_ROWS, {"ids": ids})}
    values: dict[int, list[Any]] = {}
    for row in session.execute(_VALUE_ROWS, {"ids": ids}):
        values.setdefault(row.asset_id, []).append(row)
    attachments: dict[int, list[AttachmentView]] = {}
    for file in session.execute(_ATTACHMENT_ROWS, {"ids": ids}):
        attachments.setdefault(file.asset_id, []).append(
            AttachmentView(file.original_file_name, file.server_file_name, file.file_size, file.created, file.creator)
        )
    refs = referenced(session, [v for vs in values.values() for v in vs])
    views = []
    for asset_id in ids:
        found = rows.get(asset_id)
        if found is not None:
            views.append(build_view(catalog, found, values.get(asset_id, []), attachments.get(asset_id, []), refs))
    return views


def iter_all_views(
    session: Session, catalog: Catalog, batch: int = 500, part: int = 0, parts: int = 1
) -> Iterator[AssetView]:
    """Every asset, in id order, loaded in batches; with `parts` > 1 only every `parts`-th batch from the
    `part`-th (the parts together: every asset once)."""
    ids = list(session.scalars(select(_ASSETS.c.id).order_by(_ASSETS.c.id)))
    for start in range(part * batch, len(ids), batch * parts):
        yield from load_views(session, catalog, ids[start : start + batch])


_REFERENCED = select(_ASSETS.c.id, _ASSETS.c.name, _ASSETS.c.form_id, _ASSETS.c.key).where(
    _ASSETS.c.id.in_(bindparam("ids", expanding=True))
)


def referenced(session: Session | Connection, values: list[Any]) -> dict[int, RefView]:
    """The assets the reference values point at (one SELECT, none without references)."""
    wanted = {ref for v in values if v.ref_ids for ref in json.loads(v.ref_ids)}
    if not wanted:
        return {}
    found = session.execute(_REFERENCED, {"ids": list(wanted)})
    return {row.id: RefView(row.id, row.name, row.form_id, row.key) for row in found}


def build_view(
    catalog: Catalog, row: Any, values: list[Any], attachments: list[AttachmentView], refs: dict[int, RefView]
) -> AssetView:
    """The view of an asset row with its value rows (any order), attachments and referenced assets."""
    form = catalog.forms[row.form_id]
    by_placement = {v.form_attribute_id: v for v in values}
    items = []
    for placement in form.placements:
        value = by_placement.get(placement.id)
        if value is not None:
            items.append(_item(catalog, placement, value, refs))
    return AssetView(
        id=row.id,
        name=row.name,
        key=row.key,
        form=form,
        scheme=catalog.schemes[form.scheme_id],
        option_id=row.option_id,
        created=row.created,
        creator=row.creator,
        updated=row.updated,
        updated_by=row.updated_by,
        attachments=tuple(attachments) if row.has_attachment_list or attachments else None,
        items=tuple(items),
        system={f.column: getattr(row, f.column) for f in SYSTEM_FIELDS},
    )


def _item(catalog: Catalog, placement: Placement, value: Any, refs: dict[int, RefView]) -> ItemView:
    options = tuple(catalog.options[o] for o in json.loads(value.option_ids or "[]") if o in catalog.options)
    linked = tuple(refs[r] for r in json.loads(value.ref_ids or "[]") if r in refs)
    attribute = catalog.attributes[placement.attribute_id]
    return ItemView(value.id, placement, attribute, value.text, options, linked)


class ViewCache:
    """Asset views read for searches, kept until a write changes their asset (`forget`) or the metadata (`clear`),
    at most `limit` of them (least recently used out first).

    A load that overlaps a write is not kept (the epoch moved meanwhile), so a view older than an acknowledged
    write is never served.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._epoch = 0
        self._views: Lru[AssetView] = Lru("assetViews", max_entries=limit, sizer=_view_bytes)
        self._lock = threading.Lock()
        self._saved: object | None = None  # the saved state the data was last loaded from (see `back_to`)
        self._changed: set[int] = set()  # the assets written since

    def get(self, ids: list[int], load: Callable[[list[int]], list[AssetView]]) -> list[AssetView]:
        """The views of `ids` in order, loading the missing ones with `load`."""
        with self._lock:
            epoch = self._epoch
            known = {i: view for i in ids if (view := self._views.get(i)) is not None}
        missing = [i for i in ids if i not in known]
        if missing:
            loaded = {view.id: view for view in load(missing)}
            known.update(loaded)
            with self._lock:
                if epoch == self._epoch:
                    for asset_id, view in loaded.items():
                        self._views.put(asset_id, view)
        return [known[i] for i in ids if i in known]

    def forget(self, ids: Iterable[int]) -> None:
        """Drop the views of assets a write changed."""
        ids = set(ids)
        with self._lock:
            self._epoch += 1
            self._views.discard(ids)
            self._changed |= ids
            if len(self._changed) > MAX_TRACKED:
                self._saved = None

    def remember(self, views: Iterable[AssetView]) -> None:
        """Keep the views a write committed (after `forget`, under the writer's lock): the next search of those
        assets reads nothing. A load that started before the write is not kept (`forget` moved the epoch)."""
        with self._lock:
            for view in views:
                self._views.put(view.id, view)

    def clear(self) -> None:
        """Drop every view (the metadata or the whole data set changed)."""
        with self._lock:
            self._epoch += 1
            self._views.clear()
            self._saved = None

    def mark(self, saved: object | None) -> None:
        """The data was just loaded from the saved state `saved` (None: from nothing one can come back to)."""
        with self._lock:
            self._saved, self._changed = saved, set()

    def back_to(self, saved: object | None) -> None:
        """The data went back to the saved state `saved` under the same catalog: if it is the one last loaded, only
        the views of assets written since are stale (the others were read from the same rows); else all are."""
        with self._lock:
            self._epoch += 1
            if saved is not None and saved == self._saved:
                self._views.discard(self._changed)
            else:
                self._views.clear()
            self._saved, self._changed = None, set()

    def stats(self) -> dict[str, int]:
        return self._views.stats()


def _view_bytes(view: AssetView) -> int:
    """A rough size: the view, its strings and one object per filled attribute."""
    return 600 + 400 * len(view.items) + len(view.name)
