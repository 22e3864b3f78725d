"""Collections (DC forms) and attribute definitions, managed through the Cloud dialect (cloud-api.md §2, §3).

What a request asks for is checked here, in the Cloud's words; the change itself is the core's
(`emulator.core.metadata_writes`: one write transaction, the affected assets re-indexed with the database).
"""

from __future__ import annotations

import re

from emulator.core import metadata
from emulator.core import metadata_writes as writes
from emulator.core.catalog import Catalog, FormInfo, UserInfo
from emulator.core.errors import NotFound, ValidationError
from emulator.core.transaction import WriteContext
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


# -- collections ---------------------------------------------------------------------------------
def create_collection(emu: Emulator, user: UserInfo, body: CollectionWrite) -> int:
    """A new collection; `attributes` places existing attribute definitions on it, in order."""
    name, prefix = _text(body.name, "name"), _prefix(body.key_prefix)
    with writes.metadata_write(emu) as ctx:
        writes.unique_collection(ctx, name, prefix, None)
        scheme = _scheme(ctx.catalog, user, body.scheme_id)
        created = (emu.clock.now_ms(), user.username)
        new_id = writes.add_collection(ctx, name, prefix, scheme, body.description, created=created)
        writes.place(ctx, new_id, _placements(ctx.catalog, body.attributes or []))
    return new_id


def update_collection(emu: Emulator, user: UserInfo, collection_id: int, body: CollectionUpdate) -> None:
    """Change what the body names; `attributes` replaces the placements (values of dropped ones go)."""
    sent = body.model_fields_set
    with writes.metadata_write(emu) as ctx:
        collection(ctx.catalog, user, collection_id)
        stored_name, stored_prefix = writes.collection_names(ctx, collection_id)
        if "scheme_id" in sent:
            raise ValidationError("schemeId: a collection's scheme is chosen when it is created", field="schemeId")
        name = _text(body.name, "name") if "name" in sent else stored_name
        prefix = _prefix(body.key_prefix) if "key_prefix" in sent else stored_prefix
        writes.unique_collection(ctx, name, prefix, collection_id)
        writes.rename_collection(ctx, collection_id, name, prefix)
        if "description" in sent:
            writes.describe_collection(ctx, collection_id, body.description)
        if "attributes" in sent:
            writes.place(ctx, collection_id, _placements(ctx.catalog, body.attributes or []))


def delete_collection(emu: Emulator, user: UserInfo, collection_id: int) -> None:
    """Delete an empty collection that no attribute refers to (else 409)."""
    with writes.metadata_write(emu) as ctx:
        collection(ctx.catalog, user, collection_id)
        writes.remove_collection(ctx, collection_id)


def _placements(catalog: Catalog, wanted: list[int | PlacementIn]) -> list[tuple[int, bool]]:
    """The (attribute id, required) pairs a request lists: known attributes, each once."""
    desired: list[tuple[int, bool]] = []
    for i, item in enumerate(wanted):
        attribute_id, required = (item, False) if isinstance(item, int) else (item.id, item.required)
        where = f"attributes[{i}]"
        if attribute_id not in catalog.attributes:
            raise ValidationError(f"{where}: unknown attribute {attribute_id}", field=where)
        if any(attribute_id == seen for seen, _ in desired):
            raise ValidationError(f"{where}: attribute {attribute_id} is listed twice", field=where)
        desired.append((attribute_id, required))
    return desired


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
    with writes.metadata_write(emu) as ctx:
        writes.unique_attribute(ctx, name, None)
        new_id = writes.next_attribute_id(ctx, below=ca.GLOBAL_ID_BASE)  # the global attributes' ids lie above
        reference = _reference(ctx.catalog, user, kind, body.reference_collection_ids)
        writes.add_attribute(ctx, new_id, name, kind, reference)
        writes.set_options(ctx, new_id, options)
        for i, form_id in enumerate(body.collection_ids or []):
            where = f"collectionIds[{i}]"
            if form_id not in ctx.catalog.forms or ctx.catalog.forms[form_id].scheme_id not in ctx.catalog.browsable(
                user
            ):
                raise ValidationError(f"{where}: unknown collection {form_id}", field=where)
            if form_id in (body.collection_ids or [])[:i]:
                raise ValidationError(f"{where}: collection {form_id} is listed twice", field=where)
            writes.place_last(ctx, form_id, new_id, body.required)
    return new_id


def update_attribute(emu: Emulator, attribute_id: int, body: AttributeUpdate) -> None:
    """Rename an attribute or replace its options (an option still in use cannot go: 409)."""
    sent = body.model_fields_set
    _not_global(attribute_id)
    with writes.metadata_write(emu) as ctx:
        kind = _stored_type(ctx, attribute_id)
        if "type" in sent and _dc_type(body.type) != _same_kind(kind):
            raise ValidationError("type: the type of an attribute cannot change", field="type")
        if "name" in sent:
            name = _text(body.name, "name")
            writes.unique_attribute(ctx, name, attribute_id)  # first: the query would flush a clashing rename
            writes.rename_attribute(ctx, attribute_id, name)
        if "options" in sent:
            writes.set_options(ctx, attribute_id, _options(kind, body.options))


def delete_attribute(emu: Emulator, attribute_id: int) -> None:
    """Delete an attribute definition with its placements and values; the affected assets are re-indexed."""
    _not_global(attribute_id)
    with writes.metadata_write(emu) as ctx:
        _stored_type(ctx, attribute_id)
        writes.remove_attribute(ctx, attribute_id)


def _stored_type(ctx: WriteContext, attribute_id: int) -> AttributeType:
    if not storable_id(attribute_id):
        raise NotFound(f"Attribute {attribute_id} does not exist")
    return writes.attribute_type(ctx, attribute_id)


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
