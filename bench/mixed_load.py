"""Searcher and writer threads for `bench.mixed_bench`: keep-alive loopback clients, latencies and errors."""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx

from bench.search_bench import AUTH, SEARCH

INVENTORY = "/rest/jip-api/1.0/inventory"
OWN_ASSETS_MAX = 20
Body = dict[str, Any]


def searches_for(_url: str) -> list[Body]:
    """Searches that hit both the default fixtures and the generated data, pages of 5-50 assets."""
    name = [{"field": "asset.name", "fieldType": "STRING", "keyword": "l*"}]
    ram = [{"field": "RAM (GB)", "fieldType": "LONG", "range": True, "minNum": 8, "maxNum": 32}]
    return [
        {"queryIndexSearchParams": name, "pageSize": 5, "sortField": "asset.name"},
        {"genericKeyword": "Vendor:Dell OR Vendor:Lenovo", "pageSize": 20},
        {"queryIndexSearchParams": ram, "pageSize": 50, "sortField": "RAM (GB)", "sortType": "LONG"},
        {"pageSize": 10, "pageNumber": 3, "sortField": "asset.name"},
        {"genericKeyword": "laptop*", "pageSize": 25, "sortDirection": "desc", "sortField": "asset.name"},
    ]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50Ms": 0.0, "p95Ms": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"n": len(values), "p50Ms": round(statistics.median(ordered), 2), "p95Ms": round(p95, 2)}


@dataclass
class Run:
    """One thread's latencies by kind and the ids of the assets it created (and still owns)."""

    times: dict[str, list[float]]
    own: list[int]
    errors: list[str] = field(default_factory=list)

    def timed(self, kind: str, send: Callable[[], httpx.Response]) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = send()
        except httpx.TransportError as exc:
            self.errors.append(f"{kind}: {exc}")
            return None
        self.times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            self.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
            return None
        if kind == "create":
            self.own.append(int(response.json()["data"]["id"]))
        return response


def write_once(client: httpx.Client, run: Run, rng: random.Random, tag: int) -> None:
    """Create while the thread owns few assets, else update or delete one of them."""
    roll = rng.random()
    if not run.own or (len(run.own) < OWN_ASSETS_MAX and roll < 0.4):
        body = {"formId": 9, "name": f"w{tag} {rng.randrange(10**9)}", "attributes": {"RAM (GB)": 16}}
        run.timed("create", lambda: client.post(f"{INVENTORY}.json", json=body))
    elif roll < 0.75:
        asset_id = rng.choice(run.own)
        change = {"name": f"w{tag} renamed {rng.randrange(10**9)}", "attributes": {"RAM (GB)": rng.choice((8, 64))}}
        run.timed("update", lambda: client.put(f"{INVENTORY}/{asset_id}.json", json=change))
    else:
        asset_id = run.own.pop(rng.randrange(len(run.own)))
        run.timed("delete", lambda: client.delete(f"{INVENTORY}/{asset_id}.json"))


def writer_loop(url: str, tag: int, stop: threading.Event, limit: int | None = None, run: Run | None = None) -> Run:
    """Write until `stop` is set or `limit` writes were sent."""
    run = run or Run({}, [])
    rng = random.Random(tag)
    sent = 0
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=60) as client:
        while not stop.is_set() and (limit is None or sent < limit):
            write_once(client, run, rng, tag)
            sent += 1
    return run


def _check_page(body: Body, answer: dict[str, Any], run: Run) -> None:
    size, number = body.get("pageSize", 15), body.get("pageNumber", 1)
    total = answer["queryPagingInfo"]["totalRecords"]
    ids = [asset["id"] for asset in answer["assets"]]
    if len(ids) != max(0, min(size, total - (number - 1) * size)) or len(set(ids)) != len(ids):
        run.errors.append(f"inconsistent page: {len(ids)} of total {total}")


def searcher_loop(url: str, bodies: list[Body], stop: threading.Event, run: Run, *, tag: int, share: float) -> None:
    """Search (and with `write_share`, sometimes write) until `stop` is set."""
    rng = random.Random(1000 + tag)
    with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=60) as client:
        while not stop.is_set():
            if rng.random() < share:
                write_once(client, run, rng, 100 + tag)
                continue
            body = rng.choice(bodies)
            response = run.timed("search", partial(client.post, SEARCH, json=body))
            if response is not None:
                _check_page(body, response.json(), run)


@dataclass
class Traffic:
    """`searchers` search threads and `writers` writer threads for a while."""

    url: str
    bodies: list[Body]
    searchers: int
    writers: int
    write_share: float = 0.0
    runs: list[Run] = field(default_factory=list)
    elapsed: float = 0.0

    def run(self, seconds: float) -> Traffic:
        stop = threading.Event()
        self.runs = [Run({}, []) for _ in range(self.searchers + self.writers)]
        threads = [
            threading.Thread(
                target=searcher_loop,
                args=(self.url, self.bodies, stop, run),
                kwargs={"tag": n, "share": self.write_share},
            )
            for n, run in enumerate(self.runs[: self.searchers])
        ]
        threads += [
            threading.Thread(target=writer_loop, args=(self.url, n, stop), kwargs={"run": run})
            for n, run in enumerate(self.runs[self.searchers :])
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        self.elapsed = time.perf_counter() - started
        return self

    def summary(self) -> dict[str, Any]:
        searches = [t for run in self.runs for t in run.times.get("search", [])]
        writes = [t for run in self.runs for kind in ("create", "update", "delete") for t in run.times.get(kind, [])]
        search, write = percentiles(searches), percentiles(writes)
        errors = [e for run in self.runs for e in run.errors]
        return {
            "seconds": round(self.elapsed, 2),
            "searchesPerS": round(len(searches) / self.elapsed, 1),
            "writesPerS": round(len(writes) / self.elapsed, 1),
            "searchP50Ms": search["p50Ms"],
            "searchP95Ms": search["p95Ms"],
            "writeP50Ms": write["p50Ms"],
            "errors": len(errors),
            "firstErrors": errors[:5],
        }
