"""`python -m bench.cloud_bench [--size 10000] [--requests N]`: the Cloud API's search and get-by-key over HTTP.

On the search benchmark's cached generated dataset (copied, so the cache stays untouched) a real
`aip-emulator serve` gets a WRITE token from `/_emulator/tokens`, then each kind is sent as several variants:
the first pass over them (nothing cached) and up to N repeats, p50/p95 in ms. Writes bench/results/cloud.json.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.search_bench import HEALTH, dataset
from bench.serving import CACHE, ROOT, _get_ok, serve

RESULTS = ROOT / "results" / "cloud.json"
TARGET_MS = 50.0  # the bar for every query kind but the seed ones
Send = Callable[[httpx.Client], httpx.Response]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cloud_bench", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the dataset")
    parser.add_argument("--requests", type=int, default=200, help="timed repeats per kind")
    args = parser.parse_args(argv)
    source, _timings = dataset(args.size, 0, reuse=True)
    data_dir = CACHE / f"cloud-{args.size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    with serve(command, f"cloud-{args.size}", _get_ok(HEALTH)) as url, httpx.Client(base_url=url) as client:
        token = client.post("/_emulator/tokens", json={"name": "bench", "access": "WRITE", "neverExpire": True})
        client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        report = {kind: _measure(client, variants, args.requests) for kind, variants in _kinds().items()}
    print(f"\n== Cloud API at {args.size:,} assets ==")
    print(f"{'kind':<28} {'distinct p50':>12} {'p50 ms':>8} {'p95 ms':>8}   target p50 <= {TARGET_MS:.0f} ms")
    for kind, row in report.items():
        verdict = "PASS" if max(row["firstP50Ms"], row["p50Ms"]) <= TARGET_MS else "MISS"
        print(f"{kind:<28} {row['firstP50Ms']:>12} {row['p50Ms']:>8} {row['p95Ms']:>8}   {verdict}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"assets": args.size, "kinds": report}, indent=2))
    print(f"written to {RESULTS}")
    return 0


def _search(body: dict[str, Any]) -> Send:
    return lambda client: client.post("/api/v1/assets/search", json=body)


def _get(key: str) -> Send:
    return lambda client: client.get(f"/api/v1/assets/{key}")


def _kinds() -> dict[str, list[Send]]:
    words = ("lat?tude", "thinkp?d", "eliteb??k", "tomc?t", "kafk?", "jenk?ns", "*book", "*pad")
    return {
        "search: free text": [_search({"query": word, "maxResult": 50}) for word in words],
        "search: filters + sort": [
            _search(
                {
                    "collectionIds": [9],
                    "filters": [{"field": "RAM (GB)", "operator": "GTE", "value": ram}],
                    "sortParams": [{"field": "name", "order": "ASC"}],
                    "maxResult": 50,
                }
            )
            for ram in (8, 16, 24, 32, 48, 64)
        ],
        "search: IN + IS_NOT_EMPTY": [
            _search(
                {
                    "filters": [
                        {"field": "Vendor", "operator": "IN", "value": [vendor, "HP"]},
                        {"field": "Warranty Expiry", "operator": "IS_NOT_EMPTY"},
                    ]
                }
            )
            for vendor in ("Dell", "Lenovo", "Apple", "Canon", "Brother")
        ],
        "get by key": [_get(f"LAP-{n}") for n in range(1, 400, 13)],
    }


def _measure(client: httpx.Client, variants: list[Send], requests: int) -> dict[str, Any]:
    first = [_timed(client, send) for send in variants]
    repeats = [_timed(client, variants[n % len(variants)]) for n in range(requests)]
    ordered = sorted(repeats)
    return {
        "variants": len(variants),
        "firstP50Ms": round(statistics.median(first), 2),
        "n": len(repeats),
        "p50Ms": round(statistics.median(ordered), 2),
        "p95Ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
    }


def _timed(client: httpx.Client, send: Send) -> float:
    started = time.perf_counter()
    response = send(client)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
