"""`python -m bench.cpu_share [--size 10000] [--calls 2000]`: the server's CPU per call, and what it bounds (issue 23).

A real `aip-emulator serve` over a copy of the generated data set, one keep-alive client, calls one after another:
searches (the mixed bench's bodies), writes (its writer mix; the flush that follows them is counted with them) and,
for the floor, the same search body sent to a bare FastAPI app. The server's CPU is read from /proc (Linux), so the
figures are CPU per call, not wall time, and hold up on a machine that is not idle.

Closed-loop searchers and writers sharing the server's one interpreter get about the same number of answers each:
with as many writers as searchers, searches keep about S / (S + W) of their rate alone (S, W: the server's CPU per
search and per write). The script prints that share and the W a given share would need.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.mixed_load import Run, searches_for, write_once
from bench.search_bench import AUTH, HEALTH, SEARCH, dataset
from bench.serving import CACHE, _get_ok, serve

FLUSH_WAIT_S = 1.5  # after the writes: the default flush interval is 1 s, its work belongs to them


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu_share", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the generated data set")
    parser.add_argument("--calls", type=int, default=2000, help="calls of each kind per round (two rounds)")
    parser.add_argument("--share", type=float, default=0.75, help="the share of searches to compute W for")
    args = parser.parse_args(argv)
    if not Path("/proc/self/stat").is_file():
        raise SystemExit("bench.cpu_share reads a process's CPU from /proc: Linux only")
    source, _timings = dataset(args.size, 0, reuse=True)
    data_dir = CACHE / "cpu-share"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    bodies = searches_for("")
    started: list[subprocess.Popen[bytes]] = []
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    with serve(command, "cpu-share", _get_ok(HEALTH), started=started) as url:
        search, write = _emulator_rounds(url, started[-1].pid, bodies, args.calls)
    body = CACHE / "cpu-share-bare-body.json"
    body.write_text('{"data": {"id": 1, "name": "x"}}')
    with (
        serve(
            ["-m", "bench.bare_app", "--body", str(body)], "cpu-share-bare", _get_ok("/health"), started=started
        ) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=30) as client,
    ):
        bare = min(
            _cpu_per_call(started[-1].pid, args.calls, lambda n: client.post(SEARCH, json=bodies[0])) for _ in range(2)
        )
    _print(search, write, bare, args.share, args.size)
    return 0


def _emulator_rounds(url: str, pid: int, bodies: list[dict[str, object]], calls: int) -> tuple[float, float]:
    """The lowest of two rounds each: the server's CPU (ms) per search and per write."""
    searches, writes = [], []
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30) as client:
        for body in bodies * 20:  # warm
            client.post(SEARCH, json=body)
        for round_ in range(2):
            searches.append(_cpu_per_call(pid, calls, lambda n: client.post(SEARCH, json=bodies[n % len(bodies)])))
            run = Run({}, [])
            writes.append(_cpu_per_call(pid, calls, _writer(client, run, round_), settle=FLUSH_WAIT_S))
            if run.errors:
                raise RuntimeError(f"writes failed: {run.errors[:3]}")
    return min(searches), min(writes)


def _writer(client: httpx.Client, run: Run, seed: int) -> Callable[[int], object]:
    rng = random.Random(seed)
    return lambda _n: write_once(client, run, rng, 0)


def _cpu_per_call(pid: int, calls: int, call: Callable[[int], object], settle: float = 0.0) -> float:
    before = _cpu_s(pid)
    for n in range(calls):
        call(n)
    time.sleep(settle)
    return (_cpu_s(pid) - before) / calls * 1000


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _print(search: float, write: float, bare: float, share: float, size: int) -> None:
    print(f"-- the server's CPU per call at {size:,} assets (one client, calls one after another; load {_load()})")
    print(f"   search            {search:6.3f} ms")
    print(f"   write             {write:6.3f} ms  (the mixed bench's writer mix, the flush after it included)")
    print(f"   bare FastAPI call {bare:6.3f} ms  (the same search body, a fixed answer)")
    print(f"-- searches beside as many closed-loop writers keep about S/(S+W) = {search / (search + write):.0%}")
    needed = search * (1 - share) / share
    print(f"-- {share:.0%} would need W <= {needed:.3f} ms per write ({needed / bare:.2f} x a bare FastAPI call)")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
