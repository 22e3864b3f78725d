"""Searchable fields: DC field names (system fields and attribute names) mapped to index slugs and kinds."""

from __future__ import annotations

from emulator.core.catalog import Catalog
from emulator.core.types import FieldType, search_type
from emulator.search.tree import FieldSpec, Kind


def _system(name: str, slug: str, kind: Kind) -> tuple[str, FieldSpec]:
    return name, FieldSpec(name, slug, kind)


# dc-api.md §2 (confirmed system fields) and §4 (writable ones, chosen as searchable).
SYSTEM_FIELDS: dict[str, FieldSpec] = dict(
    [
        _system("asset.content", "content", Kind.TEXT),
        _system("scheme.id", "scheme_id", Kind.NUMBER),
        _system("scheme.name", "scheme_name", Kind.LIST),
        _system("form.id", "form_id", Kind.NUMBER),
        _system("form.name", "form_name", Kind.LIST),
        _system("asset.id", "id", Kind.NUMBER),
        _system("asset.name", "name", Kind.TEXT),
        _system("asset.key", "key", Kind.TEXT),
        _system("asset.attachment", "attachment", Kind.TEXT),
        _system("asset.creator", "creator", Kind.TEXT),
        _system("asset.created", "created", Kind.DATE_TIME),
        _system("asset.status", "status", Kind.LIST),
        _system("asset.substatus", "substatus", Kind.LIST),
        _system("asset.assignee", "assignee", Kind.TEXT),
        _system("asset.reservedFor", "reserved_for", Kind.TEXT),
        _system("asset.owner", "owner", Kind.TEXT),
        _system("asset.managedBy", "managed_by", Kind.TEXT),
        _system("asset.quantity", "quantity", Kind.NUMBER),
        _system("asset.assetTag", "asset_tag", Kind.TEXT),
        _system("asset.serialNumber", "serial_number", Kind.TEXT),
        _system("asset.invoiceNumber", "invoice_number", Kind.TEXT),
        _system("asset.location", "location", Kind.LIST),
        _system("asset.belongsToGroup", "belongs_to_group", Kind.LIST),
        _system("asset.installDate", "install_date", Kind.DATE),
        _system("asset.cost", "cost", Kind.NUMBER),
        _system("asset.costCurrency", "cost_currency", Kind.LIST),
    ]
)

_KIND_OF_TYPE = {
    FieldType.STRING: Kind.TEXT,
    FieldType.LIST: Kind.LIST,
    FieldType.ALL_ASSETS_REF: Kind.REF,
    FieldType.ASSETS_REF_BY_FORM: Kind.REF,
    FieldType.LONG: Kind.NUMBER,
    FieldType.DOUBLE: Kind.NUMBER,
    FieldType.DATE: Kind.DATE,
    FieldType.DATE_TIME: Kind.DATE_TIME,
}


def attribute_slug(attribute_id: int) -> str:
    """The index slug of an attribute."""
    return f"a{attribute_id}"


_SYSTEM_BY_SLUG = {spec.slug: name for name, spec in SYSTEM_FIELDS.items()}


def field_name(catalog: Catalog, slug: str) -> str:
    """The name a caller knows a field by, from its index slug (the slug itself if it names nothing)."""
    if slug in _SYSTEM_BY_SLUG:
        return _SYSTEM_BY_SLUG[slug]
    attribute = catalog.attributes.get(int(slug[1:])) if slug[:1] == "a" and slug[1:].isdigit() else None
    return slug if attribute is None else attribute.name


def resolve(catalog: Catalog, name: str) -> FieldSpec | None:
    """The field called `name` (a system field or an attribute name, case-sensitive), if it exists."""
    found = SYSTEM_FIELDS.get(name)
    if found is not None:
        return found
    attribute = catalog.attributes_by_name.get(name)
    if attribute is None:
        return None
    return FieldSpec(name, attribute_slug(attribute.id), _KIND_OF_TYPE[search_type(attribute.type)])
