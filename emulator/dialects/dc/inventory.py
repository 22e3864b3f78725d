"""Data Center asset CRUD under `/rest/jip-api/1.0/inventory` (dc-api.md §4), in the envelope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from emulator.core import asset_search as search
from emulator.core import writes
from emulator.core.errors import ValidationError
from emulator.dialects.dc import query as dc_query
from emulator.dialects.dc import render as dc_render
from emulator.dialects.dc import schemas as dc
from emulator.dialects.http import examples
from emulator.dialects.http.deps import DcUser, EmulatorDep
from emulator.dialects.http.routing import with_and_without_json as route
from emulator.runtime.emulator import Emulator

router = APIRouter(tags=["Data Center assets"])
FORM_FIXED = "formId: an asset's form is chosen when it is created (POST /inventory.json); an update cannot change it"


def _renderer(emu: Emulator) -> dc_render.AssetRenderer:
    return dc_render.AssetRenderer(emu.catalog, emu.zone, emu.settings.customfield_id)


@route(router, "GET", "/inventory/{asset_id:rowid}")
def get_asset(asset_id: int, user: DcUser, emu: EmulatorDep) -> dc.Envelope:
    """One asset."""
    return dc.Envelope(data=_renderer(emu).asset(search.get_asset(emu, user, asset_id)))


@route(router, "GET", "/inventory/list")
def list_assets(
    user: DcUser,
    emu: EmulatorDep,
    form_id: Annotated[int | None, Query(alias="formId")] = None,
    page_number: Annotated[int | None, Query(alias="pageNumber")] = None,
    page_size: Annotated[int | None, Query(alias="pageSize")] = None,
) -> dict[str, Any]:
    """The caller's assets in id order, optionally of one form, paged."""
    chosen = dc_query.make_page(page_number, page_size, emu.settings.max_page_size)
    result = search.list_assets(emu, user, form_id, chosen)
    renderer = _renderer(emu)
    envelope = dc.Envelope(data=[renderer.asset(view).model_dump(by_alias=True) for view in result.assets])
    paging = dc_render.paging(result.total, chosen, len(result.assets))
    return envelope.model_dump(by_alias=True) | {"pagingInfo": paging.model_dump(by_alias=True)}


@route(router, "POST", "/inventory")
def create_asset(
    body: Annotated[dc.InventoryWrite, examples.body(examples.DC_CREATE)], user: DcUser, emu: EmulatorDep
) -> dc.Envelope:
    """Create an asset of `formId`."""
    view = writes.create_asset(emu, user, body.form_id, body.name, body.attributes or {})
    return dc.Envelope(data=_renderer(emu).asset(view))


@route(router, "PUT", "/inventory/{asset_id:rowid}")
def update_asset(asset_id: int, body: dc.InventoryUpdate, user: DcUser, emu: EmulatorDep) -> dc.Envelope:
    """Change the keys sent; `null` clears an attribute."""
    if "form_id" in body.model_fields_set:
        search.get_asset(emu, user, asset_id)  # an asset the caller cannot see is a 404 first, as without formId
        raise ValidationError(FORM_FIXED, field="formId")
    changes: dict[str, Any] = {"values": body.attributes or {}}
    if "name" in body.model_fields_set:
        changes["name"] = body.name
    return dc.Envelope(data=_renderer(emu).asset(writes.update_asset(emu, user, asset_id, changes)))


@route(router, "DELETE", "/inventory/{asset_id:rowid}")
def delete_asset(asset_id: int, user: DcUser, emu: EmulatorDep) -> dc.Envelope:
    """Delete an asset."""
    writes.delete_asset(emu, user, asset_id)
    return dc.Envelope(data=None)
