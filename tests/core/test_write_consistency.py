"""Property: after any interleaving of creates, updates, deletes, flushes, restarts and searches, every search of
every kind (words, wildcards, phrases, ranges, lists, references, sorting, paging) answers exactly what the
reference evaluator finds by a scan of the database (`emulator.search.reference`: the same evaluator the
in-memory layer answers with)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core import writes
from emulator.core.asset_search import search_assets
from emulator.core.catalog import UserInfo
from emulator.core.documents import build_document
from emulator.core.errors import ValidationError
from emulator.core.views import AssetView, iter_all_views, load_views
from emulator.runtime.emulator import Emulator
from emulator.search import reference
from emulator.search.tree import All, Document, Node, SortKey
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from tests.search.queries import pages, queries, sort_keys

pytestmark = pytest.mark.slow  # long property-based runs

LAPTOP, LICENSE = 9, 10
WORDS = ["alpha", "Alpine", "beta", "gamma", "al-pha", "delta"]
VENDORS = ["HP", "Dell", "Lenovo"]

names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
laptop_values = st.fixed_dictionaries(
    {},
    optional={
        "Vendor": st.sampled_from([*VENDORS, None]),
        "RAM (GB)": st.one_of(st.none(), st.integers(min_value=4, max_value=64)),
        "asset.assetTag": st.sampled_from(["T-1", "T-2", None]),
        "asset.quantity": st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    },
)
create = st.tuples(st.just("create"), st.sampled_from([LAPTOP, LICENSE]), names, laptop_values, st.integers(0, 50))
update = st.tuples(st.just("update"), st.integers(0, 50), st.one_of(st.none(), names), laptop_values)
delete = st.tuples(st.just("delete"), st.integers(0, 50))


def _apply(emu: Emulator, admin: UserInfo, op: tuple[Any, ...], pool: list[int]) -> None:
    try:
        if op[0] == "create":
            _, form, name, values, ref = op
            if form == LICENSE:
                values = {"License Key": "K", "Installed On": [pool[ref % len(pool)]] if pool else None}
            pool.append(_as_stored(emu, writes.create_asset(emu, admin, form, name, values)).id)
        elif op[0] == "update" and pool:
            _, index, name, values = op
            target = pool[index % len(pool)]
            changes: dict[str, Any] = {"values": values} if name is None else {"values": values, "name": name}
            _as_stored(emu, writes.update_asset(emu, admin, target, changes))
        elif op[0] == "delete" and pool:
            writes.delete_asset(emu, admin, pool.pop(op[1] % len(pool)))
    except ValidationError:
        pass  # e.g. Laptop values on a License: rejected, and must leave no trace


def _as_stored(emu: Emulator, view: AssetView) -> AssetView:
    """The view a write answers (built from the rows it wrote, not read back) is the asset as the database holds
    it, and so is the index document made from it."""
    with emu.session() as session:
        assert [view] == load_views(session, emu.catalog, [view.id])
    return view


def _scan(emu: Emulator) -> list[Document]:
    """Every asset as the database holds it, as an index document: what the oracle searches."""
    with emu.session() as session:
        return [build_document(view, emu.catalog, emu.zone) for view in iter_all_views(session, emu.catalog)]


def _check(emu: Emulator, admin: UserInfo, node: Node, sort: list[SortKey], page: tuple[int, int]) -> None:
    """One search through the index (segments and in-memory layer) against the reference evaluator's scan."""
    offset, limit = page
    expected = reference.search(_scan(emu), node, sort, offset, limit)
    found = emu.index.search(node, sort, offset, limit)
    assert (found.total, found.asset_ids) == (expected.total, expected.asset_ids), (node, sort, page)
    answer = search_assets(emu, admin, node, sort, offset=offset, limit=limit)
    assert [view.id for view in answer.assets] == expected.asset_ids


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, flush_interval_ms=3_600_000, flush_batch=10**6)  # flushed by the test


searches = st.tuples(st.just("search"), queries, sort_keys, pages)
steps = st.lists(
    st.one_of(create, update, delete, st.just(("flush",)), st.just(("restart",)), searches), min_size=1, max_size=14
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=steps, final=searches)
def test_the_index_always_answers_what_the_database_holds(
    seeded_template: Path, ops: list[tuple[Any, ...]], final: tuple[Any, ...]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = copy_data_dir(seeded_template, Path(tmp) / "data")
        emu = Emulator(_settings(data_dir))
        emu.start()
        try:
            admin = emu.catalog.users["admin"]
            pool = [167, 168, 169, 152]
            for op in [*ops, final]:
                if op[0] == "flush":
                    emu.index.flush()
                elif op[0] == "restart":  # like a kill: what waited in memory is only in the change log
                    emu.close()
                    emu = Emulator(_settings(data_dir))
                    emu.start()
                elif op[0] == "search":
                    _check(emu, admin, *op[1:])
                else:
                    _apply(emu, admin, op, pool)
            _check(emu, admin, All(), [], (0, 1000))
            assert emu.index.doc_count() == len(_scan(emu))
        finally:
            emu.close()
