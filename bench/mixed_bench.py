"""`python -m bench.mixed_bench [--size 10000] [--seconds 8]`: searches under concurrent writes (issue 9).

A real `aip-emulator serve` over the default fixtures and over a copy of the generated dataset, all over loopback
HTTP with keep-alive clients. For each: search-only throughput of 4 searcher threads (pages of 5-50 assets), then
the same searches with 4 and with 8 writer threads beside them (creates, updates, deletes of their own assets),
as ratios; at the large size also a 4-client mix with 20 % writes against the search-only figure. Then write
p50/p95 (create, update, delete, one client), the test cycle (reset, create, search, update, search, delete, one
client) at the default fixtures, and crash recovery: 1,000 unflushed changes, `kill -9`, the time from the new
process's start to its first search answer. Prints everything and writes bench/results/mixed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench.mixed_load import Run, Traffic, percentiles, searches_for
from bench.search_bench import AUTH, HEALTH, SEARCH, dataset
from bench.serving import CACHE, ROOT, _get_ok, serve
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings, default_fixtures
from emulator.testing import free_port

RESULTS = ROOT / "results" / "mixed.json"
INVENTORY = "/rest/jip-api/1.0/inventory"
SEARCHERS = 4
NEVER_FLUSH = {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "3600000", "AIP_EMULATOR_FLUSH_BATCH": "1000000"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed_bench", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the large dataset")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each throughput phase")
    parser.add_argument("--writes", type=int, default=100, help="creates (then updates, deletes) per latency run")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"loadAverageBefore": os.getloadavg()}
    default_dir = _default_data()
    large_dir, _timings = dataset(args.size, 0, reuse=True)
    report["default"] = _size(default_dir, "default", args.seconds, args.writes, mix=False)
    report["default"]["cycle"] = _cycle_report(default_dir)
    report["large"] = _size(large_dir, f"{args.size}", args.seconds, args.writes, mix=True)
    report["large"]["recovery"] = _recovery(large_dir, 1000)
    report["loadAverageAfter"] = os.getloadavg()
    _print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 0


def _default_data() -> Path:
    data_dir = CACHE / "mixed-default-source"
    if not (data_dir / "index").is_dir():
        emulator = Emulator(Settings(data_dir=data_dir, fixtures=default_fixtures()))
        emulator.start()
        emulator.close()
    return data_dir


def _copy(source: Path, name: str) -> Path:
    target = CACHE / f"mixed-{name}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def _size(source: Path, name: str, seconds: float, writes: int, mix: bool) -> dict[str, Any]:
    data_dir = _copy(source, name)
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    out: dict[str, Any] = {}
    with serve(command, f"mixed-{name}", _get_ok(HEALTH)) as url:
        bodies = searches_for(url)
        Traffic(url, bodies, SEARCHERS, 0).run(1.0)  # warm-up
        for writers in (0, 4, 8):
            out[f"writers{writers}"] = Traffic(url, bodies, SEARCHERS, writers).run(seconds).summary()
        if mix:
            out["mix20"] = Traffic(url, bodies, 4, 0, write_share=0.2).run(seconds).summary()
        out["writes"] = _write_latency(url, writes)
        with httpx.Client(base_url=url, trust_env=False) as probe:
            out["healthAfter"] = probe.get(HEALTH).json()
    return out


def _write_latency(url: str, count: int) -> dict[str, Any]:
    """Sequential creates, then updates, then deletes of as many assets, one keep-alive client."""
    times: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30) as client:
        own: list[int] = []
        run = Run(times, own)
        for n in range(count):
            run.timed("create", partial(client.post, f"{INVENTORY}.json", json=_laptop(f"Latency {n}")))
        for asset_id in list(own):
            change = {"name": f"Latency renamed {asset_id}", "attributes": {"RAM (GB)": 64}}
            run.timed("update", partial(client.put, f"{INVENTORY}/{asset_id}.json", json=change))
        for asset_id in list(own):
            run.timed("delete", partial(client.delete, f"{INVENTORY}/{asset_id}.json"))
    return {kind: percentiles(values) for kind, values in times.items()}


def _laptop(name: str) -> dict[str, Any]:
    return {"formId": 9, "name": name, "attributes": {"Vendor": "Dell", "RAM (GB)": 16}}


def _cycle_report(source: Path, cycles: int = 60) -> dict[str, Any]:
    """One test's cycle at the default fixtures: reset, create, search, update, search, delete (one client)."""
    data_dir = _copy(source, "cycle")
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    steps: dict[str, list[float]] = {}
    totals: list[float] = []
    with (
        serve(command, "mixed-cycle", _get_ok(HEALTH)) as url,
        httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30) as client,
    ):
        for n in range(cycles + 5):
            timings = _cycle(client, n)
            if n >= 5:  # the first few warm the caches
                totals.append(sum(timings.values()))
                for step, elapsed in timings.items():
                    steps.setdefault(step, []).append(elapsed)
    return {"total": percentiles(totals), **{step: percentiles(values) for step, values in steps.items()}}


def _cycle(client: httpx.Client, n: int) -> dict[str, float]:
    timings: dict[str, float] = {}

    def step(name: str, send: Callable[[], httpx.Response]) -> httpx.Response:
        started = time.perf_counter()
        response = send()
        timings[name] = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return response

    name = {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": f"cycle{n}"}]}
    step("reset", lambda: client.post("/_emulator/reset"))
    created = step("create", lambda: client.post(f"{INVENTORY}.json", json=_laptop(f"cycle{n}"))).json()
    asset_id = created["data"]["id"]
    step("search 1", lambda: client.post(SEARCH, json=name))
    step("update", lambda: client.put(f"{INVENTORY}/{asset_id}.json", json={"attributes": {"RAM (GB)": 32}}))
    step("search 2", lambda: client.post(SEARCH, json=name))
    step("delete", lambda: client.delete(f"{INVENTORY}/{asset_id}.json"))
    return timings


def _recovery(source: Path, changes: int) -> dict[str, Any]:
    """`changes` writes that never reach Whoosh, kill -9, restart: seconds to the first search answer."""
    data_dir = _copy(source, "recovery")
    port = free_port()
    command = [sys.executable, "-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}, **NEVER_FLUSH}
    url = f"http://127.0.0.1:{port}"
    with subprocess.Popen(
        command, cwd=ROOT.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as first:
        _wait(url, first)
        _distinct_changes(url, changes)
        with httpx.Client(base_url=url, trust_env=False) as probe:
            pending = probe.get(HEALTH).json().get("pendingChanges")
        first.kill()
        first.wait()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}
    started = time.perf_counter()
    with subprocess.Popen(
        command, cwd=ROOT.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as second:
        try:
            _wait(url, second, search=True)
            first_answer = time.perf_counter() - started
            with httpx.Client(base_url=url, trust_env=False) as probe:
                health = probe.get(HEALTH).json()
        finally:
            second.terminate()
            second.wait(timeout=30)
    return {"pendingAtKill": pending, "firstAnswerS": round(first_answer, 2), "healthAfter": health}


def _distinct_changes(url: str, count: int) -> None:
    """`count` changes of as many assets: updates of existing ones (ids from 1), the rest creates."""
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=60) as client:
        for n in range(count):
            if n < count // 2:
                updated = client.put(f"{INVENTORY}/{n + 1}.json", json={"name": f"Recovery {n + 1}"})
                if updated.status_code == 200:
                    continue
            client.post(f"{INVENTORY}.json", json=_laptop(f"Recovery new {n}")).raise_for_status()


def _wait(url: str, process: subprocess.Popen[bytes], search: bool = False) -> None:
    body = {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": "w*"}]}
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30) as probe:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                answer = probe.post(SEARCH, json=body) if search else probe.get(HEALTH)
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.005)


def _print(report: dict[str, Any]) -> None:
    print(f"\n== searches under writes (load average before {_load(report['loadAverageBefore'])}) ==")
    for size in ("default", "large"):
        rows = report[size]
        alone = rows["writers0"]["searchesPerS"] or 1.0
        print(f"-- {size}: {SEARCHERS} searchers --")
        for writers in (0, 4, 8):
            row = rows[f"writers{writers}"]
            print(
                f"  {writers} writers: {row['searchesPerS']:7.1f} searches/s ({row['searchesPerS'] / alone:5.0%}),"
                f" {row['writesPerS']:6.1f} writes/s, search p50 {row['searchP50Ms']} ms, p95 {row['searchP95Ms']} ms,"
                f" write p50 {row['writeP50Ms']} ms, errors {row['errors']}"
            )
        if "mix20" in rows:
            mix = rows["mix20"]
            total = mix["searchesPerS"] + mix["writesPerS"]
            print(
                f"  4 clients, 20 % writes: {total:.1f} req/s in all ({total / alone:.0%} of search-only),"
                f" search p50 {mix['searchP50Ms']} ms, write p50 {mix['writeP50Ms']} ms, errors {mix['errors']}"
            )
        for kind, row in rows["writes"].items():
            print(f"  {kind:<7} p50 {row['p50Ms']:7.2f} ms  p95 {row['p95Ms']:7.2f} ms  (one client)")
        print(f"  health after: {rows['healthAfter']}")
    cycle = report["default"]["cycle"]
    steps = ", ".join(f"{step} {row['p50Ms']:.1f}" for step, row in cycle.items() if step != "total")
    print(f"-- test cycle at the default fixtures: p50 {cycle['total']['p50Ms']:.1f} ms ({steps})")
    recovery = report["large"]["recovery"]
    print(
        f"-- crash recovery at the large size: {recovery['pendingAtKill']} changes waiting at kill -9,"
        f" first search answer {recovery['firstAnswerS']} s after the restart began; {recovery['healthAfter']}"
    )
    print(f"load average after: {_load(report['loadAverageAfter'])} (2 shared cores: other work moves these)")


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    raise SystemExit(main())
