"""After a kill and a restart: what the chaos driver's clients were told is still true, and index and database agree.

Every check returns a list of problems (empty: all well), each one line naming what disagreed.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx

from bench.chaos_model import GONE, UNKNOWN, Model

DC = "/rest/jip-api/1.0"
PAGE = 1000
LEFTOVERS = (".partial", ".replaced")


def rows(database: Path) -> dict[int, str]:
    """Every asset the database holds, id -> name (read-only, beside the running server)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return {int(i): str(n) for i, n in db.execute("SELECT id, name FROM assets")}


def search_all(http: httpx.Client, prefix: str, keyword: str | None = None) -> dict[int, str]:
    """Every asset a DC search returns (all of them, or those named by `keyword`), page by page."""
    found: dict[int, str] = {}
    params = [{"field": "asset.name", "fieldType": "STRING", "keyword": keyword}] if keyword else []
    for page in range(1, 1000):
        body = {"queryIndexSearchParams": params, "pageSize": PAGE, "pageNumber": page}
        response = http.post(f"{prefix}{DC}/index/query.json", json=body)
        if response.status_code != 200:
            raise AssertionError(f"search {body} answered {response.status_code}: {response.text[:300]}")
        assets = response.json()["assets"]
        found.update({int(a["id"]): str(a["name"]) for a in assets})
        if len(assets) < PAGE:
            break
    return found


def agreement(http: httpx.Client, data_dir: Path, prefix: str, words: list[str], rng: random.Random) -> list[str]:
    """Database and index of one namespace agree: health counts, a match-all search, keyword searches, a few GETs."""
    where = prefix or "default"
    database = rows(data_dir / "emulator.db")
    problems: list[str] = []
    health = http.get(f"{prefix}/_emulator/health").json()
    if (health.get("assets"), health.get("indexedAssets")) != (len(database), len(database)):
        problems.append(f"{where}: health {health} but the database holds {len(database)} assets")
    searched = search_all(http, prefix)
    if searched != database:
        problems.append(f"{where}: match-all search differs from the database: {_diff(searched, database)}")
    for word in words:
        expected = {i: n for i, n in database.items() if word in n.lower().split()}
        got = search_all(http, prefix, word)
        if got != expected:
            problems.append(f"{where}: search for {word!r} differs from the database: {_diff(got, expected)}")
    for asset_id in rng.sample(sorted(database), min(8, len(database))):
        response = http.get(f"{prefix}{DC}/inventory/{asset_id}.json")
        name = response.json()["data"]["name"] if response.status_code == 200 else None
        if name != database[asset_id]:
            problems.append(f"{where}: GET {asset_id} answered {response.status_code} {name!r}, database has it")
    return problems


def _diff(got: dict[int, str], expected: dict[int, str]) -> str:
    extra = {i: n for i, n in got.items() if expected.get(i) != n}
    missing = {i: n for i, n in expected.items() if got.get(i) != n}
    return f"{len(got)} vs {len(expected)}; only searched {dict(list(extra.items())[:5])}, " + (
        f"only in the database {dict(list(missing.items())[:5])}"
    )


def acknowledged(model: Model, database: dict[int, str]) -> tuple[list[str], int]:
    """Every acknowledged write of the last world is there; with a reset or a seed in flight at the kill, either all
    of them are or none (the new world has none of this round's names). A create never answered happened at most
    once. Returns the problems and how many writes were checked."""
    tracks = [t for t in model.assets if t.world == model.world and not t.dirty]
    lost = [t for t in tracks if database.get(t.asset_id, GONE) not in [t.names[-1], *t.pending]]
    problems = [
        f"acknowledged write lost: asset {t.asset_id} is {database.get(t.asset_id, 'absent')!r}, "
        f"expected one of {[t.names[-1], *t.pending]}"
        for t in lost
    ]
    checked = sum(len(t.names) for t in tracks)
    if model.pending_change in ("reset", "seed-default", "seed-generated") and lost:
        ours = {n for t in tracks for n in [*t.names, *t.pending] if n is not GONE}
        kept = sorted(ours & set(database.values()))
        problems = [f"a {model.pending_change} in flight left some of the writes before it: {kept[:5]}"] if kept else []
    elif model.pending_change is not None:  # a restore or an export seeded back: any earlier state, not checked
        problems, checked = [], 0
    names = list(database.values())
    for name in model.unanswered_creates:
        if names.count(name) > 1:
            problems.append(f"a create never answered made {names.count(name)} assets named {name!r}")
    return problems, checked


def named(http: httpx.Client, path: str, expected: dict[str, str], what: str) -> tuple[list[str], list[str]]:
    """The names listed at `path` against those acknowledged present or absent; returns (problems, listed)."""
    listed = [str(entry["name"]) for entry in http.get(path).json()]
    problems = [
        f"{what} {name!r} was acknowledged {state} but the list is {listed}"
        for name, state in expected.items()
        if state != UNKNOWN and (state == "present") != (name in listed)
    ]
    return problems, listed


def leftovers(data_dir: Path) -> list[str]:
    """Half-made copies a start should have finished or removed."""
    found = [p for p in data_dir.rglob(".*") if p.name.endswith(LEFTOVERS) or p.name.startswith((".replace", ".seed-"))]
    return [f"left behind after the start: {p.relative_to(data_dir)}" for p in found]


def check_all(url: str, data_dir: Path, model: Model, rng: random.Random) -> tuple[list[str], int]:
    """Every check of one restart; returns the problems and the number of acknowledged writes checked."""
    problems = leftovers(data_dir)
    database = rows(data_dir / "emulator.db")
    found, checked = acknowledged(model, database)
    problems += found
    words = sorted({n for t in model.assets for n in t.names if n is not GONE and t.world == model.world})
    words = [*rng.sample(words, min(4, len(words))), "laptop"]
    with httpx.Client(base_url=url, auth=("admin", "admin"), timeout=120, trust_env=False) as http:
        problems += agreement(http, data_dir, "", words, rng)
        found_ns, namespaces = named(http, "/_emulator/namespaces", model.namespaces, "namespace")
        found_snaps, _ = named(http, "/_emulator/snapshots", model.snapshots, "snapshot")
        problems += found_ns + found_snaps
        for name in namespaces:
            if name != "default":
                problems += agreement(http, data_dir / "namespaces" / name, f"/_ns/{name}", ["laptop"], rng)
    return problems, checked
