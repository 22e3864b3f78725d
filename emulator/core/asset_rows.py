"""The asset rows a write changes, through SQLAlchemy Core on the write transaction's connection (no unit of work):
one statement per kind of change, and the rows as written handed back for the view and the index document."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from emulator.core.values import StoredValue
from emulator.core.views import AttachmentView
from emulator.store import models as m

ASSETS = cast(Table, m.Asset.__table__)
VALUES = cast(Table, m.AssetValue.__table__)
ATTACHMENTS = cast(Table, m.Attachment.__table__)


@dataclass(frozen=True)
class ValueRow:
    """One `asset_values` row as the database holds it after the write."""

    id: int
    asset_id: int
    form_attribute_id: int
    attribute_id: int
    text: str | None
    option_ids: str | None
    ref_ids: str | None


@dataclass(frozen=True)
class WantedValue:
    """A value a write sets on a placement: None clears it."""

    attribute_id: int
    stored: StoredValue | None


# Built once: a statement object keeps its cache key, so a write neither builds its SQL nor hashes it again.
_INSERT_ASSET = insert(ASSETS).returning(ASSETS.c.id)
_UPDATE_ASSET = update(ASSETS).where(ASSETS.c.id == bindparam("asset_id")).returning(*ASSETS.c)
_ASSET = select(ASSETS).where(ASSETS.c.id == bindparam("asset_id"))
_VALUES_OF = select(VALUES).where(VALUES.c.asset_id == bindparam("asset_id")).order_by(VALUES.c.id)
_ATTACHMENTS_OF = select(ATTACHMENTS).where(ATTACHMENTS.c.asset_id == bindparam("asset_id")).order_by(ATTACHMENTS.c.id)
_CLEAR_VALUES = delete(VALUES).where(VALUES.c.id.in_(bindparam("row_ids", expanding=True)))
_UPDATE_VALUE = update(VALUES).where(VALUES.c.id == bindparam("row_id"))
_INSERT_VALUES = insert(VALUES).returning(*VALUES.c)  # one statement: the rows come back keyed by placement
_DELETE_ASSET = (
    delete(VALUES).where(VALUES.c.asset_id == bindparam("asset_id")),
    delete(ATTACHMENTS).where(ATTACHMENTS.c.asset_id == bindparam("asset_id")),
    delete(ASSETS).where(ASSETS.c.id == bindparam("asset_id")),
)


def insert_asset(conn: Connection, columns: dict[str, Any]) -> int:
    """A new asset row; its id."""
    return int(conn.execute(_INSERT_ASSET, columns).scalar_one())


def update_asset(conn: Connection, asset_id: int, columns: dict[str, Any]) -> Any:
    """Change the asset's columns; the whole row as written."""
    return conn.execute(_UPDATE_ASSET, {"asset_id": asset_id, **columns}).one()


def asset_row(conn: Connection, asset_id: int) -> Any | None:
    """The asset's row, if there is one."""
    return conn.execute(_ASSET, {"asset_id": asset_id}).first()


def value_rows(conn: Connection, asset_id: int) -> list[ValueRow]:
    """The asset's values, in id order."""
    return [ValueRow(**row._mapping) for row in conn.execute(_VALUES_OF, {"asset_id": asset_id})]


def attachments(conn: Connection, asset_id: int) -> list[AttachmentView]:
    """The asset's attachments, in id order."""
    return [
        AttachmentView(row.original_file_name, row.server_file_name, row.file_size, row.created, row.creator)
        for row in conn.execute(_ATTACHMENTS_OF, {"asset_id": asset_id})
    ]


def write_values(
    conn: Connection, asset_id: int, existing: list[ValueRow], wanted: dict[int, WantedValue]
) -> list[ValueRow]:
    """Set the wanted values (placement id → value) over the existing rows: at most one DELETE, one UPDATE and one
    INSERT; the asset's values as written, in id order."""
    by_placement = {row.form_attribute_id: row for row in existing}
    cleared = [by_placement.pop(p).id for p, want in wanted.items() if want.stored is None and p in by_placement]
    if cleared:
        conn.execute(_CLEAR_VALUES, {"row_ids": cleared})
    changed = [_with(by_placement[p], w.stored) for p, w in wanted.items() if _changes(p, w, by_placement)]
    if changed:
        params = [
            {"row_id": row.id, "text": row.text, "option_ids": row.option_ids, "ref_ids": row.ref_ids}
            for row in changed
        ]
        conn.execute(_UPDATE_VALUE, params)
        by_placement.update({row.form_attribute_id: row for row in changed})
    new = [
        {"asset_id": asset_id, "form_attribute_id": p, "attribute_id": w.attribute_id, **_columns(w.stored)}
        for p, w in wanted.items()
        if w.stored is not None and p not in by_placement
    ]
    if new:
        inserted = conn.execute(_INSERT_VALUES, new)
        by_placement.update({row.form_attribute_id: ValueRow(**row._mapping) for row in inserted})
    return sorted(by_placement.values(), key=lambda row: row.id)


def _changes(placement: int, want: WantedValue, existing: dict[int, ValueRow]) -> bool:
    return want.stored is not None and placement in existing


def _with(row: ValueRow, stored: StoredValue | None) -> ValueRow:
    assert stored is not None
    return replace(row, text=stored.text, option_ids=stored.option_ids, ref_ids=stored.ref_ids)


def _columns(stored: StoredValue | None) -> dict[str, str | None]:
    assert stored is not None
    return {"text": stored.text, "option_ids": stored.option_ids, "ref_ids": stored.ref_ids}


def delete_asset(conn: Connection, asset_id: int) -> None:
    """The asset's values, attachments and row."""
    for statement in _DELETE_ASSET:
        conn.execute(statement, {"asset_id": asset_id})


def drop_references(conn: Connection, holders: Iterable[int], target: int) -> None:
    """Remove `target` from the reference values of `holders`; a value left with no reference is removed."""
    query = select(VALUES.c.id, VALUES.c.ref_ids).where(
        VALUES.c.asset_id.in_(list(holders)), VALUES.c.ref_ids.is_not(None)
    )
    kept: list[dict[str, Any]] = []
    emptied: list[int] = []
    for row_id, ref_ids in conn.execute(query):
        refs = json.loads(ref_ids or "[]")
        if target in refs:
            left = [ref for ref in refs if ref != target]
            if left:
                kept.append({"row_id": row_id, "ref_ids": json.dumps(left)})
            else:
                emptied.append(row_id)
    if kept:
        conn.execute(
            update(VALUES).where(VALUES.c.id == bindparam("row_id")).values(ref_ids=bindparam("ref_ids")), kept
        )
    if emptied:
        conn.execute(delete(VALUES).where(VALUES.c.id.in_(emptied)))
