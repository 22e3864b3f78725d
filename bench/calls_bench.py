"""`python -m bench.calls_bench [--cycles 60] [--health 300] [--profile]`: what a call costs through the plugin's
in-process client, beside the same call over real loopback HTTP (issue 29).

One process, one app over a fresh copy of the default fixtures, three clients of it:
- `in-process`: the plugin's `aip_client` (httpx's ASGI transport on one event loop kept for the session);
- `http`: an httpx client over loopback HTTP to the same app served by uvicorn in a thread of this process (the
  plugin's `aip_live_url`);
- `testclient`: what `aip_client` was before, Starlette's `TestClient` outside its context manager (a thread and an
  event loop per request).
Measured: a test's cycle (reset, create, search, update, search, delete) and health alone, the clients taking
turns round by round so that noise falls on all of them alike; medians and the ratio to HTTP. The target: the
in-process cycle at most 0.9 x the HTTP cycle. `--profile` prints where the in-process cycle's time goes.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench import bare_ratios
from emulator.app import create_app
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing_server import LiveServer, close_app
from emulator.testing_transport import AppLoop, in_process_client

AUTH = ("admin", "admin")
HEALTH = "/_emulator/health"
INVENTORY = "/rest/jip-api/1.0/inventory"
SEARCH = "/rest/jip-api/1.0/index/query.json"
TARGET_RATIO = 0.9
WARM_UP = 5
Client = httpx.Client | TestClient


def cycle(client: Client, n: int) -> None:
    """A test's cycle: reset, create, search, update, search, delete."""
    name = {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": f"cycle{n}"}]}
    client.post("/_emulator/reset").raise_for_status()
    created = client.post(f"{INVENTORY}.json", json={"formId": 9, "name": f"cycle{n}"}, auth=AUTH)
    asset_id = created.raise_for_status().json()["data"]["id"]
    assert len(client.post(SEARCH, json=name, auth=AUTH).json()["assets"]) == 1
    change = {"attributes": {"RAM (GB)": 32}}
    client.put(f"{INVENTORY}/{asset_id}.json", json=change, auth=AUTH).raise_for_status()
    assert len(client.post(SEARCH, json=name, auth=AUTH).json()["assets"]) == 1
    client.delete(f"{INVENTORY}/{asset_id}.json", auth=AUTH).raise_for_status()


def health(client: Client, _n: int) -> None:
    client.get(HEALTH).raise_for_status()


def timed_rounds(clients: dict[str, Client], work: Callable[[Client, int], None], rounds: int) -> dict[str, float]:
    """Median ms of `work` per client; the clients take turns, the first rounds warm up."""
    times: dict[str, list[float]] = {name: [] for name in clients}
    for n in range(rounds + WARM_UP):
        for name, client in clients.items():
            started = time.perf_counter()
            work(client, n)
            if n >= WARM_UP:
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


@contextmanager
def emulator_app() -> Iterator[FastAPI]:
    """An app over a fresh data directory seeded from the default fixtures."""
    data_dir = Path(tempfile.mkdtemp(prefix="aip-calls-"))
    try:
        seeded = Emulator(Settings(data_dir=data_dir))
        seeded.start()
        seeded.close()
        app = create_app(Settings(data_dir=data_dir))
        yield app
        close_app(app)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def clients(app: FastAPI, with_testclient: bool) -> Iterator[dict[str, Client]]:
    with ExitStack() as stack:
        loop = stack.enter_context(AppLoop())
        server = stack.enter_context(LiveServer(app))
        found: dict[str, Client] = {
            "in-process": stack.enter_context(in_process_client(app, loop)),
            "http": stack.enter_context(httpx.Client(base_url=server.url, trust_env=False, timeout=30)),
        }
        if with_testclient:
            found["testclient"] = TestClient(app)  # outside its context manager, as the plugin used it
        yield found


def report(title: str, medians: dict[str, float]) -> None:
    http = medians["http"]
    print(f"-- {title}: median ms, and the ratio to HTTP")
    for name, value in medians.items():
        print(f"   {name:<11} {value:8.2f} ms   {value / http:5.2f} x")


def profile(client: Client, cycles: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(cycles):
        cycle(client, n)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calls_bench", description=__doc__)
    parser.add_argument("--cycles", type=int, default=60, help="timed test cycles per client")
    parser.add_argument("--health", type=int, default=300, help="timed health calls per client")
    parser.add_argument("--no-testclient", action="store_true", help="leave out the old TestClient")
    parser.add_argument("--bare-rounds", type=int, default=40, help="timed rounds beside the bare app (0: none)")
    parser.add_argument("--profile", action="store_true", help="profile the in-process cycle afterwards")
    args = parser.parse_args(argv)
    print(f"load average before: {_load()}")
    with emulator_app() as app, clients(app, not args.no_testclient) as found:
        cycles = timed_rounds(found, cycle, args.cycles)
        healths = timed_rounds(found, health, args.health)
        print(f"load average after: {_load()}")
        report("a test's cycle (reset, create, search, update, search, delete)", cycles)
        report("health alone", healths)
        ratio = cycles["in-process"] / cycles["http"]
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(f"-- in-process cycle / HTTP cycle = {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})")
        if args.bare_rounds:
            medians = bare_ratios.measure(str(found["http"].base_url), args.bare_rounds)
            bare_ratios.report(medians, _load())
        if args.profile:
            profile(found["in-process"], args.cycles)
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
