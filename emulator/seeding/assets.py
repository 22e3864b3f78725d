"""Rows for the assets of a fixture set: values coerced, system fields resolved, keys allocated."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from emulator.core.errors import ValidationError
from emulator.core.system_fields import SYSTEM_FIELDS, coerce_system
from emulator.core.timefmt import timestamp_ms
from emulator.core.values import AttributeInfo, coerce
from emulator.seeding.format import AssetRecord, FormRecord
from emulator.seeding.read import FixtureError, FixtureSet

DEFAULT_OPTION_BASE = 20000
_RECORD_FIELD = {"status_key": "status", "substatus_key": "substatus", "location_id": "location"}


def fail(path: Path, what: str, ident: object, problem: str) -> FixtureError:
    """A fixture error naming the file and the record."""
    return FixtureError(f"{path}: {what} {ident}: {problem}")


def statuses_rows(fixtures: FixtureSet) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for status in fixtures.statuses:
        rows.append({"key": status.key, "name": status.name, "substatus": False, "parent_key": None})
        rows.extend(
            {"key": s.key, "name": s.name, "substatus": True, "parent_key": status.key} for s in status.substatuses
        )
    keys = [(row["substatus"], row["key"]) for row in rows]
    if len(keys) != len(set(keys)):
        raise FixtureError(f"{fixtures.source / 'statuses.json'}: status keys and substatus keys must each be unique")
    return rows


class FixtureLookups:
    """Resolves users and assets of the fixture set being loaded."""

    def __init__(self, fixtures: FixtureSet) -> None:
        self.users = {u.username: u.key for u in fixtures.users} | {u.key: u.key for u in fixtures.users}
        self.forms = {a.id: a.form_id for a in fixtures.assets}
        self.names: dict[str, list[int]] = defaultdict(list)
        for asset in fixtures.assets:
            self.names[asset.name].append(asset.id)

    def user_key(self, username_or_key: str) -> str | None:
        return self.users.get(username_or_key)

    def asset_form(self, asset_id: int) -> int | None:
        return self.forms.get(asset_id)

    def asset_ids_named(self, name: str) -> list[int]:
        return self.names.get(name, [])


class AssetRows:
    """Builds the asset, value and attachment rows, checking every reference."""

    def __init__(self, fixtures: FixtureSet, zone: ZoneInfo) -> None:
        self.fixtures, self.zone = fixtures, zone
        self.lookups = FixtureLookups(fixtures)
        self.forms = {f.id: f for f in fixtures.forms}
        self.placements = {f.id: {fa.attribute_id: fa for fa in reversed(f.attributes)} for f in fixtures.forms}
        self.usernames = {u.username for u in fixtures.users}
        options: dict[int, dict[str, int]] = {a.id: {o.value: o.id for o in a.options} for a in fixtures.attributes}
        self.attributes = {
            a.id: AttributeInfo(a.id, a.name, a.type, options[a.id], a.reference_form_id) for a in fixtures.attributes
        }
        self.attribute_ids = {a.name: a.id for a in fixtures.attributes}
        self.statuses = statuses_rows(fixtures)
        self.status_keys: dict[tuple[bool, str], str] = {}  # by key, else by name: the first row that has it
        for field in ("name", "key"):
            for row in reversed(self.statuses):
                self.status_keys[(row["substatus"], str(row[field]))] = str(row["key"])
        self.locations: dict[str | int, int] = {loc.id: loc.id for loc in fixtures.locations}
        self.locations.update({loc.name: loc.id for loc in fixtures.locations})
        self.assets: list[dict[str, Any]] = []
        self.values: list[dict[str, Any]] = []
        self.attachments: list[dict[str, Any]] = []
        self.key_counters: dict[str, int] = defaultdict(int)
        self.used_keys: set[str] = set()
        self.next_value_id = 1 + max((v.id or 0 for a in fixtures.assets for v in a.values), default=0)

    def add(self, asset: AssetRecord) -> None:
        form = self.forms.get(asset.form_id)
        if form is None:
            raise self._fail(asset, f"unknown formId {asset.form_id}")
        try:
            system = {
                f.column: coerce_system(f, getattr(asset, _RECORD_FIELD.get(f.column, f.column)), self)
                for f in SYSTEM_FIELDS
            }
        except ValidationError as exc:
            raise self._fail(asset, exc.message) from None
        key = self._key(asset, form)
        created = None if asset.created is None else timestamp_ms(asset.created, self.zone, "created")
        self.assets.append(
            {
                "id": asset.id,
                "name": asset.name,
                "form_id": asset.form_id,
                "key": key,
                "option_id": asset.option_id if asset.option_id is not None else DEFAULT_OPTION_BASE + asset.id,
                "created": created,
                "creator": self._username(asset, asset.creator, "creator"),
                "updated": created,
                "updated_by": asset.creator,
                "has_attachment_list": asset.attachments is not None,
                **system,
            }
        )
        for value in asset.values:
            self._value(asset, form, value)
        for attachment in asset.attachments or []:
            self.attachments.append(
                {
                    "asset_id": asset.id,
                    "original_file_name": attachment.original_file_name,
                    "server_file_name": attachment.server_file_name,
                    "file_size": attachment.file_size,
                    "created": timestamp_ms(attachment.created, self.zone, "attachment created"),
                    "creator": self._username(asset, attachment.creator, "attachments.creator"),
                }
            )

    def _value(self, asset: AssetRecord, form: FormRecord, value: Any) -> None:
        attribute_id = value.attribute if isinstance(value.attribute, int) else self.attribute_ids.get(value.attribute)
        placement = None if attribute_id is None else self.placements[form.id].get(attribute_id)
        if attribute_id is None or placement is None:
            raise self._fail(asset, f"attribute {value.attribute!r} is not on form {form.id} '{form.name}'")
        try:
            stored = coerce(self.attributes[attribute_id], value.value, self.lookups)
        except ValidationError as exc:
            raise self._fail(asset, exc.message) from None
        if stored is None:
            return
        value_id = value.id
        if value_id is None:
            value_id, self.next_value_id = self.next_value_id, self.next_value_id + 1
        self.values.append(
            {
                "id": value_id,
                "asset_id": asset.id,
                "form_attribute_id": placement.id,
                "attribute_id": attribute_id,
                "text": stored.text,
                "option_ids": stored.option_ids,
                "ref_ids": stored.ref_ids,
            }
        )

    def _key(self, asset: AssetRecord, form: FormRecord) -> str:
        """The asset's Cloud key: as written (the counter moves past it), else the next free `PREFIX-n`."""
        prefix = form.key_prefix
        if asset.key is not None:
            number = asset.key.removeprefix(f"{prefix}-")
            if not number.isdigit() or asset.key in self.used_keys:
                raise self._fail(asset, f"key '{asset.key}' is not a free {prefix}-<number> key of form {form.id}")
            self.key_counters[prefix] = max(self.key_counters[prefix], int(number))
            key = asset.key
        else:
            key = f"{prefix}-{self.key_counters[prefix] + 1}"
            while key in self.used_keys:
                self.key_counters[prefix] += 1
                key = f"{prefix}-{self.key_counters[prefix] + 1}"
            self.key_counters[prefix] += 1
        self.used_keys.add(key)
        return key

    def user_key(self, username_or_key: str) -> str | None:
        return self.lookups.user_key(username_or_key)

    def status_key(self, key_or_name: str, substatus: bool) -> str | None:
        return self.status_keys.get((substatus, key_or_name))

    def location_id(self, id_or_name: str | int) -> int | None:
        return self.locations.get(id_or_name)

    def _username(self, asset: AssetRecord, username: str | None, what: str) -> str | None:
        if username is not None and username not in self.usernames:
            raise self._fail(asset, f"field '{what}': unknown username '{username}'")
        return username

    def _fail(self, asset: AssetRecord, problem: str) -> FixtureError:
        path = self.fixtures.asset_files.get(asset.id, self.fixtures.source / "assets.json")
        return fail(path, "asset", asset.id, problem)
