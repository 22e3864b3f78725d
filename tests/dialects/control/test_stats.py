"""`GET /_emulator/stats`: what each cache holds, and its caps."""

from __future__ import annotations

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH

CACHES = {
    *("postings", "columns", "ranks", "lexicons", "lexiconTexts", "positions"),
    *("assetViews", "wholeValues", "words", "patterns"),
}


def test_stats_list_every_cache_with_what_it_holds_and_its_caps(emulator_client: Client) -> None:
    assert emulator_client.post(SEARCH, json={}, auth=ADMIN).status_code == 200
    body = emulator_client.get("/_emulator/stats").json()
    assert set(body["caches"]) == CACHES
    assert body["caches"]["postings"]["maxEntries"] == 8192
    assert body["caches"]["positions"]["maxBytes"] == 32 << 20
    assert body["caches"]["assetViews"]["maxEntries"] == 20_000
    assert body["caches"]["assetViews"]["entries"] > 0
    assert {"entries", "hits", "misses"} <= set(body["caches"]["postings"])
    assert body["rssBytes"] is None or body["rssBytes"] > 0
