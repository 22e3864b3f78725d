"""Resets, writes and flushes while other threads search: no search fails, every page is whole."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from emulator.core import writes
from emulator.core.asset_search import search_assets
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.search.tree import All, SortKey, SortKind
from emulator.settings import Settings
from emulator.testing import copy_data_dir

pytestmark = pytest.mark.slow  # many threads of load against one or more emulators

ROUNDS = 15
SORTS = [[], [SortKey("name", SortKind.TEXT)], [SortKey("a98", SortKind.NUMBER, descending=True)]]


def _search_until(emu: Emulator, done: threading.Event, failures: list[str]) -> None:
    admin = emu.catalog.users["admin"]
    count = 0
    while not done.is_set():
        try:
            page = search_assets(emu, admin, All(), SORTS[count % len(SORTS)], offset=5, limit=20)
            if len(page.assets) != min(20, page.total - 5):
                failures.append(f"{len(page.assets)} assets on a page of a total of {page.total}")
        except Exception as exc:
            failures.append(repr(exc))
        count += 1


def test_resets_and_flushes_under_concurrent_searches_fail_no_search(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    emu = Emulator(Settings(data_dir=data_dir, flush_interval_ms=2, flush_batch=1))
    emu.start()
    state.ensure_baseline(emu)
    done = threading.Event()
    failures: list[str] = []
    searchers = [threading.Thread(target=_search_until, args=(emu, done, failures)) for _ in range(3)]
    for thread in searchers:
        thread.start()
    try:
        admin = emu.catalog.users["admin"]
        for round_number in range(ROUNDS):
            for n in range(3):
                writes.create_asset(emu, admin, 9, f"Reset race {round_number} {n}", {"RAM (GB)": n})
            emu.index.flush()
            state.reset(emu)
    finally:
        done.set()
        for thread in searchers:
            thread.join()
        assets, indexed, _pending = state.counts(emu)
        emu.close()

    assert failures == []
    assert assets == indexed == 39
