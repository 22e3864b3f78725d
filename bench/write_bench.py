"""`python -m bench.write_bench [--size 10000] [--writes 100]`: latency of DC asset writes over HTTP.

On a copy of the search benchmark's generated dataset (the cached one stays untouched), a real
`aip-emulator serve` takes N creates, then N updates of those assets, then N deletes; each is timed from request
to answer (the row committed and the index updated: the next search sees it). Prints p50/p95 per kind and the
writes per second of the whole sequence, and writes bench/results/writes.json. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from typing import Any

import httpx

from bench.search_bench import AUTH, HEALTH, dataset
from bench.serving import CACHE, ROOT, _get_ok, serve

INVENTORY = "/rest/jip-api/1.0/inventory"
RESULTS = ROOT / "results" / "writes.json"
TARGET_P50_MS = 50.0  # chosen: a test suite's write should not be felt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.write_bench", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the dataset")
    parser.add_argument("--writes", type=int, default=100, help="creates, then as many updates and deletes")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed")
    args = parser.parse_args(argv)
    source, _timings = dataset(args.size, args.seed, reuse=True)
    data_dir = CACHE / f"writes-{args.size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    with serve(command, f"writes-{args.size}", _get_ok(HEALTH)) as url, httpx.Client(base_url=url, auth=AUTH) as client:
        report = run(client, args.writes)
    report["assets"] = args.size
    _print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {RESULTS}")
    return 0


def run(client: httpx.Client, count: int) -> dict[str, Any]:
    """Create, update and delete `count` assets; latencies per kind and writes per second overall."""
    timings: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    created: list[int] = []
    started = time.perf_counter()
    for n in range(count):
        answer = _timed(timings["create"], lambda n=n: client.post(f"{INVENTORY}.json", json=_laptop(n)))
        created.append(answer["data"]["id"])
    for n, asset_id in enumerate(created):
        change = {"name": f"Bench Laptop {n} renamed", "attributes": {"RAM (GB)": 64, "Vendor": "Dell"}}
        _timed(timings["update"], lambda a=asset_id, c=change: client.put(f"{INVENTORY}/{a}.json", json=c))
    for asset_id in created:
        _timed(timings["delete"], lambda a=asset_id: client.delete(f"{INVENTORY}/{a}.json"))
    elapsed = time.perf_counter() - started
    kinds = {kind: _percentiles(values) for kind, values in timings.items()}
    return {"writes": 3 * count, "writesPerS": round(3 * count / elapsed, 1), "kinds": kinds}


def _laptop(n: int) -> dict[str, Any]:
    return {
        "formId": 9,
        "name": f"Bench Laptop {n}",
        "attributes": {"Model": "ThinkPad T14", "Vendor": "Lenovo", "RAM (GB)": 16, "Used By": "jdoe"},
    }


def _timed(into: list[float], send: Any) -> Any:
    started = time.perf_counter()
    response = send()
    into.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"write failed: {response.status_code} {response.text}")
    return response.json()


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"n": len(values), "p50Ms": round(statistics.median(ordered), 2), "p95Ms": round(p95, 2)}


def _print(report: dict[str, Any]) -> None:
    print(f"\n== DC writes at {report['assets']:,} assets ==")
    print(f"{'kind':<8} {'n':>5} {'p50 ms':>9} {'p95 ms':>9}  our target (chosen): p50 <= {TARGET_P50_MS:.0f} ms")
    for kind, row in report["kinds"].items():
        verdict = "PASS" if row["p50Ms"] <= TARGET_P50_MS else "MISS"
        print(f"{kind:<8} {row['n']:>5} {row['p50Ms']:>9} {row['p95Ms']:>9}  {verdict}")
    print(f"{report['writes']} writes, {report['writesPerS']} writes/s (sequential, one client)")


if __name__ == "__main__":
    raise SystemExit(main())
