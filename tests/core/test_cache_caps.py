"""Every cache the serving emulator keeps stays within its cap under a stream of distinct queries."""

from __future__ import annotations

from pathlib import Path

from emulator.core.asset_search import search_assets
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.search.tree import Match, Pattern, SortKey, SortKind
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from emulator.util.lru import Lru

POSTINGS_CAP, VIEWS_CAP = 25, 10


def test_capped_caches_stay_within_their_caps_under_500_distinct_wildcard_searches(
    seeded_template: Path, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=copy_data_dir(seeded_template, tmp_path / "data"),
        cache_postings=POSTINGS_CAP,
        cache_views=VIEWS_CAP,
        cache_columns_mb=0.002,
        cache_ranks_mb=0.002,
        cache_lexicons_mb=0.002,
    )
    emu = Emulator(settings)
    emu.start()
    try:
        admin = emu.catalog.users["admin"]
        sorts = [[SortKey("name", SortKind.TEXT)], [SortKey("a98", SortKind.NUMBER)], []]
        for n in range(500):
            query = Match("name", Pattern.parse(f"*{n % 10}{chr(97 + n // 10 % 26)}*{n}?"))
            search_assets(emu, admin, query, sorts[n % 3], offset=0, limit=20)
            search_assets(emu, admin, Match("name", Pattern.parse("*")), [], offset=n % 40, limit=5)
            caches = state.cache_stats(emu)
            assert caches["postings"]["entries"] <= POSTINGS_CAP
            assert caches["assetViews"]["entries"] <= VIEWS_CAP
            for name in ("columns", "ranks", "lexicons", "lexiconTexts"):  # one entry may exceed a cap alone
                assert caches[name]["approxBytes"] <= caches[name]["maxBytes"] or caches[name]["entries"] <= 1, name
        assert caches["postings"]["misses"] >= 500
        assert caches["postings"]["evictions"] > 0
        assert caches["lexiconTexts"]["misses"] > 0  # the leading wildcards scanned joined lexicons
        assert caches["assetViews"]["hits"] + caches["assetViews"]["misses"] > 0
    finally:
        emu.close()


def test_lru_evicts_the_least_recently_used_entry_first() -> None:
    cache: Lru[str] = Lru("test", max_entries=2)
    cache.put("a", "1")
    cache.put("b", "2")
    assert cache.get("a") == "1"  # b is now the least recently used
    cache.put("c", "3")
    assert cache.get("b") is None
    assert cache.get("a") == "1"
    assert cache.get("c") == "3"
    assert cache.stats() | {"approxBytes": 0} == {
        "entries": 2,
        "approxBytes": 0,
        "maxEntries": 2,
        "maxBytes": 0,
        "hits": 3,
        "misses": 1,
        "evictions": 1,
    }


def test_lru_caps_by_approximate_bytes() -> None:
    cache: Lru[bytes] = Lru("test", max_bytes=1000, sizer=len)
    for n in range(100):
        cache.put(n, b"x" * 300)
        assert cache.bytes <= 1000
    assert len(cache) == 3
