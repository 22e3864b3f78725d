"""`python -m bench.load [--size 10000] [--seconds 30] [--clients 4] [--max-requests N]`: a loopback load test.

On a copy of the search benchmark's cached generated dataset, a real `aip-emulator serve` takes requests from several
threads at once, each with its own keep-alive client, until the time or the request cap runs out: about 70% DC
searches of several kinds (wildcards, lists, ranges, Lucene, sorted and deep pages), 10% Cloud searches with a token
minted at `/_emulator/tokens`, and 20% writes (each thread creates, updates and deletes assets of its own). Errors are
answers >= 500 and transport failures; 4xx answers are counted apart (every request sent is valid, so both must be
0). Prints throughput and p50/p95/p99 per kind, writes bench/results/load.json and exits 1 on any error or 4xx.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.queries import Body, query_kinds
from bench.search_bench import AUTH, HEALTH, SEARCH, dataset
from bench.serving import CACHE, ROOT, _get_ok, serve

RESULTS = ROOT / "results" / "load.json"
INVENTORY = "/rest/jip-api/1.0/inventory"
CLOUD_SEARCH = "/api/v1/assets/search"
DC_KINDS = ("word wildcard", "list", "range", "date range", "genericKeyword", "sort by attribute", "deep page")
WRITE_SHARE, CLOUD_SHARE = 0.2, 0.1
OWN_ASSETS_MAX = 20  # a thread deletes before it creates more than this
Send = Callable[[httpx.Client], httpx.Response]


@dataclass
class Tally:
    """Latencies per kind and the failures of one thread (merged at the end)."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)

    def record(self, kind: str, elapsed_ms: float, response: httpx.Response | None, failure: str = "") -> None:
        self.times.setdefault(kind, []).append(elapsed_ms)
        if response is None:
            self.errors.append(f"{kind}: {failure}")
        elif response.status_code >= 500:
            self.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
        elif response.status_code >= 400:
            self.client_errors.append(f"{kind}: {response.status_code} {response.text[:200]}")


class Bearer(httpx.Auth):
    """A Cloud token in place of the client's Basic credentials."""

    def __init__(self, token: str) -> None:
        self.header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.header
        yield request


class Budget:
    """The shared request cap and deadline."""

    def __init__(self, seconds: float, max_requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self._left = max_requests
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or time.monotonic() >= self.deadline:
                return False
            self._left -= 1
            return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="assets in the dataset")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to send requests")
    parser.add_argument("--clients", type=int, default=4, help="threads, each with its own keep-alive client")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after this many requests")
    parser.add_argument("--seed", type=int, default=0, help="dataset and request-mix seed")
    args = parser.parse_args(argv)
    report = run_load(args.size, args.seconds, args.clients, args.max_requests, args.seed)
    print_report(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 1 if report["errors"] or report["clientErrors"] else 0


def run_load(size: int, seconds: float, clients: int, max_requests: int, seed: int = 0) -> dict[str, Any]:
    """Serve a copy of the dataset and load it; the report as a dict."""
    source, _timings = dataset(size, seed, reuse=True)
    data_dir = CACHE / f"load-{size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    command = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    with serve(command, f"load-{size}", _get_ok(HEALTH)) as url:
        with httpx.Client(base_url=url, auth=AUTH, timeout=60.0, trust_env=False) as setup:
            kinds = {k: v for k, v in query_kinds(lambda b: setup.post(SEARCH, json=b).json(), size) if k in DC_KINDS}
            minted = setup.post("/_emulator/tokens", json={"name": "load", "access": "WRITE", "neverExpire": True})
            token = minted.raise_for_status().json()["token"]
        budget, tallies = Budget(seconds, max_requests), [Tally() for _ in range(clients)]
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=_worker,
                args=(url, token, kinds, budget),
                kwargs={"tally": tally, "seed": seed * 1000 + n},
                daemon=True,
            )
            for n, tally in enumerate(tallies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed = time.perf_counter() - started
        with httpx.Client(base_url=url, trust_env=False) as probe:
            health = probe.get(HEALTH).json()
    return _report(size, clients, elapsed, tallies, health)


def _worker(url: str, token: str, kinds: dict[str, list[Body]], budget: Budget, *, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    own: list[int] = []
    bearer = Bearer(token)
    with httpx.Client(base_url=url, auth=AUTH, timeout=60.0, trust_env=False) as client:
        while budget.take():
            draw = rng.random()
            if draw < WRITE_SHARE:
                kind, send = _write(rng, own, seed)
            elif draw < WRITE_SHARE + CLOUD_SHARE:
                kind, send = "cloud search", _cloud(rng, bearer)
            else:
                kind = rng.choice(sorted(kinds))
                request = rng.choice(kinds[kind])
                send = _dc(request)
            _timed(client, kind, send, tally, own)


def _timed(client: httpx.Client, kind: str, send: Send, tally: Tally, own: list[int]) -> None:
    started = time.perf_counter()
    try:
        response = send(client)
    except httpx.TransportError as exc:
        tally.record(kind, (time.perf_counter() - started) * 1000, None, f"{type(exc).__name__}: {exc}")
        return
    tally.record(kind, (time.perf_counter() - started) * 1000, response)
    if kind == "create" and response.status_code == 200:
        own.append(int(response.json()["data"]["id"]))


def _dc(request: Body) -> Send:
    payload, headers = json.dumps(request).encode(), {"Content-Type": "application/json"}
    return lambda client: client.post(SEARCH, content=payload, headers=headers)


def _cloud(rng: random.Random, bearer: Bearer) -> Send:
    word = rng.choice(("lat?tude", "thinkp?d", "tomc?t", "kafk?", "*book", "dell", "lenovo"))
    filtered = {"filters": [{"field": "RAM (GB)", "operator": "GTE", "value": rng.choice((8, 16, 32))}]}
    request = rng.choice(({"query": word, "maxResult": 50}, {"collectionIds": [9], **filtered, "maxResult": 50}))
    return lambda client: client.post(CLOUD_SEARCH, json=request, auth=bearer)


def _write(rng: random.Random, own: list[int], seed: int) -> tuple[str, Send]:
    """Create while the thread has few assets of its own, else update or delete one of them."""
    choice = rng.random()
    if not own or (len(own) < OWN_ASSETS_MAX and choice < 0.4):
        name = f"Load {seed} {rng.randrange(10**9)}"
        attributes = {"Vendor": rng.choice(("Lenovo", "Dell")), "RAM (GB)": rng.choice((8, 16, 32))}
        return "create", lambda client: client.post(
            f"{INVENTORY}.json", json={"formId": 9, "name": name, "attributes": attributes}
        )
    if choice < 0.75:
        asset_id = rng.choice(own)
        change = {"name": f"Load {seed} renamed {rng.randrange(10**9)}", "attributes": {"RAM (GB)": 64}}
        return "update", lambda client: client.put(f"{INVENTORY}/{asset_id}.json", json=change)
    asset_id = own.pop(rng.randrange(len(own)))
    return "delete", lambda client: client.delete(f"{INVENTORY}/{asset_id}.json")


def _percentile(ordered: list[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


def _report(size: int, clients: int, elapsed: float, tallies: list[Tally], health: Any) -> dict[str, Any]:
    times: dict[str, list[float]] = {}
    for tally in tallies:
        for kind, values in tally.times.items():
            times.setdefault(kind, []).extend(values)
    kinds = {}
    for kind, values in sorted(times.items()):
        ordered = sorted(values)
        kinds[kind] = {"n": len(ordered), **{f"p{q}Ms": _percentile(ordered, q / 100) for q in (50, 95, 99)}}
    everything = sorted(v for values in times.values() for v in values)
    errors = [e for tally in tallies for e in tally.errors]
    client_errors = [e for tally in tallies for e in tally.client_errors]
    return {
        "assets": size,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(everything),
        "errors": len(errors),
        "clientErrors": len(client_errors),
        "firstErrors": (errors + client_errors)[:10],
        "throughputRps": round(len(everything) / elapsed, 1) if elapsed else 0.0,
        "p50Ms": _percentile(everything, 0.5) if everything else 0.0,
        "p99Ms": _percentile(everything, 0.99) if everything else 0.0,
        "kinds": kinds,
        "healthAfter": health,
    }


def print_report(report: dict[str, Any]) -> None:
    """The table: one line per kind, then the totals."""
    print(f"\n== load: {report['assets']:,} assets, {report['clients']} clients, {report['seconds']} s ==")
    print(f"{'kind':<20} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for kind, row in report["kinds"].items():
        print(f"{kind:<20} {row['n']:>6} {row['p50Ms']:>9} {row['p95Ms']:>9} {row['p99Ms']:>9}")
    print(
        f"{report['requests']} requests, {report['throughputRps']} req/s, p50 {report['p50Ms']} ms, "
        f"p99 {report['p99Ms']} ms; errors {report['errors']}, 4xx {report['clientErrors']}"
    )
    print(f"health after: {report['healthAfter']}")
    for line in report["firstErrors"]:
        print(f"  {line}")


if __name__ == "__main__":
    raise SystemExit(main())
