"""Data Center routes under `/rest/jip-api/1.0` (dc-api.md §2, §3): one function per vendor operation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response

from emulator.core import metadata
from emulator.dialects.dc import query as dc_query
from emulator.dialects.dc import render as dc_render
from emulator.dialects.dc import schemas as dc
from emulator.dialects.http import examples
from emulator.dialects.http import users as jira_render
from emulator.dialects.http.deps import BaseUrl, DcUser, EmulatorDep
from emulator.dialects.http.routing import json_response
from emulator.dialects.http.routing import with_and_without_json as route

router = APIRouter(tags=["Data Center"])


@route(router, "POST", "/index/query", response_model=dc.SearchResponse)
def search_assets(
    body: Annotated[dc.SearchRequest, examples.body(examples.DC_SEARCH)], user: DcUser, emu: EmulatorDep
) -> Response:
    """Search assets with params or a Lucene `genericKeyword`."""
    result, page = dc_query.search(emu, user, body)
    renderer = dc_render.AssetRenderer(emu.catalog, emu.zone, emu.settings.customfield_id)
    return json_response(dc_render.search_response(body, result, page, emu.clock.now_ms(), renderer), result.warnings)


@route(router, "GET", "/attribute/list")
def list_attributes(_user: DcUser, emu: EmulatorDep) -> list[dict[str, Any]]:
    """Every attribute, sorted by name; option attributes carry their `values`."""
    return [dc_render.attribute(a, emu.catalog) for a in metadata.attributes(emu.catalog)]


@route(router, "GET", "/attribute/{attribute_id:rowid}")
def get_attribute(attribute_id: int, _user: DcUser, emu: EmulatorDep) -> dict[str, Any]:
    """One attribute."""
    return dc_render.attribute(metadata.attribute(emu.catalog, attribute_id), emu.catalog)


@route(router, "GET", "/form/list")
def list_forms(user: DcUser, emu: EmulatorDep) -> list[dict[str, Any]]:
    """The forms (asset types) of the schemes the caller may browse, with their attributes."""
    return [dc_render.form(f, emu.catalog) for f in metadata.forms(emu.catalog, user)]


@route(router, "GET", "/form/{form_id:rowid}")
def get_form(form_id: int, user: DcUser, emu: EmulatorDep) -> dict[str, Any]:
    """One form."""
    return dc_render.form(metadata.form(emu.catalog, user, form_id), emu.catalog)


@route(router, "GET", "/schema/objectSchemas")
def list_schemes(user: DcUser, emu: EmulatorDep) -> dc.Envelope:
    """The schemes the caller may browse, with their forms."""
    return dc.Envelope(data=[dc_render.scheme(s, forms) for s, forms in metadata.schemes(emu.catalog, user)])


@route(router, "GET", "/location")
def list_locations(_user: DcUser, emu: EmulatorDep, base_url: BaseUrl) -> dict[str, Any]:
    """Every location, keyed by its id as a string."""
    users = jira_render.UserRenderer(emu.catalog, base_url)
    data = {str(loc.id): users.location(loc) for loc in metadata.locations(emu.catalog)}
    return dc.Envelope(data=data).model_dump(by_alias=True) | {"pagingInfo": None}


@route(router, "GET", "/location/{location_id:rowid}")
def get_location(location_id: int, _user: DcUser, emu: EmulatorDep, base_url: BaseUrl) -> dc.Envelope:
    """One location."""
    users = jira_render.UserRenderer(emu.catalog, base_url)
    return dc.Envelope(data=users.location(metadata.location(emu.catalog, location_id)))
