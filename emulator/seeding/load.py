"""Check a fixture set's cross-references and write it into an empty database in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import closing
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from emulator.core.timefmt import timestamp_ms
from emulator.core.token_codec import SECRET_META_KEY
from emulator.seeding.assets import AssetRows, FixtureLookups, fail, statuses_rows
from emulator.seeding.cloud import account_id, token_rows
from emulator.seeding.format import FormRecord
from emulator.seeding.read import FixtureError, FixtureSet
from emulator.store import models as m
from emulator.store.db import GENERATION, set_meta
from emulator.util.progress import QUIET, Progress

_PREPARER = sqlite.dialect().identifier_preparer  # quotes table and column names as SQLAlchemy would


def load_fixtures(session: Session, fixtures: FixtureSet, zone: ZoneInfo, progress: Progress = QUIET) -> int:
    """Insert every record (the caller commits); return the number of assets."""
    _unique(fixtures)
    tables: dict[type[m.Base], list[dict[str, Any]]] = {
        m.User: [_user(u) for u in fixtures.users],
        m.Scheme: [_scheme(s, zone) for s in fixtures.schemes],
        m.Attribute: [_attribute(a) for a in fixtures.attributes],
        m.AttributeOption: [_option(a.id, o) for a in fixtures.attributes for o in a.options],
        m.Form: [_form(f, fixtures) for f in fixtures.forms],
        m.FormAttribute: [_form_attribute(f, fa, fixtures) for f in fixtures.forms for fa in f.attributes],
        m.Status: statuses_rows(fixtures),
        m.Location: [_location(loc, fixtures, zone) for loc in fixtures.locations],
        m.Token: token_rows(fixtures, zone),
    }
    assets = AssetRows(fixtures, zone)
    with progress.step("loading assets", len(fixtures.assets), "asset") as step:
        for asset in fixtures.assets:
            assets.add(asset)
            step.update()
    tables.update({m.Asset: assets.assets, m.AssetValue: assets.values, m.Attachment: assets.attachments})
    cursor = session.connection().connection.cursor()  # the session's own transaction
    with closing(cursor), progress.step("writing the database", sum(map(len, tables.values())), "row") as step:
        for model, rows in tables.items():
            table = model.__table__
            for chunk in _chunks(rows, 5000):
                for same_keys in _by_keys(chunk):  # one executemany per set of columns, not one statement per row
                    sql, values = _insert(table, same_keys)
                    cursor.executemany(sql, values)
                step.update(len(chunk))
    for prefix, count in assets.key_counters.items():
        set_meta(session, f"key_counter:{prefix}", str(count))
    if fixtures.cloud.jwt_secret is not None:  # the settings' jwt_secret still wins (runtime.open_store)
        set_meta(session, SECRET_META_KEY, fixtures.cloud.jwt_secret)
    set_meta(session, GENERATION, "1")
    set_meta(session, "fixtures", str(fixtures.source))
    return len(fixtures.assets)


def _insert(table: Any, rows: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
    """One INSERT for `rows` (all with the same keys) and their values, for the driver's own `executemany`.

    SQLAlchemy's executemany processed every row's parameters in Python (about half of writing the database); the
    columns here are plain SQLite types (no bind processing: booleans are stored as the integers they are), and a
    column a row leaves out gets its scalar default as SQLAlchemy would have given it (`_defaults`)."""
    keys = list(rows[0])
    defaults = _defaults(table, keys)
    names = keys + list(defaults)
    quote = _PREPARER.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    extra = tuple(defaults.values())
    return sql, [tuple(row[key] for key in keys) + extra for row in rows]


def _defaults(table: Any, keys: list[str]) -> dict[str, Any]:
    """The scalar Python-side defaults of the columns `keys` leave out (a callable default: not supported here)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.key in keys or column.default is None:
            continue
        if not column.default.is_scalar:
            raise TypeError(f"{table.name}.{column.key}: only scalar defaults are written by the seed")
        out[column.key] = column.default.arg
    return out


def _by_keys(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    """Rows grouped by the columns they fill (a row leaves out a column to get its default)."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    return groups.values()


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _unique(fixtures: FixtureSet) -> None:
    src = fixtures.source
    checks: list[tuple[str, str, list[Any]]] = [
        ("users.json", "username", [u.username for u in fixtures.users]),
        ("users.json", "key", [u.key for u in fixtures.users]),
        ("schemes.json", "id", [s.id for s in fixtures.schemes]),
        ("attributes.json", "id", [a.id for a in fixtures.attributes]),
        ("attributes.json", "name", [a.name for a in fixtures.attributes]),
        ("attributes.json", "option id", [o.id for a in fixtures.attributes for o in a.options]),
        ("forms.json", "id", [f.id for f in fixtures.forms]),
        ("forms.json", "keyPrefix", [f.key_prefix for f in fixtures.forms]),
        ("forms.json", "form attribute id", [fa.id for f in fixtures.forms for fa in f.attributes]),
        ("locations.json", "id", [loc.id for loc in fixtures.locations]),
        ("assets*.json", "asset id", [a.id for a in fixtures.assets]),
        ("cloud.json", "token id", [t.id for t in fixtures.cloud.tokens]),
    ]
    for file, what, values in checks:
        seen: set[Any] = set()
        for value in values:
            if value in seen:
                raise FixtureError(f"{src / file}: duplicate {what} {value!r}; each must be unique")
            seen.add(value)


def _user(u: Any) -> dict[str, Any]:
    return {
        "username": u.username,
        "key": u.key,
        "account_id": account_id(u),
        "password": u.password,
        "display_name": u.display_name,
        "email": u.email,
        "active": u.active,
        "time_zone": u.time_zone,
        "groups": json.dumps(u.groups),
    }


def _scheme(s: Any, zone: ZoneInfo) -> dict[str, Any]:
    created = timestamp_ms(s.created, zone, f"scheme {s.id} created")
    updated = created if s.updated is None else timestamp_ms(s.updated, zone, f"scheme {s.id} updated")
    return {
        "id": s.id,
        "name": s.name,
        "key": s.key,
        "description": s.description,
        "created": created,
        "created_by": s.created_by,
        "updated": updated,
        "updated_by": s.updated_by or s.created_by,
        "permissions": s.permissions.model_dump_json(),
    }


def _attribute(a: Any) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "type": a.type.value, "reference_form_id": a.reference_form_id}


def _option(attribute_id: int, o: Any) -> dict[str, Any]:
    return {"id": o.id, "attribute_id": attribute_id, "sort_order": o.sort_order, "value": o.value}


def _form(f: FormRecord, fixtures: FixtureSet) -> dict[str, Any]:
    if f.scheme_id not in {s.id for s in fixtures.schemes}:
        raise fail(fixtures.source / "forms.json", "form", f.id, f"unknown schemeId {f.scheme_id}")
    return {
        "id": f.id,
        "name": f.name,
        "scheme_id": f.scheme_id,
        "sort_order": f.sort_order,
        "key_prefix": f.key_prefix,
        "description": f.description,
        "clone_from_id": f.clone_from_id,
    }


def _form_attribute(f: FormRecord, fa: Any, fixtures: FixtureSet) -> dict[str, Any]:
    if fa.attribute_id not in {a.id for a in fixtures.attributes}:
        raise fail(fixtures.source / "forms.json", "form", f.id, f"unknown attributeId {fa.attribute_id}")
    return {
        "id": fa.id,
        "form_id": f.id,
        "attribute_id": fa.attribute_id,
        "sort_order": fa.sort_order,
        "required": fa.required,
    }


def _location(loc: Any, fixtures: FixtureSet, zone: ZoneInfo) -> dict[str, Any]:
    lookups = FixtureLookups(fixtures)
    path = fixtures.source / "locations.json"

    def user(value: str | None, what: str) -> str | None:
        if value is None:
            return None
        key = lookups.user_key(value)
        if key is None:
            raise fail(path, "location", loc.id, f"field '{what}': unknown user '{value}'")
        return key

    created = timestamp_ms(loc.created, zone, f"location {loc.id} created")
    return {
        "id": loc.id,
        "name": loc.name,
        "street": loc.street,
        "city": loc.city,
        "province": loc.province,
        "postal_code": loc.postal_code,
        "country": loc.country,
        "contact_user_key": user(loc.contact_user, "contactUser"),
        "phone": loc.phone,
        "email": loc.email,
        "url": loc.url,
        "description": loc.description,
        "active": loc.active,
        "external": loc.external,
        "created_at": created,
        "created_by_user_key": user(loc.created_by, "createdBy"),
        "updated_at": created if loc.updated is None else timestamp_ms(loc.updated, zone, "updated"),
        "updated_by_user_key": user(loc.updated_by or loc.created_by, "updatedBy"),
    }
