"""`python -m bench.search_bench [--sizes 1000 10000] [--with-100k] [--requests N]`: the search benchmark.

Per size: generate (and cache) a dataset, time seeding and the index build, serve it with uvicorn in a subprocess and
measure p50/p95 of each query kind over HTTP, then the seed query's throughput next to a bare FastAPI app answering
a body of the same size. Finally the cold start of `aip-emulator serve` on the default fixtures. Prints tables and a
PASS/MISS summary against the targets (at 10k assets) and writes bench/results/latest.json. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.queries import Body, body, param, query_kinds, seed_request
from bench.search_report import growth, print_size, summarise
from bench.serving import CACHE, ROOT, Ready, _get_ok, serve
from emulator.runtime.emulator import Emulator
from emulator.seeding import generate as generator
from emulator.seeding.generate import generate
from emulator.settings import Settings, default_fixtures
from emulator.util.progress import Progress

RESULTS = ROOT / "results" / "latest.json"
SEARCH = "/rest/jip-api/1.0/index/query.json"
HEALTH = "/_emulator/health"
AUTH = ("admin", "admin")
WARMUP, KIND_BUDGET_S, THROUGHPUT_S, COLD_RUNS = 5, 45.0, 5.0, 3
READY_TIMEOUT_S = 1800.0  # a server seeding 100k assets itself


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="dataset sizes (assets)")
    parser.add_argument("--with-100k", action="store_true", help="also run 100,000 assets (slow: many minutes)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query kind")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed")
    parser.add_argument("--reuse-data", action="store_true", help="reuse a built data dir (no build timing)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes) | ({100_000} if args.with_100k else set()))
    logging.basicConfig(level=logging.WARNING)
    report: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "python": sys.version}
    report["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform()}
    report["sizes"] = {str(size): bench_size(size, args.seed, args.requests, args.reuse_data) for size in sizes}
    report["coldStart"] = cold_start()
    report["growth"] = growth(report)
    report["summary"] = summarise(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {RESULTS}")
    return 0


# -- one dataset size --------------------------------------------------------------------------------
def dataset(size: int, seed: int, reuse: bool) -> tuple[Path, dict[str, Any]]:
    """The cached data dir of a generated dataset (generated, seeded and indexed unless reused); build timings."""
    version = hashlib.sha256(Path(generator.__file__).read_bytes()).hexdigest()[:8]  # a changed generator: regenerate
    fixtures = CACHE / f"fixtures-{size}-s{seed}-{version}"
    if not (fixtures / ".complete").exists():
        generate(fixtures, size, seed=seed, progress=Progress(show=True))
        (fixtures / ".complete").touch()
    data_dir = CACHE / f"data-{size}-s{seed}-{version}"
    timings: dict[str, Any] = {}
    if not (reuse and (data_dir / "index").is_dir()):
        shutil.rmtree(data_dir, ignore_errors=True)
        timings = build(Settings(data_dir=data_dir, fixtures=fixtures))
    return data_dir, timings


def bench_size(size: int, seed: int, requests: int, reuse: bool) -> dict[str, Any]:
    """Serve one dataset size and measure it; print its table.

    Unless the data dir is reused, the serving process seeds and indexes it itself, as `aip-emulator serve` does
    for a user with these fixtures: the time to the first health answer holding every asset, its steps (from the
    server's log) and the memory that process keeps are what a user sees."""
    fixtures, generate_s = fixture_dir(size, seed)
    data_dir = CACHE / f"data-{size}-s{seed}-{fixtures.name.rsplit('-', 1)[1]}-served"
    fresh = not (reuse and (data_dir / "index").is_dir())
    if fresh:
        shutil.rmtree(data_dir, ignore_errors=True)
    out: dict[str, Any] = {"assets": size}
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--fixtures", str(fixtures)]
    started, servers = time.perf_counter(), list[subprocess.Popen[bytes]]()
    with serve(command, f"emulator-{size}", _holds(size), READY_TIMEOUT_S, servers) as url, _client(url) as client:
        if fresh:
            out |= {"generateS": generate_s, "readyS": round(time.perf_counter() - started, 2)}
            out["steps"] = _steps(CACHE / "logs" / f"emulator-{size}.log")
        out["indexBytes"] = _bytes(data_dir / "index")
        out["databaseBytes"] = _database_bytes(data_dir / "emulator.db")
        for _ in range(WARMUP):
            _post(client, body(param("asset.name", "STRING", keyword="warm-up")))
        kinds = query_kinds(lambda request: _post(client, request), size)
        out["queries"] = {kind: measure(client, variants, requests) for kind, variants in kinds}
        out["throughput"] = throughput(client, seed_request(generated=True))
        out["rssMb"], out["peakRssMb"] = _memory(servers[0].pid)
    out["loadAverage"] = os.getloadavg()  # other work on the machine skews every number: check this first
    print_size(out)
    return out


def fixture_dir(size: int, seed: int) -> tuple[Path, float]:
    """The cached generated fixtures of one size, and the seconds generating them took (made again when an older
    run did not record that: the same seed writes the same files)."""
    version = hashlib.sha256(Path(generator.__file__).read_bytes()).hexdigest()[:8]  # a changed generator: regenerate
    fixtures = CACHE / f"fixtures-{size}-s{seed}-{version}"
    done = fixtures / ".complete"
    if not done.exists() or not done.read_text().strip():
        started = time.perf_counter()
        generate(fixtures, size, seed=seed, progress=Progress(show=True))
        done.write_text(f"{time.perf_counter() - started:.2f}\n")
    return fixtures, float(done.read_text())


def _database_bytes(path: Path) -> int:
    """The database file's size once its write-ahead log is checkpointed into it (SQLite allows that beside the
    server's connections): what the data takes, counted once."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def _holds(size: int) -> Ready:
    """Ready once health answers 200 with every asset in the database and in the index."""

    def ready(probe: httpx.Client) -> bool:
        answer = probe.get(HEALTH)
        if answer.status_code != 200:
            return False
        health = answer.json()
        return bool(health["assets"] == health["indexedAssets"] == size)

    return ready


_STEP_LINE = re.compile(r"([a-z][a-z ]+): done in ([0-9.]+) s")


def _steps(log: Path) -> dict[str, float]:
    """The long steps the server logged while it started (loading, writing the database, indexing, writing)."""
    return {name: float(seconds) for name, seconds in _STEP_LINE.findall(log.read_text(errors="replace"))}


def _memory(pid: int) -> tuple[float, float]:
    """The resident memory of a process now and at its peak, in MB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return round(int(found["VmRSS"]) / 1024, 1), round(int(found["VmHWM"]) / 1024, 1)


def build(settings: Settings) -> dict[str, float]:
    """Seed an empty data dir and build its index; the emulator's log lines split the phases."""
    marks: dict[str, float] = {}

    class Marks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            marks.setdefault(str(record.msg).split()[0], time.perf_counter())

    logger, handler = logging.getLogger("aip_emulator"), Marks()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    started = time.perf_counter()
    try:
        emulator = Emulator(settings)
        emulator.start(Progress(show=True))
        emulator.close()
    finally:
        logger.removeHandler(handler)
    total = time.perf_counter() - started
    seeded = marks.get("seeded", started) - started
    return {"seedS": round(seeded, 2), "indexBuildS": round(total - seeded, 2), "startTotalS": round(total, 2)}


def _bytes(path: Path) -> int:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files)


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, auth=AUTH, timeout=60.0, trust_env=False)


def _post(client: httpx.Client, request: Body) -> dict[str, Any]:
    data: dict[str, Any] = client.post(SEARCH, json=request).raise_for_status().json()
    return data


def _sender(client: httpx.Client, request: Body) -> Callable[[], httpx.Response]:
    """A call posting `request` (encoded once) and failing on any error status."""
    payload, headers = json.dumps(request).encode(), {"Content-Type": "application/json"}
    return lambda: client.post(SEARCH, content=payload, headers=headers).raise_for_status()


def _timed(send: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = send()
    return (time.perf_counter() - started) * 1000, response


def measure(client: httpx.Client, variants: list[Body], requests: int) -> dict[str, Any]:
    """Each variant once (leaf caches cold), then up to `requests` calls cycling through them (at most
    `KIND_BUDGET_S`): p50 of the first pass, p50/p95 of the repeats, and the hits of every variant."""
    senders = [_sender(client, variant) for variant in variants]
    first, hits = [], []
    for send in senders:
        elapsed, response = _timed(send)
        first.append(elapsed)
        hits.append(response.json()["queryPagingInfo"]["totalRecords"])
    times: list[float] = []
    deadline = time.monotonic() + KIND_BUDGET_S
    while len(times) < requests and time.monotonic() < deadline:
        times.append(_timed(senders[len(times) % len(senders)])[0])
    ordered = sorted(times)
    p50, p95 = (round(ordered[round(q * (len(ordered) - 1))], 2) for q in (0.5, 0.95))
    first_p50 = round(statistics.median(first), 2)
    return {
        "hits": hits,
        "variants": len(variants),
        "firstP50Ms": first_p50,
        "n": len(times),
        "p50Ms": p50,
        "p95Ms": p95,
    }


def throughput(client: httpx.Client, request: Body) -> dict[str, Any]:
    """Requests/s of `request` on the emulator, then on a bare FastAPI app answering a body of the same size."""
    body_file = CACHE / "bare-body.json"
    body_file.write_bytes(client.post(SEARCH, json=request).raise_for_status().content)
    out = {"bodyBytes": body_file.stat().st_size, "emulatorRps": round(_rate(client, request), 1)}
    command = ["-m", "bench.bare_app", "--body", str(body_file)]
    with serve(command, "bare", _get_ok("/health")) as url, _client(url) as bare:
        out["bareBodyBytes"] = len(bare.post(SEARCH, json=request).raise_for_status().content)
        out["bareRps"] = round(_rate(bare, request), 1)
    return out | {"ratio": round(out["emulatorRps"] / out["bareRps"], 3)}


def _rate(client: httpx.Client, request: Body) -> float:
    """Sequential keep-alive requests per second over `THROUGHPUT_S`."""
    send = _sender(client, request)
    for _ in range(WARMUP):
        send()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < THROUGHPUT_S and count < 1_000_000:
        send()
        count += 1
    return count / elapsed


# -- subprocesses --------------------------------------------------------------------------------
def cold_start() -> dict[str, Any]:
    """Seconds from spawning `aip-emulator serve` on seeded default data to the first search answer (median)."""
    template = CACHE / "default-data"
    shutil.rmtree(template, ignore_errors=True)
    emulator = Emulator(Settings(data_dir=template, fixtures=default_fixtures()))
    emulator.start()
    emulator.close()
    body = seed_request(generated=False)
    runs: list[float] = []
    for run in range(COLD_RUNS):
        data_dir = CACHE / f"cold-{run}"
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(template, data_dir)
        started = time.perf_counter()
        command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
        with serve(command, f"cold-{run}", lambda probe: probe.post(SEARCH, json=body, auth=AUTH).status_code == 200):
            runs.append(round(time.perf_counter() - started, 3))
    print(f"\ncold start to the first search answer (default fixtures), {COLD_RUNS} runs: {runs} s")
    return {"runsS": runs, "medianS": statistics.median(runs)}


if __name__ == "__main__":
    sys.exit(main())
