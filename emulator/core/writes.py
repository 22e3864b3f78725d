"""Creating, updating and deleting assets, shared by both dialects; every change runs in
`emulator.core.transaction.transaction`, the one write path that keeps database and index in step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from emulator.core import asset_rows as rows
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
from emulator.core.views import AssetView, AttachmentView, build_view, load_views, referenced, storable_id
from emulator.store import models as m
from emulator.store.db import increment_meta

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator

OPTION_ID_BASE = 20000  # as for fixture assets without an explicit optionId
# instr() skips the JSON of lists that cannot hold the id (most of them) before json_each. SQLite scans the partial
# covering index of the rows that hold references, `ix_asset_values_refs` (10k assets: 2.9 -> 0.4 ms).
_REFERENCING = text(
    "SELECT DISTINCT v.asset_id FROM asset_values v, json_each(v.ref_ids) r "
    "WHERE v.ref_ids IS NOT NULL AND instr(v.ref_ids, :digits) > 0 AND r.value = :target AND v.asset_id != :target"
)


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


def visible_asset(ctx: WriteContext, user: UserInfo, asset_id: int) -> Any:
    """The asset's row, if it exists in a scheme `user` may browse (else 404, as if it did not exist)."""
    row = rows.asset_row(ctx.session.connection(), asset_id) if storable_id(asset_id) else None
    if row is None or ctx.catalog.forms[row.form_id].scheme_id not in ctx.catalog.browsable(user):
        raise NotFound(f"Asset {asset_id} does not exist")
    return row


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
        now, conn = emu.clock.now_ms(), ctx.session.connection()
        columns = {"name": _name(name), "form_id": form.id, "key": _next_key(ctx.session, form), "option_id": 0,
                   "created": now, "creator": user.username, "updated": now, "updated_by": user.username}  # fmt: skip
        asset_id = rows.insert_asset(conn, columns)  # before the values: a reference by name may name it
        system, wanted = read_values(ctx, form, values)
        _check_required(ctx, form, {p for p, w in wanted.items() if w.stored is not None})
        row = rows.update_asset(conn, asset_id, {"option_id": OPTION_ID_BASE + asset_id, **system})
        _written(ctx, row, rows.write_values(conn, asset_id, [], wanted), [])
        ctx.created.add(asset_id)
    return _reload(emu, ctx, asset_id)


def update_asset(emu: Emulator, user: UserInfo, asset_id: int, changes: dict[str, Any]) -> AssetView:
    """Change only what `changes` names: `name` and/or `values`; a null value clears an attribute."""
    with transaction(emu) as ctx:
        asset = visible_asset(ctx, user, asset_id)
        form, conn = ctx.catalog.forms[asset.form_id], ctx.session.connection()
        require(ctx, user, form, UPDATE)
        columns: dict[str, Any] = {}
        if "name" in changes and changes["name"] != asset.name:
            columns["name"] = _name(changes["name"])
            ctx.touched.update(referencing(ctx.session, asset_id))  # their "name #id" strings change
        system, wanted = read_values(ctx, form, changes.get("values") or {})
        existing = rows.value_rows(conn, asset_id)
        filled = {v.form_attribute_id for v in existing} - {p for p, w in wanted.items() if w.stored is None}
        _check_required(ctx, form, filled | {p for p, w in wanted.items() if w.stored is not None})
        written = rows.write_values(conn, asset_id, existing, wanted)
        columns |= {**system, "updated": emu.clock.now_ms(), "updated_by": user.username}
        _written(ctx, rows.update_asset(conn, asset_id, columns), written, rows.attachments(conn, asset_id))
    return _reload(emu, ctx, asset_id)


def delete_asset(emu: Emulator, user: UserInfo, asset_id: int) -> None:
    """Delete an asset; references to it are removed from the assets that held them (docs/fidelity.md)."""
    with transaction(emu) as ctx:
        asset = visible_asset(ctx, user, asset_id)
        require(ctx, user, ctx.catalog.forms[asset.form_id], DELETE)
        conn, holders = ctx.session.connection(), referencing(ctx.session, asset_id)
        if holders:
            rows.drop_references(conn, holders, asset_id)
            ctx.touched.update(holders)
        rows.delete_asset(conn, asset_id)
        ctx.deleted.add(asset_id)


def referencing(session: Session, asset_id: int) -> set[int]:
    """The assets whose reference attributes point at `asset_id`."""
    return {row[0] for row in session.execute(_REFERENCING, {"target": asset_id, "digits": str(asset_id)})}


def read_values(
    ctx: WriteContext, form: FormInfo, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[int, rows.WantedValue]]:
    """Check every key and value: the system columns to set and the attribute values by placement (None clears)."""
    system: dict[str, Any] = {}
    wanted: dict[int, rows.WantedValue] = {}
    lookups = DbLookups(ctx)
    for key, raw in values.items():
        try:
            _read_value(ctx, form, key, raw, lookups=lookups, system=system, wanted=wanted)
        except ValidationError as exc:
            exc.field = exc.field or key  # the Cloud error names the offending key
            raise
    return system, wanted


def _read_value(
    ctx: WriteContext,
    form: FormInfo,
    key: str,
    raw: Any,
    *,
    lookups: DbLookups,
    system: dict[str, Any],
    wanted: dict[int, rows.WantedValue],
) -> None:
    field = BY_NAME.get(key)
    if field is not None:
        system[field.column] = coerce_system(field, raw, lookups)
        return
    attribute = _attribute(ctx.catalog, key)
    placement = next((p for p in form.placements if p.attribute_id == attribute.id), None)
    if placement is None:
        raise ValidationError(f"attribute '{attribute.name}' is not on form {form.id} '{form.name}'")
    wanted[placement.id] = rows.WantedValue(attribute.id, coerce(attribute, raw, lookups))


def _written(ctx: WriteContext, row: Any, values: list[rows.ValueRow], files: list[AttachmentView]) -> None:
    """The asset's view from the rows the write wrote: the transaction indexes it without reading it back."""
    ctx.touched.add(row.id)
    ctx.written[row.id] = build_view(ctx.catalog, row, values, files, referenced(ctx.session.connection(), values))


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


def _check_required(ctx: WriteContext, form: FormInfo, filled: set[int]) -> None:
    """Every required placement of the form is in `filled` (the placements the asset will have values on)."""
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
