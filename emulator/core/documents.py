"""What the index holds for one asset: every searchable field as texts, a number and a sort key."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from emulator.core.catalog import Catalog
from emulator.core.fields import attribute_slug
from emulator.core.timefmt import parse_point
from emulator.core.types import OPTION_TYPES, REFERENCE_TYPES, USER_TYPES, AttributeType
from emulator.core.values import user_keys
from emulator.core.views import AssetView, ItemView
from emulator.search.tree import CATCH_ALL, Document, FieldValues

# For these system fields the index slug is the column name.
_USER_COLUMNS = ("assignee", "reserved_for", "owner", "managed_by")
_TEXT_COLUMNS = ("asset_tag", "serial_number", "invoice_number", "cost_currency")


def build_document(view: AssetView, catalog: Catalog, zone: ZoneInfo) -> Document:
    """The index document of one asset."""
    fields: dict[str, FieldValues] = {
        "id": _number(view.id),
        "name": FieldValues(texts=(view.name,)),
        "key": FieldValues(texts=(view.key,) if view.key else ()),
        "scheme_id": _number(view.scheme.id),
        "scheme_name": FieldValues(texts=(view.scheme.name,)),
        "form_id": _number(view.form.id),
        "form_name": FieldValues(texts=(view.form.name,)),
        "attachment": FieldValues(texts=tuple(a.original_file_name for a in view.attachments or ())),
        "creator": FieldValues(texts=(view.creator,) if view.creator else ()),
        "created": FieldValues(number=view.created),
        "updated": FieldValues(number=view.updated) if view.updated is not None else FieldValues(),
    }
    fields.update(_system_fields(view, catalog, zone))
    for item in view.items:
        fields[attribute_slug(item.attribute.id)] = _item(item, catalog, zone)
    content = tuple(text for values in fields.values() for text in values.texts)
    fields[CATCH_ALL] = FieldValues(texts=content, sort_text="")  # every text: see `CATCH_ALL`
    return Document(asset_id=view.id, fields=fields)


def _number(value: int | float) -> FieldValues:
    return FieldValues(texts=(_plain_number(value),), number=float(value))


def _plain_number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _user(catalog: Catalog, key: str | None) -> FieldValues:
    if not key:
        return FieldValues()
    user = catalog.user(key)
    if user is None:
        return FieldValues(texts=(key,))
    return FieldValues(texts=(user.username, user.key, user.display_name), sort_text=user.display_name)


def _users(catalog: Catalog, keys: list[str]) -> FieldValues:
    found = [_user(catalog, key) for key in keys]
    texts = tuple(text for values in found for text in values.texts)
    return FieldValues(texts=texts, sort_text=", ".join(v.sort_text or "" for v in found) or None)


def _system_fields(view: AssetView, catalog: Catalog, zone: ZoneInfo) -> dict[str, FieldValues]:
    system = view.system
    out = {column: _user(catalog, system[column]) for column in _USER_COLUMNS}
    out.update({column: FieldValues(texts=(system[column],) if system[column] else ()) for column in _TEXT_COLUMNS})
    for slug, table in (("status", catalog.statuses), ("substatus", catalog.substatuses)):
        status = table.get(system[f"{slug}_key"] or "")
        out[slug] = FieldValues(texts=(status.name, status.key), sort_text=status.name) if status else FieldValues()
    location = catalog.locations.get(system["location_id"] or 0)
    out["location"] = FieldValues(texts=(location.name,)) if location else FieldValues()
    out["belongs_to_group"] = FieldValues(texts=tuple(json.loads(system["belongs_to_group"] or "[]")))
    quantity, cost = system["quantity"], system["cost"]
    out["quantity"] = _number(quantity) if quantity is not None else FieldValues()
    out["cost"] = _number(cost) if cost is not None else FieldValues()
    install = system["install_date"]
    out["install_date"] = _date(install, zone) if install else FieldValues()
    return out


def _date(text: str, zone: ZoneInfo) -> FieldValues:
    start, _span = parse_point(text, zone, "stored date")
    return FieldValues(texts=(text,), number=float(start), sort_text=text)


def _item(item: ItemView, catalog: Catalog, zone: ZoneInfo) -> FieldValues:
    kind = item.attribute.type
    if kind in OPTION_TYPES:
        return FieldValues(texts=tuple(o.value for o in item.options))
    if kind in REFERENCE_TYPES:
        texts = tuple(t for r in item.refs for t in (f"{r.name} #{r.id}", r.name, f"#{r.id}"))
        return FieldValues(texts=texts, sort_text=", ".join(r.name for r in item.refs))
    text = item.text or ""
    if kind in USER_TYPES:
        return _users(catalog, user_keys(kind, text))
    if kind in (AttributeType.DATE_PICKER, AttributeType.DATETIME_PICKER):
        return _date(text, zone)
    if kind in (AttributeType.NUMBER, AttributeType.DECIMAL):
        return _number(float(text))
    return FieldValues(texts=(text,))
