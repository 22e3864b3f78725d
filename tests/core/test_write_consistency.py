"""Property: after any sequence of creates, updates and deletes, the index answers exactly what the database says."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from emulator.core import writes
from emulator.core.catalog import UserInfo
from emulator.core.errors import ValidationError
from emulator.core.runtime import Emulator
from emulator.core.search import search_assets
from emulator.search.tree import (
    All,
    Match,
    Node,
    Pattern,
    Range,
    Scope,
    tokenize,
)
from emulator.settings import Settings
from emulator.store import models as m
from emulator.testing import copy_data_dir

LAPTOP, LICENSE = 9, 10
VENDOR, RAM, INSTALLED_ON = 61, 98, 95
WORDS = ["alpha", "Alpine", "beta", "gamma", "al-pha", "delta"]
VENDORS = ["HP", "Dell", "Lenovo"]

names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
laptop_values = st.fixed_dictionaries(
    {},
    optional={
        "Vendor": st.sampled_from([*VENDORS, None]),
        "RAM (GB)": st.one_of(st.none(), st.integers(min_value=4, max_value=64)),
    },
)
create = st.tuples(st.just("create"), st.sampled_from([LAPTOP, LICENSE]), names, laptop_values, st.integers(0, 50))
update = st.tuples(st.just("update"), st.integers(0, 50), st.one_of(st.none(), names), laptop_values)
delete = st.tuples(st.just("delete"), st.integers(0, 50))
operations = st.lists(st.one_of(create, update, delete), min_size=1, max_size=8)


def _apply(emu: Emulator, admin: UserInfo, op: tuple[Any, ...], pool: list[int]) -> None:
    try:
        if op[0] == "create":
            _, form, name, values, ref = op
            if form == LICENSE:
                values = {"License Key": "K", "Installed On": [pool[ref % len(pool)]] if pool else None}
            pool.append(writes.create_asset(emu, admin, form, name, values).id)
        elif op[0] == "update" and pool:
            _, index, name, values = op
            target = pool[index % len(pool)]
            changes: dict[str, Any] = {"values": values} if name is None else {"values": values, "name": name}
            writes.update_asset(emu, admin, target, changes)
        elif op[0] == "delete" and pool:
            writes.delete_asset(emu, admin, pool.pop(op[1] % len(pool)))
    except ValidationError:
        pass  # e.g. Laptop values on a License: rejected, and must leave no trace


def _index_ids(emu: Emulator, admin: UserInfo, query: Node) -> set[int]:
    return {view.id for view in search_assets(emu, admin, query, [], offset=0, limit=100_000).assets}


def _database(emu: Emulator) -> tuple[dict[int, Any], list[Any]]:
    with emu.session() as session:
        assets = {a.id: a for a in session.scalars(select(m.Asset))}
        values = list(session.scalars(select(m.AssetValue)))
    return assets, values


def _check(emu: Emulator, admin: UserInfo) -> None:
    assets, values = _database(emu)
    by_attribute = {(v.asset_id, v.attribute_id): v for v in values}
    vendor_hp = {a for (a, attr), v in by_attribute.items() if attr == VENDOR and json.loads(v.option_ids) == [101]}
    big_ram = {a for (a, attr), v in by_attribute.items() if attr == RAM and int(v.text) >= 32}
    refs = [(a, json.loads(v.ref_ids)) for (a, attr), v in by_attribute.items() if attr == INSTALLED_ON]
    expectations: list[tuple[Node, set[int]]] = [
        (All(), set(assets)),
        (
            Match("form_id", Pattern.exact(str(LAPTOP)), Scope.VALUE),
            {i for i, a in assets.items() if a.form_id == LAPTOP},
        ),
        (Match("name", Pattern.parse("al*")), {i for i, a in assets.items() if _word_or_value(a.name, "al")}),
        (Match(f"a{VENDOR}", Pattern.exact("hp"), Scope.VALUE), vendor_hp),
        (Range(f"a{RAM}", 32, None), big_ram),
    ]
    for target in list(assets)[-3:]:
        holders = {a for a, ids in refs if target in ids}
        expectations.append((Match(f"a{INSTALLED_ON}", Pattern.exact(f"#{target}"), Scope.VALUE), holders))
    for query, expected in expectations:
        assert _index_ids(emu, admin, query) == expected, query


def _word_or_value(name: str, prefix: str) -> bool:
    return name.lower().startswith(prefix) or any(word.startswith(prefix) for word in tokenize(name))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_the_index_always_answers_what_the_database_holds(seeded_template: Path, ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        emu = Emulator(Settings(data_dir=copy_data_dir(seeded_template, Path(tmp) / "data")))
        emu.start()
        try:
            admin = emu.catalog.users["admin"]
            pool = [167, 168, 169, 152]
            for op in ops:
                _apply(emu, admin, op, pool)
            _check(emu, admin)
        finally:
            emu.close()
