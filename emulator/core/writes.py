"""Creating, updating and deleting assets, shared by both dialects; every change runs in
`emulator.core.transaction.transaction`, the one write path that keeps database and index in step."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from emulator.core.catalog import (
    CREATE,
    DELETE,
    UPDATE,
    Catalog,
    FormInfo,
    UserInfo,
)
from emulator.core.errors import NotFound, PermissionDenied, ValidationError
from emulator.core.system_fields import BY_NAME, coerce_system
from emulator.core.transaction import WriteContext, transaction
from emulator.core.types import as_id
from emulator.core.values import AttributeInfo, coerce
from emulator.core.views import AssetView, load_views, storable_id
from emulator.store import models as m
from emulator.store.db import increment_meta

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator

OPTION_ID_BASE = 20000  # as for fixture assets without an explicit optionId


class DbLookups:
    """Resolves users, statuses, locations and assets for value coercion inside a write."""

    def __init__(self, ctx: WriteContext) -> None:
        self.ctx = ctx

    def user_key(self, username_or_key: str) -> str | None:
        user = self.ctx.catalog.user(username_or_key)
        return user.key if user else None

    def asset_form(self, asset_id: int) -> int | None:
        return self.ctx.session.scalar(select(m.Asset.form_id).where(m.Asset.id == asset_id))

    def asset_ids_named(self, name: str) -> list[int]:
        return list(self.ctx.session.scalars(select(m.Asset.id).where(m.Asset.name == name).order_by(m.Asset.id)))

    def asset_id_keyed(self, key: str) -> int | None:
        return asset_id_by_key(self.ctx.session, key)

    def status_key(self, key_or_name: str, substatus: bool) -> str | None:
        table = self.ctx.catalog.substatuses if substatus else self.ctx.catalog.statuses
        if key_or_name in table:
            return key_or_name
        return next((key for key, s in table.items() if s.name.lower() == key_or_name.lower()), None)

    def location_id(self, id_or_name: str | int) -> int | None:
        locations = self.ctx.catalog.locations
        number = as_id(str(id_or_name))
        if number is not None and number in locations:
            return number
        return next((i for i, loc in locations.items() if loc.name.lower() == str(id_or_name).lower()), None)


def asset_id_by_key(session: Session, key: str) -> int | None:
    """The id of the asset with this key (`LAP-12`; the prefix is matched case-insensitively)."""
    return session.scalar(select(m.Asset.id).where(m.Asset.key == key.strip().upper()))


def find_asset_id(emu: Emulator, id_or_key: str) -> int | None:
    """An asset id from a numeric id or an asset key, if such an asset exists."""
    with emu.session() as session:
        if id_or_key.isascii() and id_or_key.isdigit():
            number = as_id(id_or_key)  # None: more digits than any stored id has
            return None if number is None else session.scalar(select(m.Asset.id).where(m.Asset.id == number))
        return asset_id_by_key(session, id_or_key)


def visible_asset(ctx: WriteContext, user: UserInfo, asset_id: int) -> m.Asset:
    """The asset, if it exists in a scheme `user` may browse (else 404, as if it did not exist)."""
    asset = ctx.session.get(m.Asset, asset_id) if storable_id(asset_id) else None
    if asset is None or ctx.catalog.forms[asset.form_id].scheme_id not in ctx.catalog.browsable(user):
        raise NotFound(f"Asset {asset_id} does not exist")
    return asset


def require(ctx: WriteContext, user: UserInfo, form: FormInfo, permission: str) -> None:
    """403 unless `user` holds `permission` on the form's scheme (browsing is checked before)."""
    if not ctx.catalog.may(user, form.scheme_id, permission):
        scheme = ctx.catalog.schemes[form.scheme_id].name
        raise PermissionDenied(f"You do not have the {permission.title()} Asset permission in scheme '{scheme}'")


def create_asset(emu: Emulator, user: UserInfo, form_id: int | None, name: Any, values: dict[str, Any]) -> AssetView:
    """Create an asset of `form_id` named `name` with `values` (attribute or system field → value)."""
    with transaction(emu) as ctx:
        form = _form(ctx, user, form_id)
        require(ctx, user, form, CREATE)
        now = emu.clock.now_ms()
        asset = m.Asset(name=_name(name), form_id=form.id, key=_next_key(ctx.session, form), option_id=0,
                        created=now, creator=user.username, updated=now, updated_by=user.username)  # fmt: skip
        ctx.session.add(asset)
        ctx.session.flush()
        asset.option_id = OPTION_ID_BASE + asset.id
        apply_values(ctx, asset, form, values)
        _check_required(ctx, asset, form)
        ctx.touched.add(asset.id)
        ctx.created.add(asset.id)
    return _reload(emu, ctx, asset.id)


def update_asset(emu: Emulator, user: UserInfo, asset_id: int, changes: dict[str, Any]) -> AssetView:
    """Change only what `changes` names: `name` and/or `values`; a null value clears an attribute."""
    with transaction(emu) as ctx:
        asset = visible_asset(ctx, user, asset_id)
        form = ctx.catalog.forms[asset.form_id]
        require(ctx, user, form, UPDATE)
        if "name" in changes and changes["name"] != asset.name:
            asset.name = _name(changes["name"])
            ctx.touched.update(referencing(ctx.session, asset.id))  # their "name #id" strings change
        apply_values(ctx, asset, form, changes.get("values") or {})
        _check_required(ctx, asset, form)
        asset.updated, asset.updated_by = emu.clock.now_ms(), user.username
        ctx.touched.add(asset.id)
    return _reload(emu, ctx, asset_id)


def delete_asset(emu: Emulator, user: UserInfo, asset_id: int) -> None:
    """Delete an asset; references to it are removed from the assets that held them (docs/fidelity.md)."""
    with transaction(emu) as ctx:
        asset = visible_asset(ctx, user, asset_id)
        require(ctx, user, ctx.catalog.forms[asset.form_id], DELETE)
        for holder in referencing(ctx.session, asset_id):
            _drop_reference(ctx, holder, asset_id)
        ctx.session.delete(asset)
        ctx.deleted.add(asset_id)


def referencing(session: Session, asset_id: int) -> set[int]:
    """The assets whose reference attributes point at `asset_id`."""
    query = text(  # instr() skips the JSON of lists that cannot hold the id (most of them) before json_each
        "SELECT DISTINCT v.asset_id FROM asset_values v, json_each(v.ref_ids) r "
        "WHERE v.ref_ids IS NOT NULL AND instr(v.ref_ids, :digits) > 0 AND r.value = :target "
        "AND v.asset_id != :target"
    )
    return {row[0] for row in session.execute(query, {"target": asset_id, "digits": str(asset_id)})}


def _drop_reference(ctx: WriteContext, holder: int, target: int) -> None:
    for value in ctx.session.scalars(select(m.AssetValue).where(m.AssetValue.asset_id == holder)):
        refs = json.loads(value.ref_ids or "[]")
        if target in refs:
            kept = [ref for ref in refs if ref != target]
            if kept:
                value.ref_ids = json.dumps(kept)
            else:
                ctx.session.delete(value)
    ctx.touched.add(holder)


def apply_values(ctx: WriteContext, asset: m.Asset, form: FormInfo, values: dict[str, Any]) -> None:
    """Write attribute values and system fields; every key and value is checked before the transaction ends."""
    for key, raw in values.items():
        try:
            _apply_value(ctx, asset, form, key, raw)
        except ValidationError as exc:
            exc.field = exc.field or key  # the Cloud error names the offending key
            raise


def _apply_value(ctx: WriteContext, asset: m.Asset, form: FormInfo, key: str, raw: Any) -> None:
    lookups = DbLookups(ctx)
    system = BY_NAME.get(key)
    if system is not None:
        setattr(asset, system.column, coerce_system(system, raw, lookups))
        return
    attribute = _attribute(ctx.catalog, key)
    placement = next((p for p in form.placements if p.attribute_id == attribute.id), None)
    if placement is None:
        raise ValidationError(f"attribute '{attribute.name}' is not on form {form.id} '{form.name}'")
    _store_value(ctx.session, asset, placement.id, attribute, coerce(attribute, raw, lookups))


def _store_value(session: Session, asset: m.Asset, placement_id: int, attribute: AttributeInfo, stored: Any) -> None:
    row = session.scalar(
        select(m.AssetValue).where(m.AssetValue.asset_id == asset.id, m.AssetValue.form_attribute_id == placement_id)
    )
    if stored is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = m.AssetValue(asset_id=asset.id, form_attribute_id=placement_id, attribute_id=attribute.id)
        session.add(row)
    row.text, row.option_ids, row.ref_ids = stored.text, stored.option_ids, stored.ref_ids


def _attribute(catalog: Catalog, key: str) -> AttributeInfo:
    found = catalog.attributes_by_name.get(key)
    if found is None and (number := as_id(key)) is not None:
        found = catalog.attributes.get(number)
    if found is None:
        what = "system field" if key.startswith("asset.") else "attribute"
        raise ValidationError(f"unknown {what} '{key}'")
    return found


def _form(ctx: WriteContext, user: UserInfo, form_id: int | None) -> FormInfo:
    if form_id is None:
        raise ValidationError("formId: the form (asset type) of the new asset is required", field="formId")
    form = ctx.catalog.forms.get(form_id)
    if form is None or form.scheme_id not in ctx.catalog.browsable(user):
        raise ValidationError(f"formId: unknown form {form_id}", field="formId")
    return form


def _name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("name: an asset needs a non-empty name", field="name")
    return raw.strip()


def _check_required(ctx: WriteContext, asset: m.Asset, form: FormInfo) -> None:
    ctx.session.flush()
    filled = set(ctx.session.scalars(select(m.AssetValue.form_attribute_id).where(m.AssetValue.asset_id == asset.id)))
    for placement in form.placements:
        if placement.required and placement.id not in filled:
            name = ctx.catalog.attributes[placement.attribute_id].name
            raise ValidationError(f"attribute '{name}' is required on form {form.id} '{form.name}'", field=name)


def _next_key(session: Session, form: FormInfo) -> str:
    """`PREFIX-n` from a per-prefix counter that never goes back, so deleted keys are not reused."""
    return f"{form.key_prefix}-{increment_meta(session, f'key_counter:{form.key_prefix}')}"


def _reload(emu: Emulator, ctx: WriteContext, asset_id: int) -> AssetView:
    """The asset as committed: read back by the transaction already, else from the database."""
    if asset_id in ctx.views:
        return ctx.views[asset_id]
    with emu.session() as session:
        return load_views(session, emu.catalog, [asset_id])[0]
