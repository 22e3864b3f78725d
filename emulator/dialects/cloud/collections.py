"""Collections (DC forms) and attribute definitions, managed through the Cloud dialect (cloud-api.md §2, §3).

Every change runs in the write path's transaction, so the generation moves on (no cached asset view outlives the
metadata it was read with) and the assets whose index documents change are re-indexed with the database: a renamed
collection (its name is searchable), a removed attribute or placement (its values go).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from emulator.core import metadata
from emulator.core.catalog import Catalog, FormInfo, UserInfo, load_catalog
from emulator.core.errors import Conflict, NotFound, ValidationError
from emulator.core.transaction import WriteContext, transaction
from emulator.core.types import OPTION_TYPES, AttributeType
from emulator.core.values import AttributeInfo
from emulator.core.views import storable_id
from emulator.dialects.cloud import attributes as ca
from emulator.dialects.cloud.schemas import (
    AttributeUpdate,
    AttributeWrite,
    CollectionUpdate,
    CollectionWrite,
    PlacementIn,
)
from emulator.runtime.emulator import Emulator
from emulator.store import models as m

_KEY_PREFIX = re.compile(r"^[A-Z][A-Z0-9]*$")
DEFAULT_SCHEME = 1  # Cloud has no schemes: new collections join the Default Asset Scheme unless told otherwise


def visible(catalog: Catalog, user: UserInfo) -> list[FormInfo]:
    """The collections of the schemes `user` may browse, by id."""
    return metadata.forms(catalog, user)


def collection(catalog: Catalog, user: UserInfo, collection_id: int) -> FormInfo:
    """One collection `user` may browse; 404 otherwise."""
    return metadata.form(catalog, user, collection_id, noun="Collection")


def attributes(catalog: Catalog) -> list[AttributeInfo]:
    return [a for _, a in sorted(catalog.attributes.items())]


def attribute(catalog: Catalog, attribute_id: int) -> AttributeInfo | ca.GlobalAttribute:
    """An attribute definition, or a global one by its fixed id."""
    found = catalog.attributes.get(attribute_id) or ca.GLOBAL_BY_ID.get(attribute_id)
    if found is None:
        raise NotFound(f"Attribute {attribute_id} does not exist")
    return found


@contextmanager
def _metadata(emu: Emulator) -> Iterator[WriteContext]:
    with emu.index.write_lock:  # re-entrant: no other write starts before the catalog is dropped
        with transaction(emu) as ctx:
            yield ctx
            ctx.session.flush()
            ctx.catalog = load_catalog(ctx.session)  # index documents are rebuilt with the new metadata
        emu.invalidate_catalog()


# -- collections ---------------------------------------------------------------------------------
def create_collection(emu: Emulator, user: UserInfo, body: CollectionWrite) -> int:
    """A new collection; `attributes` places existing attribute definitions on it, in order."""
    name, prefix = _text(body.name, "name"), _prefix(body.key_prefix)
    with _metadata(emu) as ctx:
        _unique_collection(ctx.session, name, prefix, None)
        scheme = _scheme(ctx.catalog, user, body.scheme_id)
        order = max((f.sort_order for f in ctx.catalog.forms.values() if f.scheme_id == scheme), default=0) + 1
        row = m.Form(name=name, scheme_id=scheme, sort_order=order, key_prefix=prefix, description=body.description,
                     created=emu.clock.now_ms(), created_by=user.username)  # fmt: skip
        ctx.session.add(row)
        ctx.session.flush()
        new_id = row.id
        _place(ctx, new_id, body.attributes or [])
    return new_id


def update_collection(emu: Emulator, user: UserInfo, collection_id: int, body: CollectionUpdate) -> None:
    """Change what the body names; `attributes` replaces the placements (values of dropped ones go)."""
    sent = body.model_fields_set
    with _metadata(emu) as ctx:
        collection(ctx.catalog, user, collection_id)
        row = ctx.session.get_one(m.Form, collection_id)
        if "scheme_id" in sent:
            raise ValidationError("schemeId: a collection's scheme is chosen when it is created", field="schemeId")
        name = _text(body.name, "name") if "name" in sent else row.name
        prefix = _prefix(body.key_prefix) if "key_prefix" in sent else row.key_prefix
        _unique_collection(ctx.session, name, prefix, collection_id)
        if name != row.name:  # `form.name` is searchable
            ctx.touched.update(ctx.session.scalars(select(m.Asset.id).where(m.Asset.form_id == collection_id)))
        row.name, row.key_prefix = name, prefix  # a new prefix numbers new assets; existing keys stay
        if "description" in sent:
            row.description = body.description
        if "attributes" in sent:
            _place(ctx, collection_id, body.attributes or [])


def delete_collection(emu: Emulator, user: UserInfo, collection_id: int) -> None:
    """Delete an empty collection that no attribute refers to (else 409)."""
    with _metadata(emu) as ctx:
        collection(ctx.catalog, user, collection_id)
        count = ctx.session.scalar(select(func.count()).where(m.Asset.form_id == collection_id)) or 0
        if count:
            raise Conflict(f"Collection {collection_id} still holds {count} assets; delete them first")
        referring = ctx.session.scalar(select(m.Attribute.name).where(m.Attribute.reference_form_id == collection_id))
        if referring is not None:
            raise Conflict(f"Collection {collection_id} is referenced by attribute '{referring}'")
        ctx.session.execute(delete(m.FormAttribute).where(m.FormAttribute.form_id == collection_id))
        ctx.session.execute(delete(m.Form).where(m.Form.id == collection_id))


def _place(ctx: WriteContext, form_id: int, wanted: list[int | PlacementIn]) -> None:
    desired: list[tuple[int, bool]] = []
    for i, item in enumerate(wanted):
        attribute_id, required = (item, False) if isinstance(item, int) else (item.id, item.required)
        where = f"attributes[{i}]"
        if attribute_id not in ctx.catalog.attributes:
            raise ValidationError(f"{where}: unknown attribute {attribute_id}", field=where)
        if any(attribute_id == seen for seen, _ in desired):
            raise ValidationError(f"{where}: attribute {attribute_id} is listed twice", field=where)
        desired.append((attribute_id, required))
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


def _drop_values(ctx: WriteContext, where: ColumnElement[bool]) -> None:
    """Delete asset values (and re-index their assets)."""
    ctx.touched.update(ctx.session.scalars(select(m.AssetValue.asset_id).where(where).distinct()))
    ctx.session.execute(delete(m.AssetValue).where(where))


def _unique_collection(session: Session, name: str, prefix: str, own_id: int | None) -> None:
    others = select(m.Form).where(m.Form.id != (own_id or -1))
    if session.scalar(others.where(func.lower(m.Form.name) == name.lower())) is not None:
        raise Conflict(f"A collection named '{name}' already exists")
    if session.scalar(others.where(m.Form.key_prefix == prefix)) is not None:
        raise Conflict(f"A collection with key prefix '{prefix}' already exists")


def _scheme(catalog: Catalog, user: UserInfo, scheme_id: int | None) -> int:
    chosen = DEFAULT_SCHEME if scheme_id is None else scheme_id
    if chosen not in catalog.browsable(user):
        raise ValidationError(f"schemeId: unknown scheme {chosen}", field="schemeId")
    return chosen


def _prefix(raw: str | None) -> str:
    prefix = _text(raw, "keyPrefix")
    if not _KEY_PREFIX.match(prefix):
        message = f"keyPrefix: '{prefix}' must be capital letters and digits, starting with a letter"
        raise ValidationError(message, field="keyPrefix")
    return prefix


def _text(raw: str | None, where: str) -> str:
    if raw is None or not raw.strip():
        raise ValidationError(f"{where}: a non-empty text is required", field=where)
    return raw.strip()


# -- attribute definitions -----------------------------------------------------------------------
def create_attribute(emu: Emulator, user: UserInfo, body: AttributeWrite) -> int:
    """A new attribute definition, optionally placed at the end of some collections."""
    name, kind = _text(body.name, "name"), _dc_type(body.type)
    options = _options(kind, body.options)
    with _metadata(emu) as ctx:
        _unique_attribute(ctx.session, name, None)
        new_id = (ctx.session.scalar(select(func.max(m.Attribute.id))) or 0) + 1
        if new_id > ca.GLOBAL_ID_BASE:  # the global attributes' ids lie above
            raise Conflict(f"Attribute ids are exhausted below {ca.GLOBAL_ID_BASE}")
        reference = _reference(ctx.catalog, user, kind, body.reference_collection_ids)
        ctx.session.add(m.Attribute(id=new_id, name=name, type=kind.value, reference_form_id=reference))
        ctx.session.flush()
        _set_options(ctx, new_id, options)
        for i, form_id in enumerate(body.collection_ids or []):
            if form_id not in ctx.catalog.forms or ctx.catalog.forms[form_id].scheme_id not in ctx.catalog.browsable(
                user
            ):
                raise ValidationError(f"collectionIds[{i}]: unknown collection {form_id}", field=f"collectionIds[{i}]")
            last = max((p.sort_order for p in ctx.catalog.forms[form_id].placements), default=0)
            ctx.session.add(m.FormAttribute(form_id=form_id, attribute_id=new_id, sort_order=last + 1,
                                            required=body.required))  # fmt: skip
    return new_id


def update_attribute(emu: Emulator, attribute_id: int, body: AttributeUpdate) -> None:
    """Rename an attribute or replace its options (an option still in use cannot go: 409)."""
    sent = body.model_fields_set
    _not_global(attribute_id)
    with _metadata(emu) as ctx:
        row = ctx.session.get(m.Attribute, attribute_id) if storable_id(attribute_id) else None
        if row is None:
            raise NotFound(f"Attribute {attribute_id} does not exist")
        if "type" in sent and _dc_type(body.type) != _same_kind(AttributeType(row.type)):
            raise ValidationError("type: the type of an attribute cannot change", field="type")
        if "name" in sent:
            row.name = _text(body.name, "name")
            _unique_attribute(ctx.session, row.name, attribute_id)
        if "options" in sent:
            _set_options(ctx, attribute_id, _options(AttributeType(row.type), body.options))


def delete_attribute(emu: Emulator, attribute_id: int) -> None:
    """Delete an attribute definition with its placements and values; the affected assets are re-indexed."""
    _not_global(attribute_id)
    with _metadata(emu) as ctx:
        if not storable_id(attribute_id) or ctx.session.get(m.Attribute, attribute_id) is None:
            raise NotFound(f"Attribute {attribute_id} does not exist")
        _drop_values(ctx, m.AssetValue.attribute_id == attribute_id)
        ctx.session.execute(delete(m.FormAttribute).where(m.FormAttribute.attribute_id == attribute_id))
        ctx.session.execute(delete(m.AttributeOption).where(m.AttributeOption.attribute_id == attribute_id))
        ctx.session.execute(delete(m.Attribute).where(m.Attribute.id == attribute_id))


def _not_global(attribute_id: int) -> None:
    if attribute_id in ca.GLOBAL_BY_ID:
        raise ValidationError(f"id: attribute {attribute_id} is a global attribute and cannot change", field="id")


def _same_kind(kind: AttributeType) -> AttributeType:
    return AttributeType.DROPDOWN_LIST if kind is AttributeType.LIST_BOX else kind


def _dc_type(raw: str | None) -> AttributeType:
    names = ", ".join(ca.DC_TYPE)
    try:
        return ca.DC_TYPE[ca.CloudType((raw or "").upper())]
    except (ValueError, KeyError):
        message = f"type: '{raw}' is not a supported attribute type; use one of {names}"
        raise ValidationError(message, field="type") from None


def _options(kind: AttributeType, given: list[str] | None) -> list[str]:
    if kind not in OPTION_TYPES:
        if given:
            raise ValidationError(f"options: a {ca.CLOUD_TYPE[kind]} attribute has no options", field="options")
        return []
    texts = [o.strip() for o in given or []]
    if not texts or any(not t for t in texts) or len({t.lower() for t in texts}) != len(texts):
        raise ValidationError("options: a non-empty list of distinct, non-empty texts is required", field="options")
    return texts


def _reference(catalog: Catalog, user: UserInfo, kind: AttributeType, given: list[int] | None) -> int | None:
    where = "referenceCollectionIds"
    if kind is not AttributeType.INVENTORY_LIST_BY_FORM:
        if given:
            raise ValidationError(f"{where}: only ASSET_REFERENCE_BY_COLLECTION attributes take them", field=where)
        return None
    if not given or len(given) != 1:
        raise ValidationError(f"{where}: exactly one collection id is required", field=where)
    if given[0] not in catalog.forms or catalog.forms[given[0]].scheme_id not in catalog.browsable(user):
        raise ValidationError(f"{where}: unknown collection {given[0]}", field=where)
    return given[0]


def _unique_attribute(session: Session, name: str, own_id: int | None) -> None:
    others = select(m.Attribute.id).where(
        m.Attribute.id != (own_id or -1), func.lower(m.Attribute.name) == name.lower()
    )
    if session.scalar(others) is not None:
        raise Conflict(f"An attribute named '{name}' already exists")


def _set_options(ctx: WriteContext, attribute_id: int, texts: list[str]) -> None:
    """Make the attribute's options these texts, in this order, keeping the ids of the ones that stay."""
    current = {o.value: o for o in ctx.session.scalars(select(m.AttributeOption).where(
        m.AttributeOption.attribute_id == attribute_id))}  # fmt: skip
    for position, value in enumerate(texts, 1):
        row = current.pop(value, None) or m.AttributeOption(attribute_id=attribute_id, value=value)
        row.sort_order = position
        ctx.session.add(row)
    used = text("SELECT 1 FROM asset_values v, json_each(v.option_ids) o WHERE v.attribute_id = :a AND o.value = :o")
    for gone in current.values():
        if ctx.session.execute(used, {"a": attribute_id, "o": gone.id}).first() is not None:
            raise Conflict(f"options: option '{gone.value}' is still used by assets")
        ctx.session.delete(gone)
