"""Data Center asset CRUD under `/rest/jip-api/1.0/inventory` (dc-api.md §4), in the envelope."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query

from emulator.core import asset_search as search
from emulator.core import writes
from emulator.core.catalog import UserInfo
from emulator.core.errors import ValidationError
from emulator.dialects.dc import query as dc_query
from emulator.dialects.dc import render as dc_render
from emulator.dialects.dc import schemas as dc
from emulator.dialects.http import examples
from emulator.dialects.http.deps import DcUser, EmulatorDep, NamespaceDep
from emulator.dialects.http.lean import alone_or_in_thread
from emulator.dialects.http.routing import with_and_without_json as route
from emulator.runtime.emulator import Emulator
from emulator.runtime.namespaces import Namespace

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


def _alone(ns: Namespace) -> tuple[bool, threading.RLock]:
    """A write runs on the event loop when it is its namespace's only request (`lean.alone_or_in_thread`): its
    SQLite commit does not sync to disk (WAL, synchronous=NORMAL), so it is short whatever else the loop serves."""
    return ns.active == 1, ns.emulator.index.write_lock


@route(router, "POST", "/inventory")
async def create_asset(
    body: Annotated[dc.InventoryWrite, examples.body(examples.DC_CREATE)], user: DcUser, ns: NamespaceDep
) -> dc.Envelope:
    """Create an asset of `formId`."""
    return await alone_or_in_thread(*_alone(ns), _create, body, user, ns.emulator)


def _create(body: dc.InventoryWrite, user: UserInfo, emu: Emulator) -> dc.Envelope:
    view = writes.create_asset(emu, user, body.form_id, body.name, body.attributes or {})
    return dc.Envelope(data=_renderer(emu).asset(view))


@route(router, "PUT", "/inventory/{asset_id:rowid}")
async def update_asset(asset_id: int, body: dc.InventoryUpdate, user: DcUser, ns: NamespaceDep) -> dc.Envelope:
    """Change the keys sent; `null` clears an attribute."""
    return await alone_or_in_thread(*_alone(ns), _update, asset_id, body, user, ns.emulator)


def _update(asset_id: int, body: dc.InventoryUpdate, user: UserInfo, emu: Emulator) -> dc.Envelope:
    if "form_id" in body.model_fields_set:
        search.get_asset(emu, user, asset_id)  # an asset the caller cannot see is a 404 first, as without formId
        raise ValidationError(FORM_FIXED, field="formId")
    changes: dict[str, Any] = {"values": body.attributes or {}}
    if "name" in body.model_fields_set:
        changes["name"] = body.name
    return dc.Envelope(data=_renderer(emu).asset(writes.update_asset(emu, user, asset_id, changes)))


@route(router, "DELETE", "/inventory/{asset_id:rowid}")
async def delete_asset(asset_id: int, user: DcUser, ns: NamespaceDep) -> dc.Envelope:
    """Delete an asset."""
    await alone_or_in_thread(*_alone(ns), writes.delete_asset, ns.emulator, user, asset_id)
    return dc.Envelope(data=None)
