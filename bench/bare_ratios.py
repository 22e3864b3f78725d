"""Each call's p50 over loopback HTTP beside a bare FastAPI app's call p50, in one run (issue 23).

The emulator (default fixtures) and `bench.bare_app` (answering the emulator's own answer to the seed search) are
both served by uvicorn in threads of this process; one keep-alive client each; the calls take turns round by round
so that noise falls on all of them alike. Measured: the bare call, the seed search, steady create / update / delete,
reset, and a test's cycle (reset, create, search, update, search, delete) with its steps.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.bare_app import SEARCH_PATH
from bench.bare_app import create_app as bare_app
from bench.queries import seed_request
from emulator.testing_server import LiveServer

AUTH = ("admin", "admin")
INVENTORY = "/rest/jip-api/1.0/inventory"
WARM_UP = 5
Times = dict[str, list[float]]


def _timed(times: Times, name: str, send: Callable[[], httpx.Response]) -> httpx.Response:
    started = time.perf_counter()
    response = send()
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    times.setdefault(name, []).append(elapsed)
    return response


def _laptop(name: str) -> dict[str, Any]:
    return {"formId": 9, "name": name, "attributes": {"Vendor": "Dell", "RAM (GB)": 16}}


def _steady(emu: httpx.Client, bare: httpx.Client, seed: dict[str, Any], times: Times, n: int) -> None:
    """One round of the steady calls: the bare call, the seed search, create, update, delete, reset."""
    _timed(times, "bare call", lambda: bare.post(SEARCH_PATH, json=seed))
    _timed(times, "seed search", lambda: emu.post(SEARCH_PATH, json=seed))
    created = _timed(times, "create", lambda: emu.post(f"{INVENTORY}.json", json=_laptop(f"steady{n}")))
    asset = f"{INVENTORY}/{created.json()['data']['id']}.json"
    _timed(times, "update", lambda: emu.put(asset, json={"name": f"steady{n}b", "attributes": {"RAM (GB)": 32}}))
    _timed(times, "delete", lambda: emu.delete(asset))
    _timed(times, "reset", lambda: emu.post("/_emulator/reset"))


def _cycle(emu: httpx.Client, times: Times, n: int) -> None:
    """A test's cycle, each step timed as `cycle: <step>`, the whole as `cycle`."""
    name = {"queryIndexSearchParams": [{"field": "asset.name", "fieldType": "STRING", "keyword": f"cycle{n}"}]}
    started = time.perf_counter()
    _timed(times, "cycle: reset", lambda: emu.post("/_emulator/reset"))
    created = _timed(times, "cycle: create", lambda: emu.post(f"{INVENTORY}.json", json=_laptop(f"cycle{n}")))
    asset = f"{INVENTORY}/{created.json()['data']['id']}.json"
    _timed(times, "cycle: search 1", lambda: emu.post(SEARCH_PATH, json=name))
    _timed(times, "cycle: update", lambda: emu.put(asset, json={"attributes": {"RAM (GB)": 32}}))
    _timed(times, "cycle: search 2", lambda: emu.post(SEARCH_PATH, json=name))
    _timed(times, "cycle: delete", lambda: emu.delete(asset))
    times.setdefault("cycle", []).append((time.perf_counter() - started) * 1000)


def measure(emulator_url: str, rounds: int) -> dict[str, float]:
    """p50 ms of each call, the emulator's beside the bare app's call (served here, in a thread)."""
    seed = seed_request(generated=False)
    with httpx.Client(base_url=emulator_url, auth=AUTH, trust_env=False, timeout=30) as emu:
        answer = emu.post(SEARCH_PATH, json=seed).raise_for_status().json()
        with LiveServer(bare_app(answer)) as server, httpx.Client(base_url=server.url, trust_env=False) as bare:
            times: Times = {}
            for n in range(rounds + WARM_UP):
                round_times: Times = {}
                _steady(emu, bare, seed, round_times, n)
                _cycle(emu, round_times, n)
                if n >= WARM_UP:
                    for name, values in round_times.items():
                        times.setdefault(name, []).extend(values)
    return {name: statistics.median(values) for name, values in times.items()}


def report(medians: dict[str, float], load: str) -> None:
    """Print each p50 and its ratio to the bare call."""
    bare = medians["bare call"]
    print(f"-- each call over HTTP beside a bare FastAPI call (p50 ms, x the bare call); load average {load}")
    for name, value in medians.items():
        print(f"   {name:<16} {value:8.2f} ms   {value / bare:6.1f} x")
