"""The writable system fields of an asset (dc-api.md §4) and how written values become columns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from emulator.core.errors import ValidationError
from emulator.core.numbers import decimal, whole

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Kind(Enum):
    STATUS = "status"
    SUBSTATUS = "substatus"
    USER = "user"
    INTEGER = "integer"
    TEXT = "text"
    LOCATION = "location"
    GROUPS = "groups"
    DATE = "date"
    DECIMAL = "decimal"


@dataclass(frozen=True)
class SystemField:
    """One writable system field: its DC name, its column, its kind and its Cloud display name."""

    name: str  # e.g. "asset.status"
    column: str  # column of `Asset`
    kind: Kind
    cloud_name: str


SYSTEM_FIELDS: tuple[SystemField, ...] = (
    SystemField("asset.status", "status_key", Kind.STATUS, "Status"),
    SystemField("asset.substatus", "substatus_key", Kind.SUBSTATUS, "Substatus"),
    SystemField("asset.assignee", "assignee", Kind.USER, "Assignee"),
    SystemField("asset.reservedFor", "reserved_for", Kind.USER, "Reserved for"),
    SystemField("asset.owner", "owner", Kind.USER, "Owner"),
    SystemField("asset.managedBy", "managed_by", Kind.USER, "Managed by"),
    SystemField("asset.quantity", "quantity", Kind.INTEGER, "Quantity"),
    SystemField("asset.assetTag", "asset_tag", Kind.TEXT, "Asset tag"),
    SystemField("asset.serialNumber", "serial_number", Kind.TEXT, "Serial Number"),
    SystemField("asset.invoiceNumber", "invoice_number", Kind.TEXT, "Invoice Number"),
    SystemField("asset.location", "location_id", Kind.LOCATION, "Location"),
    SystemField("asset.belongsToGroup", "belongs_to_group", Kind.GROUPS, "Belongs to group"),
    SystemField("asset.installDate", "install_date", Kind.DATE, "Install Date"),
    SystemField("asset.cost", "cost", Kind.DECIMAL, "Cost"),
    SystemField("asset.costCurrency", "cost_currency", Kind.TEXT, "Currency"),
)
BY_NAME = {f.name: f for f in SYSTEM_FIELDS}


class Resolver(Protocol):
    """Where system-field references are resolved."""

    def user_key(self, username_or_key: str) -> str | None: ...

    def status_key(self, key_or_name: str, substatus: bool) -> str | None: ...

    def location_id(self, id_or_name: str | int) -> int | None: ...


def coerce_system(field: SystemField, raw: Any, resolver: Resolver) -> Any:
    """The column value for `raw` written to `field`; None clears it."""
    if raw is None or raw == "":
        return None
    what = f"field '{field.name}'"
    if field.kind is Kind.GROUPS:
        return _groups(raw, what)
    if isinstance(raw, list | dict | bool):
        raise ValidationError(f"{what}: expected a single value, got {json.dumps(raw)}")
    if field.kind in (Kind.STATUS, Kind.SUBSTATUS):
        key = resolver.status_key(str(raw), field.kind is Kind.SUBSTATUS)
        if key is None:
            raise ValidationError(f"{what}: unknown {field.kind.value} '{raw}'")
        return key
    if field.kind is Kind.USER:
        user = resolver.user_key(str(raw))
        if user is None:
            raise ValidationError(f"{what}: unknown user '{raw}'")
        return user
    if field.kind is Kind.LOCATION:
        location = resolver.location_id(raw)
        if location is None:
            raise ValidationError(f"{what}: unknown location '{raw}'")
        return location
    return _plain(field.kind, raw, what)


def _plain(kind: Kind, raw: str | int | float, what: str) -> Any:
    if kind is Kind.INTEGER:
        return whole(raw, what)
    if kind is Kind.DECIMAL:
        return decimal(raw, what)
    if kind is Kind.DATE and not _DATE.match(str(raw)):
        raise ValidationError(f"{what}: '{raw}' is not a date; use yyyy-MM-dd")
    return str(raw)


def _groups(raw: Any, what: str) -> str:
    """`asset.belongsToGroup` is a JSON array of group names encoded as a string (a list is accepted too)."""
    groups = raw
    if isinstance(raw, str):
        try:
            groups = json.loads(raw)
        except ValueError:
            raise ValidationError(f"{what}: expected a JSON array of group names as a string, got '{raw}'") from None
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise ValidationError(f"{what}: expected a JSON array of group names, got {json.dumps(raw)}")
    return json.dumps(groups)
