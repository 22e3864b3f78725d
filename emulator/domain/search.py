"""Searching assets, shared by both dialects: permission filter, the index, then the rows of one page."""

from __future__ import annotations

from dataclasses import dataclass, replace

from emulator.domain import dc_query
from emulator.domain.catalog import UserInfo
from emulator.domain.dc_query import Page
from emulator.domain.views import AssetView, load_views
from emulator.errors import NotFound
from emulator.runtime import Emulator
from emulator.schemas.dc import SearchRequest
from emulator.search.leaves import Context
from emulator.search.tree import All, Match, Node, Pattern, Scope, SortKey, and_, or_


@dataclass(frozen=True)
class SearchResult:
    total: int
    assets: list[AssetView]
    warnings: tuple[str, ...] = ()  # where the query was read more leniently than the vendor's parser would


def context(emu: Emulator) -> Context:
    """The time zone and the emulator's clock, for translating queries."""
    return Context(zone=emu.zone, now_ms=emu.clock.now_ms())


def visible(emu: Emulator, user: UserInfo, query: Node) -> Node:
    """Restrict `query` to the schemes `user` may browse (dc-api.md §1: the rest is silently left out)."""
    catalog = emu.catalog
    allowed = catalog.browsable(user)
    if len(allowed) == len(catalog.schemes):
        return query
    schemes = [Match("scheme_id", Pattern.exact(str(scheme_id)), Scope.VALUE) for scheme_id in allowed]
    return and_(query, or_(*schemes))


def search_assets(
    emu: Emulator, user: UserInfo, query: Node, sort: list[SortKey], *, offset: int, limit: int
) -> SearchResult:
    """One page of the assets matching `query` that `user` may see, with the total."""
    hits = emu.index.search(visible(emu, user, query), sort, offset, limit)
    return SearchResult(hits.total, emu.views.get(hits.version, hits.asset_ids, lambda ids: _load(emu, ids)))


def _load(emu: Emulator, ids: list[int]) -> list[AssetView]:
    with emu.session() as session:
        return load_views(session, emu.catalog, ids)


def dc_search(emu: Emulator, user: UserInfo, request: SearchRequest) -> tuple[SearchResult, Page]:
    """The DC search endpoint's work: validate paging, translate, search, load the page."""
    chosen = dc_query.page(request, emu.settings.max_page_size)
    warnings: list[str] = []
    query = dc_query.translate(request, emu.catalog, context(emu), warnings)
    sort = dc_query.sort_keys(request, emu.catalog)
    found = search_assets(emu, user, query, sort, offset=chosen.offset, limit=chosen.size)
    return replace(found, warnings=tuple(warnings)), chosen


def get_asset(emu: Emulator, user: UserInfo, asset_id: int) -> AssetView:
    """One asset the caller may browse (else 404, as if it did not exist)."""
    with emu.session() as session:
        found = load_views(session, emu.catalog, [asset_id])
    if not found or found[0].scheme.id not in emu.catalog.browsable(user):
        raise NotFound(f"Asset {asset_id} does not exist")
    return found[0]


def list_assets(emu: Emulator, user: UserInfo, form_id: int | None, chosen: Page) -> SearchResult:
    """The caller's assets in id order, optionally of one form, one page at a time."""
    query: Node = All()
    if form_id is not None:
        query = Match("form_id", Pattern.exact(str(form_id)), Scope.VALUE)
    return search_assets(emu, user, query, [], offset=chosen.offset, limit=chosen.size)
