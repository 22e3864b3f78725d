"""Data Center routes under `/rest/jip-api/1.0` (dc-api.md §2, §3): one function per vendor operation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import Response

from emulator.core import metadata
from emulator.core.fields import resolve
from emulator.dialects.dc import query as dc_query
from emulator.dialects.dc import render as dc_render
from emulator.dialects.dc import schemas as dc
from emulator.dialects.http import examples, lean
from emulator.dialects.http import users as jira_render
from emulator.dialects.http.deps import BaseUrl, DcUser, EmulatorDep
from emulator.dialects.http.routing import json_response
from emulator.dialects.http.routing import with_and_without_json as route
from emulator.runtime.emulator import Emulator

router = APIRouter(tags=["Data Center"])
# A search answered on the event loop (`emulator.dialects.http.lean`): params only (no Lucene), at most this many of
# them, characters in their keywords, prefixes, assets on the page, documents in the index and bytes in the body, and
# no other search under way.
LIGHT_PARAMS, LIGHT_TEXT, LIGHT_PREFIXES, LIGHT_PAGE, LIGHT_DOCUMENTS, LIGHT_BODY = 8, 512, 4, 100, 2000, 2048
ANY_TEXT = "asset.content"  # the catch-all field: a prefix of it is expanded in every field's lexicon


@route(router, "POST", "/index/query", response_model=dc.SearchResponse)
def search_assets(
    body: Annotated[dc.SearchRequest, examples.body(examples.DC_SEARCH)], user: DcUser, emu: EmulatorDep
) -> Response:
    """Search assets with params or a Lucene `genericKeyword`."""
    result, page = dc_query.search(emu, user, body)
    renderer = dc_render.AssetRenderer(emu.catalog, emu.zone, emu.settings.customfield_id)
    return json_response(dc_render.search_response(body, result, page, emu.clock.now_ms(), renderer), result.warnings)


def light_search(body: dc.SearchRequest, raw: bytes, emu: Emulator) -> bool:
    """Whether `search_assets` is short enough to run on the event loop (a few hundred microseconds: less than the
    hand-over to a worker thread and back) and waits for no lock (no other search holds a segment). Wildcards only
    at a word's end (a prefix: a range of the sorted lexicon), never a leading one or `?` (a scan of it), a few of
    them and none of `asset.content` (2000 assets, not cached yet: 1-3 ms a one-letter prefix of a field, 4-8 ms a
    prefix of `asset.content`, which is expanded in every field's lexicon: 70 of them took 300 ms).
    Every field and the sort field known: an unknown name is compared with every known one for its hint, and a small
    body bounds what else is read (dates, labels, empty keywords)."""
    params = [*(body.query_index_search_params or ()), *(body.mandatory_query_index_search_params or ())]
    if body.generic_keyword is not None or len(params) > LIGHT_PARAMS or (body.page_size or 0) > LIGHT_PAGE:
        return False
    if len(raw) > LIGHT_BODY or not _known(emu, [p.field for p in params] + [body.sort_field]):
        return False
    texts = [(p.field, str(k)) for p in params for k in (p.keyword, *(p.keywords or ())) if k is not None]
    if sum(len(text) for _, text in texts) > LIGHT_TEXT or any(not _prefixes_only(text) for _, text in texts):
        return False
    prefixed = [field for field, text in texts if "*" in text]
    if sum(text.count("*") for _, text in texts) > LIGHT_PREFIXES or ANY_TEXT in prefixed:
        return False
    return emu.index.quiet(LIGHT_DOCUMENTS)


def install_lean(app: FastAPI, prefix: str) -> None:
    """The search's lean twin in front of its documented route (`emulator.dialects.http.lean`)."""
    path = prefix + "/index/query"
    lean.install(app, "POST", path, model=dc.SearchRequest, handler=search_assets, light=light_search)


def _known(emu: Emulator, names: list[str | None]) -> bool:
    catalog = emu.catalog
    return all(not name or resolve(catalog, name) is not None for name in names)


def _prefixes_only(text: str) -> bool:
    return "?" not in text and all(word.find("*") in (-1, len(word) - 1) for word in text.split()) and "**" not in text


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
