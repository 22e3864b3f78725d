"""Attribute definitions as the Cloud dialect sees them (cloud-api.md §2, §3): its types and the global attributes.

The global attributes are the 15 DC writable system fields under their Cloud display names. They have no rows of
their own, so they get fixed ids from `GLOBAL_ID_BASE + 1` on (9000001 = Status ... 9000015 = Currency) [chosen].
Attribute ids are handed out below that range (`collections.create_attribute` refuses to cross it), so the two
never collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.catalog import Catalog
from emulator.core.system_fields import SYSTEM_FIELDS, Kind, SystemField
from emulator.core.types import OPTION_TYPES, AttributeType, as_id
from emulator.core.values import AttributeInfo

GLOBAL_ID_BASE = 9_000_000


class CloudType(StrEnum):
    TEXT = "TEXT"
    TEXT_AREA = "TEXT_AREA"
    NUMBER = "NUMBER"
    DECIMAL = "DECIMAL"
    DATE = "DATE"
    DATETIME = "DATETIME"
    DROPDOWN = "DROPDOWN"
    MULTI_SELECT = "MULTI_SELECT"
    RADIO = "RADIO"
    CHECKBOX = "CHECKBOX"
    USER = "USER"
    MULTI_USER = "MULTI_USER"
    ASSET_REFERENCE = "ASSET_REFERENCE"
    ASSET_REFERENCE_BY_COLLECTION = "ASSET_REFERENCE_BY_COLLECTION"
    IP = "IP"
    IPV6 = "IPV6"
    URL = "URL"
    EMAIL = "EMAIL"


T, C = AttributeType, CloudType
CLOUD_TYPE: dict[AttributeType, CloudType] = {
    T.TEXT: C.TEXT, T.TEXT_AREA: C.TEXT_AREA, T.NUMBER: C.NUMBER, T.DECIMAL: C.DECIMAL, T.DATE_PICKER: C.DATE,
    T.DATETIME_PICKER: C.DATETIME, T.DROPDOWN_LIST: C.DROPDOWN, T.LIST_BOX: C.DROPDOWN,
    T.LIST_BOX_MULTIPLE: C.MULTI_SELECT, T.RADIO_BUTTON_LIST: C.RADIO, T.CHECKBOX_LIST: C.CHECKBOX,
    T.USER_PICKER: C.USER, T.INVENTORY_LIST: C.ASSET_REFERENCE,
    T.INVENTORY_LIST_BY_FORM: C.ASSET_REFERENCE_BY_COLLECTION, T.IP: C.IP, T.IPV6: C.IPV6, T.URL: C.URL,
    T.EMAIL: C.EMAIL, T.MULTI_USER_PICKER: C.MULTI_USER,
}  # fmt: skip
# The reverse: ListBox also shows as DROPDOWN, so a new DROPDOWN is a DropdownList.
DC_TYPE: dict[CloudType, AttributeType] = {c: t for t, c in CLOUD_TYPE.items() if t is not T.LIST_BOX}
MULTIPLE = frozenset({C.MULTI_SELECT, C.CHECKBOX, C.MULTI_USER, C.ASSET_REFERENCE, C.ASSET_REFERENCE_BY_COLLECTION})
TEXT_TYPES = frozenset({T.TEXT, T.TEXT_AREA, T.IP, T.IPV6, T.URL, T.EMAIL})

_GLOBAL_TYPE = {
    Kind.STATUS: C.DROPDOWN, Kind.SUBSTATUS: C.DROPDOWN, Kind.USER: C.USER, Kind.INTEGER: C.NUMBER, Kind.TEXT: C.TEXT,
    Kind.LOCATION: C.DROPDOWN, Kind.GROUPS: C.MULTI_SELECT, Kind.DATE: C.DATE, Kind.DECIMAL: C.DECIMAL,
}  # fmt: skip


@dataclass(frozen=True)
class GlobalAttribute:
    id: int
    field: SystemField
    type: CloudType

    @property
    def name(self) -> str:
        return self.field.cloud_name


def _global_type(field: SystemField) -> CloudType:
    return C.DROPDOWN if field.name == "asset.costCurrency" else _GLOBAL_TYPE[field.kind]


GLOBALS = tuple(GlobalAttribute(GLOBAL_ID_BASE + i, f, _global_type(f)) for i, f in enumerate(SYSTEM_FIELDS, 1))
GLOBAL_BY_ID = {g.id: g for g in GLOBALS}
GLOBAL_BY_NAME = {g.name.lower(): g for g in GLOBALS}


def find_global(name_or_id: str) -> GlobalAttribute | None:
    """A global attribute by its display name (case-insensitive) or its id."""
    if (number := as_id(name_or_id.strip())) is not None:
        return GLOBAL_BY_ID.get(number)
    return GLOBAL_BY_NAME.get(name_or_id.strip().lower())


@dataclass(frozen=True)
class Definition:
    """An AttributeDefinition of the Cloud API."""

    id: int
    name: str
    type: CloudType
    required: bool
    multiple: bool
    options: tuple[str, ...] | None
    reference_collection_ids: tuple[int, ...] | None
    is_global: bool


def definition(attribute: AttributeInfo, catalog: Catalog, required: bool = False) -> Definition:
    """An attribute's definition; `required` is a property of its place on a collection."""
    kind = CLOUD_TYPE[attribute.type]
    options = tuple(o.value for o in catalog.options_of(attribute.id)) if attribute.type in OPTION_TYPES else None
    refs = (attribute.reference_form_id,) if attribute.reference_form_id is not None else None
    return Definition(attribute.id, attribute.name, kind, required, kind in MULTIPLE, options, refs, False)


def global_definition(found: GlobalAttribute, catalog: Catalog) -> Definition:
    """A global attribute's definition; its options are the current statuses, locations or groups."""
    multiple = found.type in MULTIPLE
    return Definition(found.id, found.name, found.type, False, multiple, global_options(found, catalog), None, True)


def global_options(found: GlobalAttribute, catalog: Catalog) -> tuple[str, ...] | None:
    """The values a DROPDOWN / MULTI_SELECT global takes (Currency: any code, so none listed)."""
    kind = found.field.kind
    if kind is Kind.STATUS:
        return tuple(s.name for _, s in sorted(catalog.statuses.items()))
    if kind is Kind.SUBSTATUS:
        return tuple(s.name for _, s in sorted(catalog.substatuses.items()))
    if kind is Kind.LOCATION:
        return tuple(loc.name for _, loc in sorted(catalog.locations.items()))
    if kind is Kind.GROUPS:
        return tuple(sorted({g for u in catalog.users.values() for g in u.groups}))
    return None
