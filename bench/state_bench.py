"""`python -m bench.state_bench [--runs N]`: reset and snapshot restore over HTTP at the default fixtures.

A real `aip-emulator serve` on a fresh copy of the default data; each round writes an asset, then times
`POST /_emulator/reset`, saves a snapshot, writes again and times `POST /_emulator/snapshots/{name}/restore`.
Prints p50/p95 against the 50 ms target and writes bench/results/state.json. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from typing import Any

import httpx

from bench.search_bench import AUTH, HEALTH
from bench.serving import CACHE, ROOT, _get_ok, serve
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings, default_fixtures

RESULTS = ROOT / "results" / "state.json"
TARGET_MS = 50.0
NEW = {"formId": 9, "name": "State Bench Laptop", "attributes": {"Vendor": "HP"}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.state_bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed resets and restores")
    args = parser.parse_args(argv)
    data_dir = CACHE / "state-default"
    shutil.rmtree(data_dir, ignore_errors=True)
    emulator = Emulator(Settings(data_dir=data_dir, fixtures=default_fixtures()))
    emulator.start()
    emulator.close()
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    with serve(command, "state", _get_ok(HEALTH)) as url, httpx.Client(base_url=url, auth=AUTH) as client:
        report = _measure(client, args.runs)
    print(f"\n== reset and restore, default fixtures, {args.runs} runs ==")
    for kind, row in report.items():
        verdict = "PASS" if row["p50Ms"] <= TARGET_MS else "MISS"
        print(f"{kind:<8} p50 {row['p50Ms']:>7} ms  p95 {row['p95Ms']:>7} ms  (<= {TARGET_MS:.0f} ms) {verdict}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"written to {RESULTS}")
    return 0


def _measure(client: httpx.Client, runs: int) -> dict[str, Any]:
    timings: dict[str, list[float]] = {"reset": [], "restore": []}
    client.post("/_emulator/snapshots", json={"name": "bench"}).raise_for_status()
    for _ in range(runs):
        client.post("/rest/jip-api/1.0/inventory.json", json=NEW).raise_for_status()
        timings["reset"].append(_timed(lambda: client.post("/_emulator/reset")))
        client.post("/rest/jip-api/1.0/inventory.json", json=NEW).raise_for_status()
        timings["restore"].append(_timed(lambda: client.post("/_emulator/snapshots/bench/restore")))
    return {kind: _summary(values) for kind, values in timings.items()}


def _timed(send: Any) -> float:
    started = time.perf_counter()
    send().raise_for_status()
    return (time.perf_counter() - started) * 1000


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"n": len(values), "p50Ms": round(statistics.median(ordered), 2), "p95Ms": round(p95, 2)}


if __name__ == "__main__":
    raise SystemExit(main())
