"""Write the current state as a fixture directory that loads back into the same state (fixtures/README.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator.core.types import MULTI_OPTION_TYPES, OPTION_TYPES, REFERENCE_TYPES, AttributeType
from emulator.core.values import user_keys
from emulator.seeding.cloud import cloud_json
from emulator.store import models as m

ASSETS_PER_FILE = 2000


def export_files(session: Session, jwt_secret: str | None) -> dict[str, Any]:
    """Every fixture file's records, by file name (with the Cloud secret and tokens in `cloud.json`)."""
    files: dict[str, Any] = {
        "users.json": [_user(u) for u in session.scalars(select(m.User).order_by(m.User.id))],
        "schemes.json": [_scheme(s) for s in session.scalars(select(m.Scheme).order_by(m.Scheme.id))],
        "attributes.json": _attributes(session),
        "forms.json": _forms(session),
        "statuses.json": _statuses(session),
        "locations.json": [_location(loc) for loc in session.scalars(select(m.Location).order_by(m.Location.id))],
        "cloud.json": cloud_json(session, jwt_secret),
    }
    assets = _assets(session)
    for number, start in enumerate(range(0, max(len(assets), 1), ASSETS_PER_FILE), 1):
        files[f"assets-{number:04d}.json"] = assets[start : start + ASSETS_PER_FILE]
    return files


def write_directory(session: Session, directory: Path, jwt_secret: str | None) -> int:
    """Write the fixture files into `directory` (replacing asset files there); return the number of files."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("assets*.json"):
        stale.unlink()
    files = export_files(session, jwt_secret)
    for name, records in files.items():
        (directory / name).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(files)


def zip_bytes(session: Session, jwt_secret: str | None) -> bytes:
    """The fixture files as one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, records in export_files(session, jwt_secret).items():
            archive.writestr(name, json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def _user(u: m.User) -> dict[str, Any]:
    return {
        "username": u.username, "key": u.key, "accountId": u.account_id, "password": u.password,
        "displayName": u.display_name, "email": u.email, "groups": json.loads(u.groups), "active": u.active,
        "timeZone": u.time_zone,
    }  # fmt: skip


def _scheme(s: m.Scheme) -> dict[str, Any]:
    return {
        "id": s.id, "name": s.name, "key": s.key, "description": s.description, "created": s.created,
        "createdBy": s.created_by, "updated": s.updated, "updatedBy": s.updated_by,
        "permissions": json.loads(s.permissions),
    }  # fmt: skip


def _attributes(session: Session) -> list[dict[str, Any]]:
    options: dict[int, list[dict[str, Any]]] = {}
    for o in session.scalars(select(m.AttributeOption).order_by(m.AttributeOption.id)):
        options.setdefault(o.attribute_id, []).append({"id": o.id, "value": o.value, "sortOrder": o.sort_order})
    out = []
    for a in session.scalars(select(m.Attribute).order_by(m.Attribute.id)):
        record: dict[str, Any] = {"id": a.id, "name": a.name, "type": a.type}
        if a.id in options:
            record["options"] = options[a.id]
        if a.reference_form_id is not None:
            record["referenceFormId"] = a.reference_form_id
        out.append(record)
    return out


def _forms(session: Session) -> list[dict[str, Any]]:
    placed: dict[int, list[dict[str, Any]]] = {}
    for fa in session.scalars(select(m.FormAttribute).order_by(m.FormAttribute.id)):
        placement = {"id": fa.id, "attributeId": fa.attribute_id, "sortOrder": fa.sort_order, "required": fa.required}
        placed.setdefault(fa.form_id, []).append(placement)
    return [
        {"id": f.id, "name": f.name, "schemeId": f.scheme_id, "keyPrefix": f.key_prefix, "sortOrder": f.sort_order,
         "description": f.description, "cloneFromId": f.clone_from_id, "attributes": placed.get(f.id, [])}
        for f in session.scalars(select(m.Form).order_by(m.Form.id))
    ]  # fmt: skip


def _statuses(session: Session) -> list[dict[str, Any]]:
    rows = list(session.scalars(select(m.Status).order_by(m.Status.id)))
    return [
        {"key": s.key, "name": s.name,
         "substatuses": [{"key": c.key, "name": c.name} for c in rows if c.substatus and c.parent_key == s.key]}
        for s in rows if not s.substatus
    ]  # fmt: skip


def _location(loc: m.Location) -> dict[str, Any]:
    return {
        "id": loc.id, "name": loc.name, "street": loc.street, "city": loc.city, "province": loc.province,
        "postalCode": loc.postal_code, "country": loc.country, "contactUser": loc.contact_user_key,
        "phone": loc.phone, "email": loc.email, "url": loc.url, "description": loc.description,
        "active": loc.active, "external": loc.external, "created": loc.created_at,
        "createdBy": loc.created_by_user_key, "updated": loc.updated_at, "updatedBy": loc.updated_by_user_key,
    }  # fmt: skip


_SYSTEM = {
    "status": "status_key", "substatus": "substatus_key", "assignee": "assignee", "reservedFor": "reserved_for",
    "owner": "owner", "managedBy": "managed_by", "quantity": "quantity", "assetTag": "asset_tag",
    "serialNumber": "serial_number", "location": "location_id", "installDate": "install_date", "cost": "cost",
    "costCurrency": "cost_currency", "invoiceNumber": "invoice_number",
}  # fmt: skip


def _assets(session: Session) -> list[dict[str, Any]]:
    types = {a.id: AttributeType(a.type) for a in session.scalars(select(m.Attribute))}
    options = {o.id: o.value for o in session.scalars(select(m.AttributeOption))}
    values: dict[int, list[m.AssetValue]] = {}
    for v in session.scalars(select(m.AssetValue).order_by(m.AssetValue.id)):
        values.setdefault(v.asset_id, []).append(v)
    files: dict[int, list[m.Attachment]] = {}
    for f in session.scalars(select(m.Attachment).order_by(m.Attachment.id)):
        files.setdefault(f.asset_id, []).append(f)
    out = []
    for a in session.scalars(select(m.Asset).order_by(m.Asset.id)):
        record: dict[str, Any] = {"id": a.id, "name": a.name, "formId": a.form_id, "optionId": a.option_id}
        if a.key is not None:
            record["key"] = a.key
        if a.created is not None:
            record["created"] = a.created
        if a.creator is not None:
            record["creator"] = a.creator
        if a.has_attachment_list or a.id in files:
            record["attachments"] = [_attachment(f) for f in files.get(a.id, [])]
        record["values"] = [_value(v, types[v.attribute_id], options) for v in values.get(a.id, [])]
        for key, column in _SYSTEM.items():
            if (found := getattr(a, column)) is not None:
                record[key] = found
        if a.belongs_to_group is not None:
            record["belongsToGroup"] = json.loads(a.belongs_to_group)
        out.append(record)
    return out


def _attachment(f: m.Attachment) -> dict[str, Any]:
    return {"originalFileName": f.original_file_name, "serverFileName": f.server_file_name,
            "fileSize": f.file_size, "created": f.created, "creator": f.creator}  # fmt: skip


def _value(v: m.AssetValue, kind: AttributeType, options: dict[int, str]) -> dict[str, Any]:
    value: Any = v.text
    if kind in OPTION_TYPES:
        texts = [options[o] for o in json.loads(v.option_ids or "[]") if o in options]
        value = texts if kind in MULTI_OPTION_TYPES else (texts[0] if texts else None)
    elif kind in REFERENCE_TYPES:
        value = json.loads(v.ref_ids or "[]")
    elif kind is AttributeType.MULTI_USER_PICKER:
        value = user_keys(kind, v.text)
    elif kind is AttributeType.NUMBER and v.text is not None:
        value = int(v.text)
    elif kind is AttributeType.DECIMAL and v.text is not None:
        value = float(v.text)
    return {"id": v.id, "attribute": v.attribute_id, "value": value}
