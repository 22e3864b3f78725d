"""Searching assets, shared by both dialects: permission filter, the index, then the rows of one page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.core import query_limits
from emulator.core.catalog import UserInfo
from emulator.core.errors import NotFound
from emulator.core.leaves import Context
from emulator.core.views import AssetView, load_views
from emulator.search import budget
from emulator.search.tree import (
    All,
    Hits,
    Match,
    Node,
    Pattern,
    Scope,
    SortKey,
    and_,
    or_,
)

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator

_ATTEMPTS = 5


@dataclass(frozen=True)
class Page:
    """One 1-based page of a result: its number and size."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class SearchResult:
    total: int
    assets: list[AssetView]
    warnings: tuple[str, ...] = ()  # where the query was read more leniently than the vendor's parser would


def context(emu: Emulator) -> Context:
    """The time zone and the emulator's clock, for translating queries."""
    return Context(zone=emu.zone, now_ms=emu.clock.now_ms(), max_clauses=emu.settings.max_clause_count)


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
    """One page of the assets matching `query` that `user` may see, with the total.

    The page's rows are read after the index answered: when an asset of the page was deleted in between, the
    search runs again (after any write already committed has reached the index), so that a page always holds
    what its total promises.
    """
    query_limits.check_clauses(query, emu.settings)
    node = visible(emu, user, query)
    for _attempt in range(_ATTEMPTS):
        hits = _hits(emu, node, sort, offset, limit)
        views = emu.views.get(hits.asset_ids, lambda ids: _load(emu, ids))
        if len(views) == len(hits.asset_ids):
            break
        with emu.index.commit_lock:  # a barrier: writes committed so far are in the index once we hold it
            pass
    return SearchResult(hits.total, views)


def _hits(emu: Emulator, node: Node, sort: list[SortKey], offset: int, limit: int) -> Hits:
    """The index's page of ids, within the search's budget (a 400 naming the costly part when it runs out)."""
    try:
        with budget.limited(query_limits.budget(emu.settings)):
            return emu.index.search(node, sort, offset, limit)
    except budget.BudgetExceeded as exc:
        raise query_limits.exceeded(exc, emu.catalog) from None


def _load(emu: Emulator, ids: list[int]) -> list[AssetView]:
    with emu.session() as session:
        return load_views(session, emu.catalog, ids)


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
