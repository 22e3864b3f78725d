"""Cloud routes under the configurable base path (cloud-api.md §2): one function per operation.

Access: READ for reads and search, WRITE for asset writes, ADMIN for collections and attribute definitions; the
token owner's DC scheme permissions apply on top (effective rights = token ∩ owner).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from emulator.core import asset_search as search
from emulator.core.token_codec import Access
from emulator.dialects.cloud import assets as cloud_assets
from emulator.dialects.cloud import attributes as ca
from emulator.dialects.cloud import collections
from emulator.dialects.cloud import schemas as cloud
from emulator.dialects.cloud.auth import CloudCaller
from emulator.dialects.cloud.query import CloudPage, make_page
from emulator.dialects.cloud.render import Renderer, asset_page, values_page
from emulator.dialects.http import examples
from emulator.dialects.http.deps import EmulatorDep
from emulator.dialects.http.routing import json_response
from emulator.runtime.emulator import Emulator

router = APIRouter(tags=["Cloud"])


def paging(
    start_at: Annotated[int | None, Query(alias="startAt", description="1-based position of the first item")] = None,
    start: Annotated[int | None, Query(description="alias of startAt")] = None,
    max_result: Annotated[
        int | None, Query(alias="maxResult", description="page size, 50 by default, 100 at most")
    ] = None,
    max_results: Annotated[int | None, Query(alias="maxResults", description="alias of maxResult")] = None,
) -> CloudPage:
    return make_page(start_at, start, max_result, max_results)


PageDep = Annotated[CloudPage, Depends(paging)]


def _send(model: BaseModel, status: int = 200) -> Response:
    return Response(content=model.model_dump_json(by_alias=True), media_type="application/json", status_code=status)


def _render(emu: Emulator) -> Renderer:
    return Renderer(emu.catalog, emu.zone)


def _collection(emu: Emulator, caller: CloudCaller, collection_id: int, status: int = 200) -> Response:
    return _send(_render(emu).collection(collections.collection(emu.catalog, caller.user, collection_id)), status)


def _attribute(emu: Emulator, attribute_id: int, status: int = 200) -> Response:
    return _send(_render(emu).definition(collections.attribute(emu.catalog, attribute_id)), status)


# -- collections ---------------------------------------------------------------------------------
@router.get("/collections", response_model=cloud.ValuesPage)
def list_collections(caller: CloudCaller, emu: EmulatorDep, page: PageDep) -> Response:
    """The asset types (collections) the token's owner may see, by id."""
    render = _render(emu)
    return _send(values_page(page, [render.collection(f) for f in collections.visible(emu.catalog, caller.user)]))


@router.get("/collections/{collection_id}", response_model=cloud.Collection)
def get_collection(collection_id: int, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """One collection with its attribute definitions."""
    return _collection(emu, caller, collection_id)


@router.post("/collections", status_code=201, response_model=cloud.Collection)
def create_collection(body: cloud.CollectionWrite, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Create a collection (ADMIN)."""
    caller.require(Access.ADMIN)
    return _collection(emu, caller, collections.create_collection(emu, caller.user, body), 201)


def _changeable_collection(collection_id: int, caller: CloudCaller, emu: EmulatorDep) -> int:
    """The id of a collection an ADMIN may change: 403 and 404 come before the body is read."""
    caller.require(Access.ADMIN)
    collections.collection(emu.catalog, caller.user, collection_id)
    return collection_id


@router.put("/collections/{collection_id}", response_model=cloud.Collection)
def update_collection(
    collection_id: Annotated[int, Depends(_changeable_collection)],
    body: cloud.CollectionUpdate,
    caller: CloudCaller,
    emu: EmulatorDep,
) -> Response:
    """Change a collection (ADMIN); `attributes` replaces its attribute list."""
    collections.update_collection(emu, caller.user, collection_id, body)
    return _collection(emu, caller, collection_id)


@router.delete("/collections/{collection_id}", status_code=204)
def delete_collection(collection_id: int, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Delete an empty collection (ADMIN; 409 while it holds assets)."""
    caller.require(Access.ADMIN)
    collections.delete_collection(emu, caller.user, collection_id)
    return Response(status_code=204)


# -- attribute definitions -----------------------------------------------------------------------
@router.get("/attributes", response_model=cloud.ValuesPage)
def list_attributes(_caller: CloudCaller, emu: EmulatorDep, page: PageDep) -> Response:
    """Every attribute definition, by id."""
    render = _render(emu)
    return _send(values_page(page, [render.definition(a) for a in collections.attributes(emu.catalog)]))


@router.get("/attributes/{attribute_id}", response_model=cloud.AttributeDefinition)
def get_attribute(attribute_id: int, _caller: CloudCaller, emu: EmulatorDep) -> Response:
    """One attribute definition (a global one by its fixed id too)."""
    return _attribute(emu, attribute_id)


@router.post("/attributes", status_code=201, response_model=cloud.AttributeDefinition)
def create_attribute(body: cloud.AttributeWrite, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Create an attribute definition (ADMIN)."""
    caller.require(Access.ADMIN)
    return _attribute(emu, collections.create_attribute(emu, caller.user, body), 201)


def _changeable_attribute(attribute_id: int, caller: CloudCaller, emu: EmulatorDep) -> int:
    """The id of an attribute an ADMIN may change: 403 and 404 come before the body is read (a dependency runs
    before FastAPI validates the body)."""
    caller.require(Access.ADMIN)
    collections.attribute(emu.catalog, attribute_id)
    return attribute_id


@router.put("/attributes/{attribute_id}", response_model=cloud.AttributeDefinition)
def update_attribute(
    attribute_id: Annotated[int, Depends(_changeable_attribute)], body: cloud.AttributeUpdate, emu: EmulatorDep
) -> Response:
    """Rename an attribute or replace its options (ADMIN)."""
    collections.update_attribute(emu, attribute_id, body)
    return _attribute(emu, attribute_id)


@router.delete("/attributes/{attribute_id}", status_code=204)
def delete_attribute(attribute_id: int, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Delete an attribute definition and its values (ADMIN)."""
    caller.require(Access.ADMIN)
    collections.delete_attribute(emu, attribute_id)
    return Response(status_code=204)


@router.get("/global-attributes", response_model=cloud.ValuesPage)
def list_global_attributes(_caller: CloudCaller, emu: EmulatorDep, page: PageDep) -> Response:
    """The 15 global attributes (the DC system fields)."""
    render = _render(emu)
    return _send(values_page(page, [render.definition(g) for g in ca.GLOBALS]))


# -- assets --------------------------------------------------------------------------------------
@router.get("/assets", response_model=cloud.AssetPage)
def list_assets(
    caller: CloudCaller,
    emu: EmulatorDep,
    page: PageDep,
    collection_id: Annotated[int | None, Query(alias="collectionId")] = None,
    sort: Annotated[str | None, Query(description="e.g. name:ASC,createdAt:DESC")] = None,
) -> Response:
    """The assets the token's owner may see, optionally of one collection."""
    result, echo = cloud_assets.list_assets(emu, caller.user, collection_id, sort, page)
    return _send(asset_page(page, result.total, echo, result.assets, _render(emu)))


@router.post("/assets/search", response_model=cloud.AssetPage)
def search_assets(
    body: Annotated[cloud.SearchBody, examples.body(examples.CLOUD_SEARCH)], caller: CloudCaller, emu: EmulatorDep
) -> Response:
    """Filtered, sorted, paged search over the index the DC search uses."""
    result, page, echo = cloud_assets.search(emu, caller.user, body)
    return json_response(asset_page(page, result.total, echo, result.assets, _render(emu)), result.warnings)


@router.get("/assets/{key}", response_model=cloud.Asset)
def get_asset(key: str, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """One asset by key (`LAP-12`) or numeric id."""
    view = search.get_asset(emu, caller.user, cloud_assets.asset_id(emu, key))
    return _send(_render(emu).asset(view))


@router.post("/assets", status_code=201, response_model=cloud.Asset)
def create_asset(
    body: Annotated[cloud.AssetCreate, examples.body(examples.CLOUD_CREATE)], caller: CloudCaller, emu: EmulatorDep
) -> Response:
    """Create an asset (WRITE)."""
    caller.require(Access.WRITE)
    return _send(_render(emu).asset(cloud_assets.create(emu, caller.user, body)), 201)


@router.put("/assets/{key}", response_model=cloud.Asset)
def update_asset(key: str, body: cloud.AssetUpdate, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Change what the body names (WRITE); null clears."""
    caller.require(Access.WRITE)
    return _send(_render(emu).asset(cloud_assets.update(emu, caller.user, key, body)))


@router.delete("/assets/{key}", status_code=204)
def delete_asset(key: str, caller: CloudCaller, emu: EmulatorDep) -> Response:
    """Delete an asset (WRITE)."""
    caller.require(Access.WRITE)
    cloud_assets.delete(emu, caller.user, key)
    return Response(status_code=204)


@router.get("/assets/{key}/attachments", response_model=list[cloud.Attachment])
def list_attachments(key: str, caller: CloudCaller, emu: EmulatorDep) -> list[cloud.Attachment]:
    """The asset's attachment metadata."""
    view = search.get_asset(emu, caller.user, cloud_assets.asset_id(emu, key))
    render = _render(emu)
    return [render.attachment(file) for file in view.attachments or ()]
