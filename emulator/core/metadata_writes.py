"""Metadata writes in the database: collections (DC forms), their placements, attribute definitions and options.

The dialects check what a request asks for and call these; each change runs in the write path's transaction
(`metadata_write`), so the generation moves on (no cached asset view outlives the metadata it was read with) and the
assets whose index documents change are re-indexed with the database: a renamed collection (its name is
searchable), a removed attribute or placement (its values go).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, text
from sqlalchemy.sql import ColumnElement

from emulator.core.catalog import load_catalog
from emulator.core.errors import Conflict, NotFound
from emulator.core.transaction import WriteContext, transaction
from emulator.core.types import AttributeType
from emulator.store import models as m

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator

_OPTION_IN_USE = "SELECT 1 FROM asset_values v, json_each(v.option_ids) o WHERE v.attribute_id = :a AND o.value = :o"


@contextmanager
def metadata_write(emu: Emulator) -> Iterator[WriteContext]:
    """One metadata change: the write path's transaction, then the catalog reloaded for the index and every reader."""
    with emu.index.write_lock:  # re-entrant: no other write starts before the catalog is dropped
        with transaction(emu) as ctx:
            yield ctx
            ctx.session.flush()
            ctx.catalog = load_catalog(ctx.session)  # index documents are rebuilt with the new metadata
        emu.invalidate_catalog()


# -- collections ---------------------------------------------------------------------------------
def unique_collection(ctx: WriteContext, name: str, prefix: str, own_id: int | None) -> None:
    """409 when another collection has this name (any case) or key prefix."""
    others = select(m.Form).where(m.Form.id != (own_id or -1))
    if ctx.session.scalar(others.where(func.lower(m.Form.name) == name.lower())) is not None:
        raise Conflict(f"A collection named '{name}' already exists")
    if ctx.session.scalar(others.where(m.Form.key_prefix == prefix)) is not None:
        raise Conflict(f"A collection with key prefix '{prefix}' already exists")


def add_collection(
    ctx: WriteContext, name: str, prefix: str, scheme: int, description: str | None, *, created: tuple[int, str]
) -> int:
    """A new collection last in its scheme, `created` (epoch ms, username); its id."""
    order = max((f.sort_order for f in ctx.catalog.forms.values() if f.scheme_id == scheme), default=0) + 1
    row = m.Form(name=name, scheme_id=scheme, sort_order=order, key_prefix=prefix, description=description,
                 created=created[0], created_by=created[1])  # fmt: skip
    ctx.session.add(row)
    ctx.session.flush()
    return row.id


def collection_names(ctx: WriteContext, collection_id: int) -> tuple[str, str]:
    """A collection's stored name and key prefix."""
    row = ctx.session.get_one(m.Form, collection_id)
    return row.name, row.key_prefix


def rename_collection(ctx: WriteContext, collection_id: int, name: str, prefix: str) -> None:
    """A new name re-indexes the collection's assets (`form.name` is searchable); a new prefix numbers new assets,
    existing keys stay."""
    row = ctx.session.get_one(m.Form, collection_id)
    if name != row.name:
        ctx.touched.update(ctx.session.scalars(select(m.Asset.id).where(m.Asset.form_id == collection_id)))
    row.name, row.key_prefix = name, prefix


def describe_collection(ctx: WriteContext, collection_id: int, description: str | None) -> None:
    ctx.session.get_one(m.Form, collection_id).description = description


def remove_collection(ctx: WriteContext, collection_id: int) -> None:
    """Delete an empty collection that no attribute refers to (else 409)."""
    count = ctx.session.scalar(select(func.count()).where(m.Asset.form_id == collection_id)) or 0
    if count:
        raise Conflict(f"Collection {collection_id} still holds {count} assets; delete them first")
    referring = ctx.session.scalar(select(m.Attribute.name).where(m.Attribute.reference_form_id == collection_id))
    if referring is not None:
        raise Conflict(f"Collection {collection_id} is referenced by attribute '{referring}'")
    ctx.session.execute(delete(m.FormAttribute).where(m.FormAttribute.form_id == collection_id))
    ctx.session.execute(delete(m.Form).where(m.Form.id == collection_id))


def place(ctx: WriteContext, form_id: int, desired: list[tuple[int, bool]]) -> None:
    """Make the collection's placements these (attribute id, required), in order; the values of dropped ones go."""
    query = select(m.FormAttribute).where(m.FormAttribute.form_id == form_id)
    current = {row.attribute_id: row for row in ctx.session.scalars(query)}
    for position, (attribute_id, required) in enumerate(desired, 1):
        row = current.pop(attribute_id, None)
        if row is None:
            row = m.FormAttribute(form_id=form_id, attribute_id=attribute_id)
            ctx.session.add(row)
        row.sort_order, row.required = position, required
    for row in current.values():
        _drop_values(ctx, m.AssetValue.form_attribute_id == row.id)
        ctx.session.delete(row)


def place_last(ctx: WriteContext, form_id: int, attribute_id: int, required: bool) -> None:
    """Place an attribute after every other on a collection."""
    last = max((p.sort_order for p in ctx.catalog.forms[form_id].placements), default=0)
    ctx.session.add(m.FormAttribute(form_id=form_id, attribute_id=attribute_id, sort_order=last + 1,
                                    required=required))  # fmt: skip


def _drop_values(ctx: WriteContext, where: ColumnElement[bool]) -> None:
    """Delete asset values (and re-index their assets)."""
    ctx.touched.update(ctx.session.scalars(select(m.AssetValue.asset_id).where(where).distinct()))
    ctx.session.execute(delete(m.AssetValue).where(where))


# -- attribute definitions -----------------------------------------------------------------------
def unique_attribute(ctx: WriteContext, name: str, own_id: int | None) -> None:
    """409 when another attribute has this name (any case)."""
    others = select(m.Attribute.id).where(
        m.Attribute.id != (own_id or -1), func.lower(m.Attribute.name) == name.lower()
    )
    if ctx.session.scalar(others) is not None:
        raise Conflict(f"An attribute named '{name}' already exists")


def next_attribute_id(ctx: WriteContext, below: int) -> int:
    """The id a new attribute definition gets (409 once the ids would pass `below`)."""
    new_id = (ctx.session.scalar(select(func.max(m.Attribute.id))) or 0) + 1
    if new_id > below:
        raise Conflict(f"Attribute ids are exhausted below {below}")
    return new_id


def add_attribute(ctx: WriteContext, attribute_id: int, name: str, kind: AttributeType, reference: int | None) -> None:
    """A new attribute definition (a reference attribute names the collection it refers to)."""
    ctx.session.add(m.Attribute(id=attribute_id, name=name, type=kind.value, reference_form_id=reference))
    ctx.session.flush()


def attribute_type(ctx: WriteContext, attribute_id: int) -> AttributeType:
    """A stored attribute's type (404 if there is no such attribute)."""
    row = ctx.session.get(m.Attribute, attribute_id)
    if row is None:
        raise NotFound(f"Attribute {attribute_id} does not exist")
    return AttributeType(row.type)


def rename_attribute(ctx: WriteContext, attribute_id: int, name: str) -> None:
    ctx.session.get_one(m.Attribute, attribute_id).name = name


def remove_attribute(ctx: WriteContext, attribute_id: int) -> None:
    """Delete an attribute definition with its placements, options and values; its assets are re-indexed."""
    _drop_values(ctx, m.AssetValue.attribute_id == attribute_id)
    ctx.session.execute(delete(m.FormAttribute).where(m.FormAttribute.attribute_id == attribute_id))
    ctx.session.execute(delete(m.AttributeOption).where(m.AttributeOption.attribute_id == attribute_id))
    ctx.session.execute(delete(m.Attribute).where(m.Attribute.id == attribute_id))


def set_options(ctx: WriteContext, attribute_id: int, texts: list[str]) -> None:
    """Make the attribute's options these texts, in this order, keeping the ids of the ones that stay (an option
    still used by an asset cannot go: 409)."""
    current = {o.value: o for o in ctx.session.scalars(select(m.AttributeOption).where(
        m.AttributeOption.attribute_id == attribute_id))}  # fmt: skip
    for position, value in enumerate(texts, 1):
        row = current.pop(value, None) or m.AttributeOption(attribute_id=attribute_id, value=value)
        row.sort_order = position
        ctx.session.add(row)
    for gone in current.values():
        if ctx.session.execute(text(_OPTION_IN_USE), {"a": attribute_id, "o": gone.id}).first() is not None:
            raise Conflict(f"options: option '{gone.value}' is still used by assets")
        ctx.session.delete(gone)
