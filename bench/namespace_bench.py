"""`python -m bench.namespace_bench [--size 10000] [--seconds 10]`: what a namespace costs and whether they scale.

For the default fixtures and a generated 10k dataset, a real `aip-emulator serve` on a fresh copy of the data:
- creation: `POST /_emulator/namespaces` timed over HTTP, p50/p95 (each namespace then answers one search);
- memory: the server's resident set before and after, per namespace; and again after 100 writes into one;
- disk: bytes a namespace owns (files with no other link) and shares (hard links to the default baseline),
  unchanged and after 100 writes;
- throughput: one namespace with one keep-alive client, then 8 namespaces with one client each, in the same run,
  for `--seconds` each, twice: searches only, and mixed (4 searches and 1 create in every 5 requests). The ratio
  is 8-namespace over 1-namespace.
Writes bench/results/namespaces.json. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.search_bench import AUTH, HEALTH, dataset
from bench.serving import CACHE, ROOT
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings, default_fixtures
from emulator.testing_server import free_port
from emulator.util.files import disk_usage

RESULTS = ROOT / "results" / "namespaces.json"
SEARCH = "/rest/jip-api/1.0/index/query.json"
NAMESPACES = "/_emulator/namespaces"
CREATE_TARGET_MS = 20.0
QUERIES: list[dict[str, Any]] = [
    {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "lap*", "fieldType": "STRING"}]},
    {"queryIndexSearchParams": [{"field": "form.name", "keywords": ["Laptop"], "fieldType": "LIST"}], "pageSize": 50},
    {"genericKeyword": "asset.name:server* OR asset.name:printer*"},
    {"queryIndexSearchParams": [], "pageSize": 20, "sortField": "asset.name"},
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.namespace_bench", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the large baseline (0: skip it)")
    parser.add_argument("--creations", type=int, default=30, help="namespaces created and timed")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput phase")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    report["defaultFixtures"] = bench_data(_default_data(), args.creations, args.seconds)
    if args.size:
        source, _timings = dataset(args.size, 0, reuse=True)
        report[f"baseline{args.size}"] = bench_data(_copy(source, f"ns-{args.size}"), args.creations, args.seconds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {RESULTS}")
    return 0


def _default_data() -> Path:
    data_dir = CACHE / "ns-default"
    shutil.rmtree(data_dir, ignore_errors=True)
    emulator = Emulator(Settings(data_dir=data_dir, fixtures=default_fixtures()))
    emulator.start()
    emulator.close()
    return data_dir


def _copy(source: Path, name: str) -> Path:
    data_dir = CACHE / name
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    return data_dir


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[str, int]]:
    """A real `aip-emulator serve` over `data_dir` on a free port: its URL and process id."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}
    env["AIP_EMULATOR_MAX_NAMESPACES"] = "200"
    command = [sys.executable, "-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    (CACHE / "logs").mkdir(parents=True, exist_ok=True)
    log = (CACHE / "logs" / f"{data_dir.name}.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(url + HEALTH, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


def bench_data(data_dir: Path, creations: int, seconds: float) -> dict[str, Any]:
    """Every figure for one baseline; printed as it goes."""
    with serving(data_dir) as (url, pid), httpx.Client(base_url=url, auth=AUTH, timeout=120) as client:
        assets = client.get(HEALTH).json()["assets"]
        out: dict[str, Any] = {"assets": assets, "databaseBytes": (data_dir / "emulator.db").stat().st_size}
        out["creation"] = creation(client, pid, creations)
        out["disk"] = disk(client, data_dir, pid)
        out["throughput"] = throughput(url, seconds)
    out["loadAverage"] = [round(x, 2) for x in os.getloadavg()]
    _print(out)
    return out


def creation(client: httpx.Client, pid: int, count: int) -> dict[str, Any]:
    """Create `count` namespaces one after the other, each answering a search right after; resident memory."""
    before = _rss(pid)
    timings = []
    for n in range(count):
        started = time.perf_counter()
        client.post(NAMESPACES, json={"name": f"c{n}"}).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
        client.post(f"/_ns/c{n}{SEARCH}", json=QUERIES[0]).raise_for_status()
    per_namespace = (_rss(pid) - before) / count
    return {**_percentiles(timings), "rssPerNamespaceBytes": round(per_namespace)}


def disk(client: httpx.Client, data_dir: Path, pid: int) -> dict[str, Any]:
    """Owned and shared bytes of one namespace unchanged and after 100 writes; memory the writes added."""
    client.post(NAMESPACES, json={"name": "disk"}).raise_for_status()
    client.post(f"/_ns/disk{SEARCH}", json=QUERIES[0]).raise_for_status()
    unchanged = _usage(data_dir / "namespaces" / "disk")
    before = _rss(pid)
    for n in range(100):
        body = {"formId": 9, "name": f"Disk Laptop {n}", "attributes": {"Vendor": "HP", "RAM (GB)": 16}}
        client.post("/_ns/disk/rest/jip-api/1.0/inventory.json", json=body).raise_for_status()
    client.post(f"/_ns/disk{SEARCH}", json=QUERIES[0]).raise_for_status()
    return {"unchanged": unchanged, "after100Writes": _usage(data_dir / "namespaces" / "disk"),
            "rssAdded100WritesBytes": _rss(pid) - before}  # fmt: skip


def _usage(directory: Path) -> dict[str, int]:
    owned, shared = disk_usage(directory)
    return {"ownedBytes": owned, "sharedBytes": shared}


def throughput(url: str, seconds: float) -> dict[str, Any]:
    """Requests per second: one namespace with one client, then 8 namespaces with one client each."""
    out: dict[str, Any] = {}
    for workload, mixed in (("searches", False), ("mixed", True)):
        single = _load(url, [f"{workload}-single"], seconds, mixed)
        eight = _load(url, [f"{workload}{n}" for n in range(8)], seconds, mixed)
        ratio = round(eight / single, 2)
        out[workload] = {"oneNamespaceReqPerS": single, "eightNamespacesReqPerS": eight, "ratio": ratio}
    return out


def _load(url: str, names: list[str], seconds: float, mixed: bool) -> float:
    for name in names:  # created (and warmed) before the clock starts
        for query in QUERIES:
            httpx.post(f"{url}/_ns/{name}{SEARCH}", json=query, auth=AUTH, timeout=120).raise_for_status()
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        counts = list(pool.map(lambda name: _client_loop(f"{url}/_ns/{name}", deadline, mixed), names))
    return round(sum(counts) / seconds, 1)


def _client_loop(base: str, deadline: float, mixed: bool) -> int:
    done = 0
    with httpx.Client(base_url=base, auth=AUTH, timeout=120) as client:
        while time.monotonic() < deadline:
            if mixed and done % 5 == 4:
                body = {"formId": 9, "name": f"Load Laptop {done}", "attributes": {"Vendor": "HP"}}
                answer = client.post("/rest/jip-api/1.0/inventory.json", json=body)
            else:
                answer = client.post(SEARCH, json=QUERIES[done % 4])
            if answer.status_code >= 500:
                raise RuntimeError(f"{answer.status_code} from {base}: {answer.text[:200]}")
            done += 1
    return done


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"n": len(values), "p50Ms": round(statistics.median(ordered), 2), "p95Ms": round(p95, 2)}


def _print(out: dict[str, Any]) -> None:
    created, disk_, rate = out["creation"], out["disk"], out["throughput"]
    verdict = "PASS" if created["p50Ms"] <= CREATE_TARGET_MS else "MISS"
    print(f"\n== {out['assets']} assets (database {out['databaseBytes'] / 1e6:.1f} MB), load {out['loadAverage']} ==")
    print(f"creation      p50 {created['p50Ms']} ms  p95 {created['p95Ms']} ms  (<= {CREATE_TARGET_MS:.0f}) {verdict}")
    print(f"memory        {created['rssPerNamespaceBytes'] / 1e6:.1f} MB per namespace (resident, after a search)")
    print(f"              +{disk_['rssAdded100WritesBytes'] / 1e6:.1f} MB after 100 writes into one")
    for state_, usage in (("unchanged", disk_["unchanged"]), ("100 writes", disk_["after100Writes"])):
        print(f"disk {state_:<11} owned {usage['ownedBytes'] / 1e6:.2f} MB, shared {usage['sharedBytes'] / 1e6:.2f} MB")
    for workload, row in rate.items():
        one, eight, ratio = row["oneNamespaceReqPerS"], row["eightNamespacesReqPerS"], row["ratio"]
        print(f"{workload:<13} 1 namespace {one} req/s, 8 namespaces {eight} req/s: ratio {ratio} (>= 1.0 wanted)")


if __name__ == "__main__":
    raise SystemExit(main())
