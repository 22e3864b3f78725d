"""Turning a written attribute value into what is stored (fixtures and both write APIs).

dc-api.md §4: option types take the option text (multi: a list or comma-separated text); dates `yyyy-MM-dd`;
date-times `yyyy-MM-ddTHH:mm`; users a username or user key; asset references an asset id or name, several
comma-separated or as a list, ids winning over ambiguous names. cloud-api.md §3 adds users by accountId, asset
references by asset key (`LAP-12`), keys winning over names, and two Cloud-only types: EMAIL (`name@domain`) and
MULTI_USER (several users, as a list or comma-separated, stored as a JSON list of user keys).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from emulator.core.errors import ValidationError
from emulator.core.numbers import decimal, whole
from emulator.core.types import (
    MULTI_OPTION_TYPES,
    OPTION_TYPES,
    REFERENCE_TYPES,
    AttributeType,
    as_id,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class StoredValue:
    """The columns of one `AssetValue` row."""

    text: str | None = None
    option_ids: str | None = None  # JSON list
    ref_ids: str | None = None  # JSON list


@dataclass(frozen=True)
class AttributeInfo:
    """What coercion needs to know of an attribute."""

    id: int
    name: str
    type: AttributeType
    options: dict[str, int]  # option text -> option id
    reference_form_id: int | None = None


class Lookups(Protocol):
    """Where references to users and assets are resolved."""

    def user_key(self, username_or_key: str) -> str | None: ...

    def asset_form(self, asset_id: int) -> int | None: ...

    def asset_ids_named(self, name: str) -> list[int]: ...


@runtime_checkable
class KeyLookups(Protocol):
    """Lookups that also resolve asset keys (the write path does; fixtures refer to assets by id)."""

    def asset_id_keyed(self, key: str) -> int | None: ...


def coerce(attribute: AttributeInfo, raw: Any, lookups: Lookups) -> StoredValue | None:
    """Validate `raw` for `attribute`; None means "no value" (the attribute is cleared)."""
    if raw is None or raw in ("", []):
        return None
    kind = attribute.type
    if kind in OPTION_TYPES:
        return StoredValue(option_ids=json.dumps(_options(attribute, raw)))
    if kind in REFERENCE_TYPES:
        return StoredValue(ref_ids=json.dumps(_references(attribute, raw, lookups)))
    if kind is AttributeType.MULTI_USER_PICKER:
        return StoredValue(text=json.dumps(_users(attribute, raw, lookups)))
    if isinstance(raw, list | dict | bool):
        raise ValidationError(f"attribute '{attribute.name}': expected a single value, got {json.dumps(raw)}")
    return StoredValue(text=_scalar(attribute, raw, lookups))


def _scalar(attribute: AttributeInfo, raw: str | int | float, lookups: Lookups) -> str:
    kind, text = attribute.type, str(raw).strip()
    if kind is AttributeType.NUMBER:
        return str(whole(raw, f"attribute '{attribute.name}'"))
    if kind is AttributeType.DECIMAL:
        return repr(decimal(raw, f"attribute '{attribute.name}'"))
    if kind is AttributeType.DATE_PICKER and not _DATE.match(text):
        raise ValidationError(f"attribute '{attribute.name}': '{raw}' is not a date; use yyyy-MM-dd")
    if kind is AttributeType.DATETIME_PICKER and not _DATE_TIME.match(text):
        raise ValidationError(f"attribute '{attribute.name}': '{raw}' is not a date-time; use yyyy-MM-ddTHH:mm")
    if kind is AttributeType.USER_PICKER:
        return _user(attribute, text, lookups)
    if kind is AttributeType.EMAIL and not _EMAIL.match(text):
        raise ValidationError(f"attribute '{attribute.name}': '{raw}' is not an email address; use name@domain")
    return str(raw)


def _user(attribute: AttributeInfo, text: str, lookups: Lookups) -> str:
    key = lookups.user_key(text)
    if key is None:
        raise ValidationError(f"attribute '{attribute.name}': unknown user '{text}'")
    return key


def _users(attribute: AttributeInfo, raw: Any, lookups: Lookups) -> list[str]:
    """Several users (a list or comma-separated text), each by username, user key or accountId, stored as keys."""
    if isinstance(raw, dict | bool):
        raise ValidationError(f"attribute '{attribute.name}': expected users, got {json.dumps(raw)}")
    keys: list[str] = []
    for item in _split(raw):
        key = _user(attribute, item, lookups)
        if key not in keys:
            keys.append(key)
    return keys


def user_keys(kind: AttributeType, text: str | None) -> list[str]:
    """The user keys a stored USER_TYPES value holds (one for UserPicker, a JSON list for MultiUserPicker)."""
    if not text:
        return []
    return list(json.loads(text)) if kind is AttributeType.MULTI_USER_PICKER else [text]


def _split(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _options(attribute: AttributeInfo, raw: Any) -> list[int]:
    texts = _split(raw) if attribute.type in MULTI_OPTION_TYPES else [str(raw).strip()]
    if isinstance(raw, list) and attribute.type not in MULTI_OPTION_TYPES:
        raise ValidationError(f"attribute '{attribute.name}' takes one option, got {json.dumps(raw)}")
    by_lower = {text.lower(): option_id for text, option_id in attribute.options.items()}
    ids: list[int] = []
    for text in texts:
        option_id = attribute.options.get(text, by_lower.get(text.lower()))
        if option_id is None:
            known = ", ".join(attribute.options) or "none"
            raise ValidationError(f"attribute '{attribute.name}': unknown option '{text}' (options: {known})")
        ids.append(option_id)
    return ids


def _references(attribute: AttributeInfo, raw: Any, lookups: Lookups) -> list[int]:
    ids: list[int] = []
    for item in _split(raw):
        asset_id = _reference(attribute, item, lookups)
        form_id = lookups.asset_form(asset_id)
        if attribute.reference_form_id is not None and form_id != attribute.reference_form_id:
            raise ValidationError(
                f"attribute '{attribute.name}': asset {asset_id} is not of form {attribute.reference_form_id}"
            )
        ids.append(asset_id)
    return ids


def _reference(attribute: AttributeInfo, item: str, lookups: Lookups) -> int:
    number = as_id(item)
    if number is not None and lookups.asset_form(number) is not None:
        return number  # ids win over names
    if isinstance(lookups, KeyLookups):
        keyed = lookups.asset_id_keyed(item)
        if keyed is not None:
            return keyed  # keys win over names too
    named = lookups.asset_ids_named(item)
    if len(named) == 1:
        return named[0]
    if named:
        raise ValidationError(f"attribute '{attribute.name}': asset name '{item}' is ambiguous; use the asset id")
    raise ValidationError(f"attribute '{attribute.name}': unknown asset '{item}'")
