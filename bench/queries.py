"""The benchmark's query kinds, each as a list of distinct variants that hit the generated data.

The executor caches leaf results per index generation, so a query repeated verbatim measures the cache. Every kind
therefore comes in several variants of the same shape and cost (other words, other bounds, other attributes): the
first pass over them is uncached, later passes are what a client repeating its queries sees. The vocabularies are
those of emulator/seeding/generate.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed"
SEED_KINDS = ("seed: one string field", "seed: scheme+form+name+id")
Body = dict[str, Any]
Post = Callable[[Body], dict[str, Any]]  # sends one search, returns the parsed answer

WORD = ("lat?tude", "thinkp?d", "eliteb??k", "prob??k", "ideap?d", "tomc?t", "ngi?x", "kafk?", "red?s", "jenk?ns")
LEADING = ("*book", "*pad", "*tude", "*cat", "*inx", "*gres", "*fka", "*dis", "*kins", "*sion", "*jet", "*wind")
PHRASES = (
    "replaced the battery",
    "moved to rack",
    "reimaged by the help desk",
    "spare unit kept",
    "for emergencies",
    "delivery took",
    "fan noise reported",
    "cleaned and tested",
    "kept in berlin",
    "tested in hamburg",
)
CONTENT = ("hamburg", "berlin", "nyc", "remote", "lenovo", "dell", "tomcat", "kafka", "apple", "canon", "sales")
SYSTEMS = ("Windows 11", "Windows Server 2022", "Ubuntu 22.04", "Red Hat Enterprise Linux 9", "macOS 14")
SORTS = (
    ("Purchase Price", "DOUBLE"),
    ("RAM (GB)", "LONG"),
    ("Warranty Expiry", "DATE"),
    ("Model", "STRING"),
    ("Seats", "LONG"),
    ("Renewal Date", "DATE"),
    ("Last Audit", "DATE_TIME"),
    ("Start Date", "DATE"),
    ("Server Name", "STRING"),
    ("Serial Number", "STRING"),
)
DEEP_SORTS = ("asset.name", "asset.id", "asset.created", "asset.key", "asset.cost", "Notes", "Serial Number", "IP")
VENDORS, RAM = ("Lenovo", "Dell", "HP", "Apple"), ("8 TO 16", "16 TO 32", "32 TO 64")
ROLE_PREFIXES = ("tom*", "ngi*", "kaf*", "red*", "jen*", "pos*", "mai*", "lda*")


def body(*params: Body, **extra: Any) -> Body:
    """A DC search request in the seed's style: 15 per page, by name."""
    out = {"searchType": "basic", "listType": "detail", "genericKeyword": None, "queryIndexSearchParams": list(params)}
    return out | {"pageNumber": 1, "pageSize": 15, "sortDirection": "asc", "sortField": "asset.name"} | extra


def param(field: str, field_type: str, **values: Any) -> Body:
    """One `QueryIndexSearchParam`."""
    return {"field": field, "fieldType": field_type, **values}


def seed_request(generated: bool, name: str = "search-scheme-type-name-id") -> Body:
    """A seed request; on generated data the second one asks for the `Server` form of `IT Hardware`."""
    out: Body = json.loads((SEEDS / f"{name}.request.json").read_text())
    rename = {"Servers": "Server", "Default Asset Scheme": "IT Hardware"} if generated else {}
    for p in out["queryIndexSearchParams"]:
        if isinstance(p.get("keywords"), list):
            p["keywords"] = [rename.get(k, k) for k in p["keywords"]]
    return out


def _seed_variants() -> tuple[list[Body], list[Body]]:
    one, two = [], []
    for i, prefix in enumerate(ROLE_PREFIXES):
        first = seed_request(True, "search-one-string-field")
        first["queryIndexSearchParams"][0]["keyword"] = str(1012 + i)  # External System Id: one printer/supplier
        one.append(first)
        second = seed_request(True)
        second["queryIndexSearchParams"][1]["keyword"] = prefix  # the server roles
        two.append(second)
    return one, two


def query_kinds(post: Post, size: int) -> list[tuple[str, list[Body]]]:
    """Every query kind with its variants; variant 0 is the canonical one."""
    servers = post(body(param("form.name", "LIST", keywords=["Server"]), pageSize=10, sortField="asset.id"))
    refs = [f"{a['name']} #{a['id']}" for a in servers["assets"]]
    one, two = _seed_variants()
    deep = max(1, size * 9 // 10 // 15)

    def prices(i: int) -> Body:
        return param("Purchase Price", "DOUBLE", minNum=500 + 97 * i, maxNum=1500 + 97 * i, range=True)

    def dates(i: int) -> Body:
        year, half = 2023 + i // 2, i % 2
        low, high = f"{year}-{1 + 6 * half:02d}-01", f"{year}-{6 + 6 * half:02d}-30"
        return param("Warranty Expiry", "DATE", minDate=low, maxDate=high, range=True)

    return [
        (SEED_KINDS[0], one),
        (SEED_KINDS[1], two),
        ("word wildcard", [body(param("asset.name", "STRING", keyword=w)) for w in WORD]),
        ("leading wildcard", [body(param("asset.name", "STRING", keyword=w)) for w in LEADING]),
        ("phrase", [body(param("Notes", "STRING", keyword=f'"{p}"')) for p in PHRASES]),
        ("range", [body(prices(i)) for i in range(10)]),
        ("date range", [body(dates(i)) for i in range(10)]),
        ("list", [body(param("Operating Systems", "LIST", keywords=list(pair))) for pair in combinations(SYSTEMS, 2)]),
        ("reference", [body(param("Installed On", "ALL_ASSETS_REF", keywords=[ref])) for ref in refs]),
        ("asset.content", [body(param("asset.content", "STRING", keyword=w)) for w in CONTENT]),
        ("genericKeyword", [body(genericKeyword=f'Vendor:{v} AND "RAM (GB)":[{r}]') for v in VENDORS for r in RAM]),
        ("sort by attribute", [body(sortField=f, sortType=t, sortDirection="desc") for f, t in SORTS]),
        ("deep page", [body(pageNumber=deep - i, sortField=f) for i, f in enumerate(DEEP_SORTS)]),
    ]
